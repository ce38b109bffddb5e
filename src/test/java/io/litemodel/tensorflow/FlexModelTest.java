package io.litemodel.tensorflow;

import static io.litemodel.tensorflow.TfTestModels.golden;
import static io.litemodel.tensorflow.TfTestModels.maxAbsDiff;
import static io.litemodel.tensorflow.TfTestModels.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import org.junit.jupiter.api.Test;

/**
 * A model with an op TensorFlow Lite has no builtin for (flex_sinh: Sinh): its .tflite needs the Flex delegate,
 * which this TensorFlow Lite build lacks, so it runs from Java through its SavedModel on the TensorFlow runtime.
 */
class FlexModelTest {
  @Test
  void tfliteCannotRunTheFlexOp() {
    LiteModelException e = assertThrows(LiteModelException.class, () -> {
      try (LiteModel model = LiteModel.load(path("flex_sinh.tflite"))) {
        model.predictSingle(new float[16], new float[8]);
      }
    });
    assertTrue(e.getMessage().contains("FlexSinh"), e.getMessage());
  }

  @Test
  void theSavedModelRunsOnTheTensorFlowRuntime() {
    float[][] in = golden("flex_sinh.golden.input.npy");
    float[][] expected = golden("flex_sinh.golden.tf.npy");
    try (TfModel model = TfModel.loadSavedModel(path("flex_sinh_savedmodel"))) {
      assertEquals("x", model.inputs().get(0).name());
      assertEquals("y", model.outputs().get(0).name());
      float[][] got = model.predict(in);
      assertTrue(maxAbsDiff(got, expected) < TfModelTest.TOLERANCE, "max |diff| " + maxAbsDiff(got, expected));
    }
  }
}
