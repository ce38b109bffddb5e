package io.litemodel.cli;

import java.util.Locale;

/**
 * One comparison of predictions with a golden file, judged as the converter judges its verification: it passes when
 * {@code max_abs <= atol + rtol * max|expected|}. A NaN anywhere (a skipped row, a broken model) fails it.
 *
 * @param label what was compared, e.g. {@code serving_default/output vs tflite golden}
 * @param maxAbs the largest absolute difference (NaN if any value was NaN)
 * @param bound the largest difference allowed
 */
record GoldenComparison(String label, double maxAbs, double bound) {
  /**
   * @param label what is compared
   * @param actual the predictions
   * @param expected the golden values, as long as {@code actual}
   * @param atol the absolute tolerance
   * @param rtol the tolerance relative to the largest expected value
   * @return the comparison
   * @throws IllegalArgumentException if the lengths differ
   */
  static GoldenComparison of(String label, float[] actual, float[] expected, double atol, double rtol) {
    if (actual.length != expected.length) {
      throw new IllegalArgumentException(label + ": " + actual.length + " predicted values, " + expected.length
          + " golden ones");
    }
    double maxAbs = 0;
    double scale = 0;
    for (int i = 0; i < actual.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs((double) actual[i] - expected[i])); // Math.max keeps a NaN
      scale = Math.max(scale, Math.abs((double) expected[i]));
    }
    return new GoldenComparison(label, maxAbs, atol + rtol * scale);
  }

  /** @return true when the difference is within the bound (never for NaN) */
  boolean passed() {
    return maxAbs <= bound;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s: max_abs %.3e (bound %.3e) %s", label, maxAbs, bound,
        passed() ? "ok" : "MISMATCH");
  }
}
