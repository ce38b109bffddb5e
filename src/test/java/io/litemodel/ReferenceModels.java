package io.litemodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test access to the reference models in {@code models/}: paths, JSON sidecars written by keras2tflite, and golden
 * vectors stored as {@code .npy} files (format v1.0, little-endian, C order; float32 or int8).
 */
final class ReferenceModels {
  static final Path DIR = locate();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");
  private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");

  private ReferenceModels() {}

  private static Path locate() {
    Path dir = Path.of(System.getProperty("litemodel.models", "models")).toAbsolutePath();
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("reference models not found at " + dir + "; run tests from the repo root");
    }
    return dir;
  }

  static Path model(String name) {
    return DIR.resolve(name + ".tflite");
  }

  static JsonNode sidecar(String name) {
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
  static Npy golden(String name, String signature, String kind, String tensor) {
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
  record Npy(int[] shape, float[] values, String dtype) {
    int rows() {
      return shape[0];
    }

    int rowLength() {
      return values.length / shape[0];
    }

    float[] row(int r) {
      float[] row = new float[rowLength()];
      System.arraycopy(values, r * row.length, row, 0, row.length);
      return row;
    }

    static Npy read(Path path) {
      try {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.get(0) != (byte) 0x93 || bytes.get(1) != 'N' || bytes.get(6) != 1) {
          throw new IllegalArgumentException(path + " is not an .npy v1 file");
        }
        int headerLength = bytes.getShort(8) & 0xffff;
        String header = new String(bytes.array(), 10, headerLength, StandardCharsets.US_ASCII);
        if (header.contains("'fortran_order': True")) {
          throw new IllegalArgumentException(path + " is Fortran-ordered");
        }
        Matcher descr = DESCR.matcher(header);
        Matcher shapeText = SHAPE.matcher(header);
        if (!descr.find() || !shapeText.find()) {
          throw new IllegalArgumentException(path + ": unreadable header " + header);
        }
        List<Integer> dims = new ArrayList<>();
        for (String dim : shapeText.group(1).split(",")) {
          if (!dim.isBlank()) {
            dims.add(Integer.parseInt(dim.strip()));
          }
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        int count = 1;
        for (int dim : shape) {
          count *= dim;
        }
        float[] values = new float[count];
        bytes.position(10 + headerLength);
        String type = descr.group(1);
        switch (type) {
          case "<f4" -> bytes.asFloatBuffer().get(values);
          case "|i1" -> {
            for (int i = 0; i < count; i++) {
              values[i] = bytes.get();
            }
          }
          default -> throw new IllegalArgumentException(path + ": unsupported dtype " + type);
        }
        return new Npy(shape, values, type);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** @return the largest absolute difference between two equally long arrays */
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
}
