package io.litemodel.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the golden vectors: 2-D float32 {@code .npy} files (format 1.0, little-endian, C order), the only kind the
 * models script writes for float golden data. Hand-written because the format is a short text header plus raw
 * floats, and no well-kept Java npy reader exists on Maven Central; anything else is rejected with a message.
 */
final class Npy {
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*(\\d+)\\)");

  private Npy() {}

  /** @return the array's rows */
  static float[][] readMatrix(Path file) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.remaining() < 10 || bytes.get() != (byte) 0x93 || bytes.get() != 'N' || bytes.get() != 'U') {
      throw new IOException(file + " is not an .npy file");
    }
    bytes.position(6);
    int major = bytes.get();
    bytes.get();
    if (major != 1) {
      throw new IOException(file + ": npy format " + major + ".x is not supported (1.0 only)");
    }
    int headerLength = Short.toUnsignedInt(bytes.getShort());
    String header = new String(bytes.array(), 10, headerLength, StandardCharsets.US_ASCII);
    if (!header.contains("'descr': '<f4'") || !header.contains("'fortran_order': False")) {
      throw new IOException(file + ": only little-endian float32 in C order is supported, header " + header);
    }
    Matcher shape = SHAPE.matcher(header);
    if (!shape.find()) {
      throw new IOException(file + ": only 2-D arrays are supported, header " + header);
    }
    int rows = Integer.parseInt(shape.group(1));
    int columns = Integer.parseInt(shape.group(2));
    bytes.position(10 + headerLength);
    if (bytes.remaining() != (long) rows * columns * Float.BYTES) {
      throw new IOException(file + ": " + bytes.remaining() + " data bytes for shape (" + rows + ", " + columns
          + ")");
    }
    float[][] matrix = new float[rows][columns];
    for (float[] row : matrix) {
      bytes.asFloatBuffer().get(row);
      bytes.position(bytes.position() + columns * Float.BYTES);
    }
    return matrix;
  }
}
