package io.litemodel.tensorflow;

import static io.litemodel.tensorflow.TfTestModels.golden;
import static io.litemodel.tensorflow.TfTestModels.maxAbsDiff;
import static io.litemodel.tensorflow.TfTestModels.path;

import io.litemodel.LiteModel;

/**
 * Child-JVM main for {@link BothRuntimesTest}: loads TensorFlow Lite (bytedeco) and TensorFlow (TF Java's natives)
 * in the order given, runs seed_mlp through both and multi_signature's {@code add} through TensorFlow, and prints the
 * largest differences from the goldens.
 */
public final class BothRuntimesProbe {
  private BothRuntimesProbe() {}

  /** @param args {@code tflite-first} or {@code tf-first} */
  public static void main(String[] args) {
    boolean tfliteFirst = args[0].equals("tflite-first");
    float[][] in = golden("seed_mlp.golden.input.npy");
    float[][] keras = golden("seed_mlp.golden.keras.npy");
    LiteModel lite = null;
    TfModel tf = null;
    try {
      if (tfliteFirst) {
        lite = LiteModel.load(path("seed_mlp.tflite"));
        tf = TfModel.loadSavedModel(path("seed_mlp_savedmodel"));
      } else {
        tf = TfModel.loadSavedModel(path("seed_mlp_savedmodel"));
        lite = LiteModel.load(path("seed_mlp.tflite"));
      }
      System.out.println("tflite=" + maxAbsDiff(lite.predict(in), keras));
      System.out.println("tf=" + maxAbsDiff(tf.predict(in), keras));
      try (TfModel add = TfModel.loadSavedModel(path("multi_signature_savedmodel"),
          TfOptions.defaults().withSignature("add"))) {
        System.out.println("add=" + maxAbsDiff(add.predict(golden("multi_signature.golden.add.input.npy")),
            golden("multi_signature.golden.add.tf.npy")));
      }
    } finally {
      if (lite != null) {
        lite.close();
      }
      if (tf != null) {
        tf.close();
      }
    }
  }
}
