package io.litemodel.tensorflow;

import io.litemodel.io.NpyArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The reference models and golden vectors (models/) the TensorFlow runtime's tests read. */
final class TfTestModels {
  static final Path DIR = Path.of(System.getProperty("litemodel.models", "models")).toAbsolutePath();

  private TfTestModels() {}

  static Path path(String name) {
    Path path = DIR.resolve(name);
    if (!Files.exists(path)) {
      throw new IllegalStateException("reference model " + path + " not found; run tests from the repo root");
    }
    return path;
  }

  /** @return the rows of a golden {@code .npy} file (one float[] per first-dimension entry) */
  static float[][] golden(String file) {
    try {
      return NpyArray.open(path(file)).toMatrix();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static float maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  static float maxAbsDiff(float[][] a, float[][] b) {
    float max = 0;
    for (int r = 0; r < a.length; r++) {
      max = Math.max(max, maxAbsDiff(a[r], b[r]));
    }
    return max;
  }

  static float[] flatten(float[][] rows) {
    int width = rows[0].length;
    float[] flat = new float[rows.length * width];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * width, width);
    }
    return flat;
  }
}
