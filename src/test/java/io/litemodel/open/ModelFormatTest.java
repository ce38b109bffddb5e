package io.litemodel.open;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A path's format: directories are SavedModels, .pb files frozen graphs, every other file TensorFlow Lite. */
class ModelFormatTest {
  @Test
  void formatFollowsWhatThePathIsAndItsName(@TempDir Path dir) {
    assertEquals(ModelFormat.SAVED_MODEL, ModelFormat.of(dir));
    assertEquals(ModelFormat.SAVED_MODEL, ModelFormat.of(Path.of("models/seed_mlp_savedmodel")));
    assertEquals(ModelFormat.FROZEN_GRAPH, ModelFormat.of(Path.of("models/image_cnn_frozen.pb")));
    assertEquals(ModelFormat.FROZEN_GRAPH, ModelFormat.of(Path.of("GRAPH.PB")));
    assertEquals(ModelFormat.TFLITE, ModelFormat.of(Path.of("models/seed_mlp.tflite")));
    assertEquals(ModelFormat.TFLITE, ModelFormat.of(Path.of("model.bin")), "any other file: TensorFlow Lite");
    assertEquals(ModelFormat.TFLITE, ModelFormat.of(Path.of("missing_dir")), "what is not there is no directory");
  }

  @Test
  void onlyTensorFlowLiteSkipsTheTensorFlowRuntime() {
    assertFalse(ModelFormat.TFLITE.tensorFlow());
    assertTrue(ModelFormat.SAVED_MODEL.tensorFlow());
    assertTrue(ModelFormat.FROZEN_GRAPH.tensorFlow());
  }

  @Test
  void aFileNamedWithItsFormatsSuffixReadsAsThatFormat() {
    for (ModelFormat format : new ModelFormat[] {ModelFormat.TFLITE, ModelFormat.FROZEN_GRAPH}) {
      assertEquals(format, ModelFormat.of(Path.of("copy" + format.suffix())), format.toString());
    }
    assertEquals("", ModelFormat.SAVED_MODEL.suffix());
  }
}
