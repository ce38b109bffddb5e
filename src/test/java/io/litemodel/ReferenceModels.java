package io.litemodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litemodel.io.NpyArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test access to the reference models in {@code models/}: paths, JSON sidecars written by keras2tflite, and golden
 * vectors stored as {@code .npy} files (format v1.0, little-endian, C order; float32 or int8).
 */
public final class ReferenceModels {
  public static final Path DIR = locate();
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReferenceModels() {}

  private static Path locate() {
    Path dir = Path.of(System.getProperty("litemodel.models", "models")).toAbsolutePath();
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("reference models not found at " + dir + "; run tests from the repo root");
    }
    return dir;
  }

  public static Path model(String name) {
    return DIR.resolve(name + ".tflite");
  }

  public static JsonNode sidecar(String name) {
    try {
      return JSON.readTree(DIR.resolve(name + ".json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The golden file of {@code kind} for {@code tensor} (null: the only tensor on that side) and {@code signature}
   * (null: the default), as listed in the sidecar.
   */
  public static Npy golden(String name, String signature, String kind, String tensor) {
    JsonNode files = sidecar(name).path("golden").path("files");
    for (JsonNode file : files) {
      boolean signatureMatches = signature == null || signature.equals(file.path("signature").asText());
      boolean tensorMatches = tensor == null || tensor.equals(file.path("tensor").asText());
      if (signatureMatches && tensorMatches && kind.equals(file.path("kind").asText())) {
        return Npy.read(DIR.resolve(file.path("file").asText()));
      }
    }
    throw new IllegalArgumentException("no golden " + kind + " for " + name + "/" + signature + "/" + tensor);
  }

  /** A loaded .npy array: its shape and its values widened to float (int8 values as their integer value). */
  public record Npy(int[] shape, float[] values, String dtype) {
    public int rows() {
      return shape[0];
    }

    int rowLength() {
      return values.length / shape[0];
    }

    public float[] row(int r) {
      float[] row = new float[rowLength()];
      System.arraycopy(values, r * row.length, row, 0, row.length);
      return row;
    }

    static Npy read(Path path) {
      try {
        NpyArray array = NpyArray.open(path);
        long[] dims = array.shape();
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
          shape[i] = Math.toIntExact(dims[i]);
        }
        float[][] rows = array.toMatrix();
        float[] values = new float[rows.length * array.rowElements()];
        for (int r = 0; r < rows.length; r++) {
          System.arraycopy(rows[r], 0, values, r * rows[r].length, rows[r].length);
        }
        return new Npy(shape, values, array.type().name());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** @return the largest absolute difference between two equally long arrays */
  public static float maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
