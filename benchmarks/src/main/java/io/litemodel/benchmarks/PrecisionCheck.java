package io.litemodel.benchmarks;

import io.litemodel.io.NpyArray;
import io.litemodel.LiteModel;
import java.io.IOException;
import java.util.Locale;

/**
 * Error of every {@link PrecisionMode} against the Keras golden outputs: runs each mode on the golden inputs and
 * prints one JSON object per mode (max and mean absolute error), for run-latency.sh to put beside the timings.
 *
 * <pre>
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *     io.litemodel.benchmarks.PrecisionCheck
 * </pre>
 */
public final class PrecisionCheck {
  private PrecisionCheck() {}

  /**
   * Prints the errors.
   *
   * @param args none
   * @throws IOException if a golden file cannot be read
   */
  public static void main(String[] args) throws IOException {
    for (PrecisionMode mode : PrecisionMode.values()) {
      float[][] inputs = NpyArray.open(BenchData.model(mode.model(), ".golden.input.npy")).toMatrix();
      float[][] keras = NpyArray.open(BenchData.model(mode.model(), ".golden.keras.npy")).toMatrix();
      double max = 0;
      double sum = 0;
      long count = 0;
      try (LiteModel lite = mode.load()) {
        float[] out = new float[keras[0].length];
        for (int r = 0; r < inputs.length; r++) {
          lite.predictSingle(inputs[r], out);
          for (int i = 0; i < out.length; i++) {
            double error = Math.abs((double) out[i] - keras[r][i]);
            max = Math.max(max, error);
            sum += error;
            count++;
          }
        }
      }
      System.out.printf(Locale.ROOT, "{\"mode\": \"%s\", \"model\": \"%s\", \"rows\": %d, \"max_abs_error\": %.6g, "
          + "\"mean_abs_error\": %.6g}%n", mode, mode.model(), inputs.length, max, sum / count);
    }
  }
}
