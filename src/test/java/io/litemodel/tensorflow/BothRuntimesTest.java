package io.litemodel.tensorflow;

import static io.litemodel.tensorflow.TfTestModels.golden;
import static io.litemodel.tensorflow.TfTestModels.maxAbsDiff;
import static io.litemodel.tensorflow.TfTestModels.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.ChildJvm;
import io.litemodel.InferenceModel;
import io.litemodel.LiteModel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TensorFlow Lite (bytedeco's natives) and TensorFlow (TF Java's natives) in one JVM: about 150 symbols (absl,
 * Eigen, farmhash) exist in both libraries. Each load order runs in a fresh JVM; this JVM also runs both at once.
 */
class BothRuntimesTest {
  @ParameterizedTest
  @ValueSource(strings = {"tflite-first", "tf-first"})
  void bothLoadOrdersGiveTheGoldens(String order) {
    ChildJvm.Result result = ChildJvm.run(ChildJvm.Launch.plain().withJvmOptions(List.of("-Xmx256m")), BothRuntimesProbe.class,
        order);
    assertEquals(0, result.exitCode(), result.output());
    assertTrue(Float.parseFloat(result.value("tflite")) < 1e-4f, result.output());
    assertTrue(Float.parseFloat(result.value("tf")) < TfModelTest.TOLERANCE, result.output());
    assertEquals(0f, Float.parseFloat(result.value("add")), result.output());
  }

  @Test
  void bothRuntimesServeThroughOneInterface() {
    float[][] in = golden("seed_mlp.golden.input.npy");
    float[][] keras = golden("seed_mlp.golden.keras.npy");
    try (InferenceModel lite = LiteModel.load(path("seed_mlp.tflite"));
        InferenceModel tf = TfModel.loadSavedModel(path("seed_mlp_savedmodel"))) {
      for (InferenceModel model : List.of(lite, tf)) {
        assertEquals(256, model.inputs().get(0).rowElements());
        assertEquals(32, model.outputs().get(0).rowElements());
        assertTrue(maxAbsDiff(model.predict(in), keras) < 1e-4f, model.toString());
      }
    }
  }
}
