package io.litemodel.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Shared set-up for every benchmark: where the reference models are, and the records fed to them. */
final class BenchData {
  /** Records rotated through per call, so inputs vary at the cost of one mask (the native floor does the same). */
  static final int VARIANTS = 16;

  private BenchData() {}

  /**
   * @return {@code models/<name><suffix>}, resolved against {@code -Dlitemodel.models} (default {@code models}, as
   *     run-latency.sh runs from the repository root)
   * @throws IllegalStateException if the file is missing
   */
  static Path model(String name, String suffix) {
    Path dir = Path.of(System.getProperty("litemodel.models", "models"));
    Path file = dir.resolve(name + suffix).toAbsolutePath();
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("reference model not found: " + file + " (run from the repository root or "
          + "set -Dlitemodel.models)");
    }
    return file;
  }

  /** @return {@link #VARIANTS} records of {@code length} values in [-1, 1), the same on every run */
  static float[][] records(int length) {
    SplittableRandom random = new SplittableRandom(42);
    float[][] records = new float[VARIANTS][length];
    for (float[] record : records) {
      for (int i = 0; i < length; i++) {
        record[i] = (float) (random.nextDouble() * 2 - 1);
      }
    }
    return records;
  }

  /** @return {@code rows} records laid end to end (row r is record r mod {@link #VARIANTS}) */
  static float[] rows(int length, int rows) {
    float[][] records = records(length);
    float[] flat = new float[rows * length];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(records[r % VARIANTS], 0, flat, r * length, length);
    }
    return flat;
  }

  /** @return the median of {@code values} (the mean of the middle two for an even count); the list is not changed */
  static double median(java.util.Collection<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
