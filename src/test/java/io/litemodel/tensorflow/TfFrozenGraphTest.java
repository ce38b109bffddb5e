package io.litemodel.tensorflow;

import static io.litemodel.tensorflow.TfTestModels.golden;
import static io.litemodel.tensorflow.TfTestModels.maxAbsDiff;
import static io.litemodel.tensorflow.TfTestModels.path;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * image_cnn as a frozen GraphDef (models/image_cnn_frozen.pb, made by build_models.py with
 * convert_variables_to_constants_v2, as in the seed story), loaded by operation names, against image_cnn's Keras
 * goldens.
 */
class TfFrozenGraphTest {
  /** MobileNetV2 through another build of the same kernels (oneDNN): the builder saw 7e-7 against Keras. */
  static final float TOLERANCE = 1e-4f;

  static List<String> names(String field) throws IOException {
    JsonNode sidecar = new ObjectMapper().readTree(path("image_cnn_frozen.json").toFile());
    List<String> names = new ArrayList<>();
    sidecar.get(field).forEach(node -> names.add(node.asText()));
    return names;
  }

  @Test
  void imageCnnMatchesKerasGoldens() throws IOException {
    float[][] images = golden("image_cnn.golden.input.npy");
    float[][] expected = golden("image_cnn.golden.keras.npy");
    try (TfModel model = TfModel.loadFrozenGraph(path("image_cnn_frozen.pb"), names("inputs"), names("outputs"),
        TfOptions.defaults().withIntraOpThreads(2))) {
      assertNull(model.signature());
      assertEquals(List.of(), model.signatureKeys());
      assertEquals("image:0", model.inputs().get(0).name());
      assertArrayEquals(new int[] {-1, 224, 224, 3}, model.inputs().get(0).shapeSignature());
      assertArrayEquals(new int[] {-1, 10}, model.outputs().get(0).shapeSignature());
      float[][] batch = model.predict(images);
      assertTrue(maxAbsDiff(batch, expected) < TOLERANCE, "batch max |diff| " + maxAbsDiff(batch, expected));
      float[] one = model.predictSingle(images[1]);
      assertTrue(maxAbsDiff(one, expected[1]) < TOLERANCE, "single max |diff| " + maxAbsDiff(one, expected[1]));
    }
  }

  @Test
  void unknownOperationsAreNamed() throws IOException {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TfModel.loadFrozenGraph(
        path("image_cnn_frozen.pb"), List.of("pixels"), names("outputs"), TfOptions.defaults()));
    assertEquals("the graph has no operation 'pixels' (given as input 'pixels')", e.getMessage());
    IllegalArgumentException index = assertThrows(IllegalArgumentException.class, () -> TfModel.loadFrozenGraph(
        path("image_cnn_frozen.pb"), names("inputs"), List.of("Identity:3"), TfOptions.defaults()));
    assertEquals("operation 'Identity' has 1 outputs; output 'Identity:3' asks for output 3", index.getMessage());
  }

  @Test
  void nonFloatInputsAreRefusedWithTheirType() throws IOException {
    // An int32 constant of the graph fed as an input: TensorFlow allows feeding it; this runtime feeds float32 only.
    String ints = "mobilenetv2_0.35_224_1/global_average_pooling2d_1/Mean/reduction_indices";
    try (TfModel model = TfModel.loadFrozenGraph(path("image_cnn_frozen.pb"), List.of(ints), names("outputs"),
        TfOptions.defaults())) {
      assertEquals(io.litemodel.DataType.INT32, model.inputs().get(0).dataType());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> model.predictSingle(new float[2], new float[10]));
      assertEquals("input '" + ints + "' is INT32; the TensorFlow runtime feeds and reads FLOAT32 tensors only",
          e.getMessage());
    }
  }
}
