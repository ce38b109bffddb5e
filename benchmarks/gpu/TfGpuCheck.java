import io.litemodel.io.NpyArray;
import io.litemodel.tensorflow.DevicePlacement;
import io.litemodel.tensorflow.TfModel;
import io.litemodel.tensorflow.TfOptions;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The GPU check of the TensorFlow runtime (run by tf-check.sh, from the repository root): for each placement asked
 * on the command line (gpu, cpu), parity of seed_mlp (SavedModel) and image_cnn (frozen graph) with their Keras
 * goldens, predictSingle latency percentiles of seed_mlp, and batch throughput of image_cnn. Single-file program
 * ({@code java -cp ... TfGpuCheck.java gpu cpu}).
 */
public final class TfGpuCheck {
  private TfGpuCheck() {}

  /** @param args placements to check, e.g. {@code gpu cpu} */
  public static void main(String[] args) throws Exception {
    for (String arg : args) {
      DevicePlacement placement = DevicePlacement.valueOf(arg.toUpperCase(Locale.ROOT));
      TfOptions options = TfOptions.defaults().withPlacement(placement);
      try {
        check(options);
      } catch (io.litemodel.LiteModelException e) {
        System.out.println("== " + placement + ": " + e.status() + ": " + e.getMessage());
      }
    }
  }

  private static void check(TfOptions options) throws Exception {
    DevicePlacement placement = options.placement();
    {
      try (TfModel mlp = TfModel.loadSavedModel(Path.of("models/seed_mlp_savedmodel"), options);
          TfModel cnn = TfModel.loadFrozenGraph(Path.of("models/image_cnn_frozen.pb"), List.of("image"),
              List.of("Identity"), options)) {
        System.out.println("== " + placement + ": " + mlp.placement());
        System.out.println("devices: " + mlp.placement().devices());
        float[][] in = rows("models/seed_mlp.golden.input.npy");
        System.out.printf(Locale.ROOT, "parity seed_mlp max|diff| vs Keras: %.3e%n",
            maxDiff(mlp.predict(in), rows("models/seed_mlp.golden.keras.npy")));
        float[][] images = rows("models/image_cnn.golden.input.npy");
        System.out.printf(Locale.ROOT, "parity image_cnn max|diff| vs Keras: %.3e%n",
            maxDiff(cnn.predict(images), rows("models/image_cnn.golden.keras.npy")));
        latency(mlp, in[0]);
        for (int batch : new int[] {1, 32, 256}) {
          throughput(cnn, images, batch);
        }
      }
    }
  }

  private static void latency(TfModel model, float[] in) {
    float[] out = new float[32];
    for (int i = 0; i < 20_000; i++) {
      model.predictSingle(in, out);
    }
    int calls = 50_000;
    long[] nanos = new long[calls];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      model.predictSingle(in, out);
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    System.out.printf(Locale.ROOT, "seed_mlp predictSingle over %d calls: p50 %.1f us, p99 %.1f us, p99.9 %.1f us%n",
        calls, nanos[calls / 2] / 1e3, nanos[calls * 99 / 100] / 1e3, nanos[calls * 999 / 1000] / 1e3);
  }

  private static void throughput(TfModel model, float[][] images, int batch) {
    int row = 224 * 224 * 3;
    FloatBuffer in = FloatBuffer.allocate(batch * row);
    for (int r = 0; r < batch; r++) {
      in.put(images[r % images.length]);
    }
    FloatBuffer out = FloatBuffer.allocate(batch * 10);
    for (int i = 0; i < 3; i++) {
      model.predict(in.clear(), out.clear(), batch);
    }
    int runs = Math.max(3, 512 / batch);
    long start = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      model.predict(in.clear(), out.clear(), batch);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "image_cnn batch %d: %.1f images/s (%d runs, %.2f s)%n", batch,
        runs * (double) batch / seconds, runs, seconds);
  }

  private static float[][] rows(String file) throws Exception {
    return NpyArray.open(Path.of(file)).toMatrix();
  }

  private static float maxDiff(float[][] a, float[][] b) {
    float max = 0;
    for (int r = 0; r < a.length; r++) {
      for (int i = 0; i < a[r].length; i++) {
        max = Math.max(max, Math.abs(a[r][i] - b[r][i]));
      }
    }
    return max;
  }
}
