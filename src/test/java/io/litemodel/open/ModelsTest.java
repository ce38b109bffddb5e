package io.litemodel.open;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.BuildVersions;
import io.litemodel.ChildJvm;
import io.litemodel.InferenceModel;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.tensorflow.TfModel;
import io.litemodel.tensorflow.TfOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One call opens every format with its runtime, and says clearly what is wrong with a path it cannot open. */
class ModelsTest {
  private static final Path MLP = Path.of("models/seed_mlp.tflite");
  private static final Path MLP_SAVED_MODEL = Path.of("models/seed_mlp_savedmodel");
  private static final Path FROZEN = Path.of("models/image_cnn_frozen.pb");

  @Test
  void aTfliteFileOpensAsALiteModelWithItsOptions() {
    try (InferenceModel model = Models.open(MLP, OpenOptions.defaults()
        .withLite(LiteModel.Options.defaults().withThreads(1)))) {
      LiteModel lite = assertInstanceOf(LiteModel.class, model);
      assertEquals(1, lite.options().threads());
    }
  }

  @Test
  void aSavedModelDirectoryOpensOnTheTensorFlowRuntime() {
    float[] input = new float[256];
    input[3] = 1;
    try (InferenceModel saved = Models.open(MLP_SAVED_MODEL);
        LiteModel lite = LiteModel.load(MLP)) {
      assertInstanceOf(TfModel.class, saved);
      assertArrayEquals(lite.predictSingle(input), saved.predictSingle(input), 1e-5f, "the same Keras model");
    }
  }

  @Test
  void aFrozenGraphOpensWithItsOperationNames() {
    OpenOptions options = OpenOptions.defaults().withFrozenGraphOps(List.of("image"), List.of("Identity"))
        .withTensorFlow(TfOptions.defaults().withIntraOpThreads(1));
    try (InferenceModel model = Models.open(FROZEN, options)) {
      assertInstanceOf(TfModel.class, model);
      assertEquals(List.of("image"), options.inputOps());
      assertEquals(1, model.inputs().size());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.open(FROZEN));
    assertEquals(FROZEN + " is a frozen graph: give its input and output operation names "
        + "(OpenOptions.withFrozenGraphOps)", e.getMessage());
  }

  @Test
  void aPathWithNothingThereIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("nothing.tflite");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.open(missing));
    assertEquals("no model at " + missing.toAbsolutePath() + ": expected a .tflite file, a SavedModel directory or "
        + "a frozen graph .pb", e.getMessage());
  }

  @Test
  void aFileThatIsNoModelGetsTheVerifiersReason(@TempDir Path dir) throws IOException {
    Path notes = Files.writeString(dir.resolve("notes.txt"), "not a model at all, just some text");
    LiteModelException e = assertThrows(LiteModelException.class, () -> Models.open(notes));
    assertSame(LiteModelException.Status.INVALID_MODEL, e.status());
    assertTrue(e.getMessage().contains(notes.toString()), e.getMessage());
    LiteModelException empty = assertThrows(LiteModelException.class, () -> Models.open(dir));
    assertEquals(dir + " is not a SavedModel: it has no saved_model.pb", empty.getMessage(),
        "a directory is read as a SavedModel");
  }

  @Test
  void withoutTheTensorFlowRuntimeASavedModelSaysWhatToAdd() {
    ChildJvm.Result result = ChildJvm.run(ChildJvm.Launch.plain().withJvmOptions(List.of("-Xmx256m"))
        .withoutClassPath(entry -> entry.contains("tensorflow-core-native")), ModelsProbe.class,
        MLP_SAVED_MODEL.toString());
    assertEquals("NATIVE_LIBRARY_UNAVAILABLE", result.value("status"), result.output());
    String message = result.value("message");
    assertTrue(message.startsWith("The TensorFlow runtime is not available: the TensorFlow C API classes are not "
        + "on the class path ("), message);
    assertTrue(message.contains("org.tensorflow:tensorflow-core-native:" + BuildVersions.tensorFlowJava()), message);
    ChildJvm.Result lite = ChildJvm.run(ChildJvm.Launch.plain().withJvmOptions(List.of("-Xmx256m"))
        .withoutClassPath(entry -> entry.contains("tensorflow-core-native")), ModelsProbe.class, MLP.toString());
    assertEquals("LiteModel", lite.value("loaded"), "TensorFlow Lite models open without it: " + lite.output());
  }
}
