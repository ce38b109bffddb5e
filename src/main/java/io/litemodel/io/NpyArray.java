package io.litemodel.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A read-only, memory-mapped NumPy {@code .npy} array (format versions 1.0 to 3.0) of float32, float64, int8 or
 * uint8 in C order, read row by row (a row is everything after the first dimension).
 *
 * <p>Hand-written because no maintained Java npy reader is on Maven Central (the few there are unmaintained or pull
 * in a whole array library); the format is a short text header plus raw data, documented by NumPy's
 * {@code numpy.lib.format}.
 *
 * <p>Thread-safe for reading: {@link #readRow} uses absolute reads only.
 */
public final class NpyArray {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  /** The element types this reader handles. */
  public enum Type {
    /** little-endian float32, {@code <f4} */
    FLOAT32(4),
    /** little-endian float64, {@code <f8} */
    FLOAT64(8),
    /** int8, {@code |i1} */
    INT8(1),
    /** uint8, {@code |u1} */
    UINT8(1);

    final int size;

    Type(int size) {
      this.size = size;
    }
  }

  private final Path file;
  private final Type type;
  private final long[] shape;
  private final int rowElements;
  private final long rows;
  private final ByteBuffer data;
  private final FloatBuffer floats;

  private NpyArray(Path file, Type type, long[] shape, ByteBuffer data) {
    this.file = file;
    this.type = type;
    this.shape = shape;
    long row = 1;
    for (int d = 1; d < shape.length; d++) {
      row *= shape[d]; // cannot overflow: open() checked this product
    }
    if (row > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(file + ": rows of " + row + " elements are too long");
    }
    this.rowElements = (int) row;
    this.rows = shape.length == 0 ? 1 : shape[0];
    this.data = data;
    this.floats = type == Type.FLOAT32 ? data.asFloatBuffer() : null;
  }

  /**
   * Maps a {@code .npy} file.
   *
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if it is not a {@code .npy} file of a supported type in C order, or is
   *     truncated (the message says what is wrong)
   */
  public static NpyArray open(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, 12)).order(ByteOrder.LITTLE_ENDIAN);
      channel.read(head, 0);
      head.flip();
      byte[] magic = new byte[Math.min(6, head.remaining())];
      head.get(magic);
      if (!Arrays.equals(magic, MAGIC) || head.remaining() < 4) {
        throw new IllegalArgumentException(file + " is not a .npy file (no \\x93NUMPY magic)");
      }
      int major = head.get() & 0xff;
      head.get(); // minor version: no differences we need
      long headerLength;
      int prefix;
      if (major == 1) {
        headerLength = head.getShort() & 0xffff;
        prefix = 10;
      } else if (major == 2 || major == 3) {
        if (head.remaining() < 4) {
          throw new IllegalArgumentException(file + " is truncated in its header");
        }
        headerLength = head.getInt() & 0xffffffffL;
        prefix = 12;
      } else {
        throw new IllegalArgumentException(file + " has .npy format version " + major + ", not 1, 2 or 3");
      }
      if (prefix + headerLength > size) {
        throw new IllegalArgumentException(file + " is truncated in its header");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      channel.read(headerBytes, prefix);
      String header = new String(headerBytes.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
      Type type = type(file, match(file, DESCR, header, "descr"));
      if (match(file, FORTRAN, header, "fortran_order").equals("True")) {
        throw new IllegalArgumentException(file + " is in Fortran order; save it with np.ascontiguousarray first");
      }
      long[] shape = shape(file, match(file, SHAPE, header, "shape"));
      long dataBytes;
      try {
        long elements = 1;
        for (long dim : shape) {
          elements = Math.multiplyExact(elements, dim);
        }
        dataBytes = Math.multiplyExact(elements, type.size);
        // A row's elements on their own too: with a first dimension of 0 the total is 0 whatever the rest, and a
        // wrapped row length passed every check (shape (0, 6148914691236517205, 3) gave rows of -1 elements).
        long row = 1;
        for (int d = 1; d < shape.length; d++) {
          row = Math.multiplyExact(row, shape[d]);
        }
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(file + " has shape " + Arrays.toString(shape)
            + ", too large to address", e);
      }
      long dataStart = prefix + headerLength;
      if (dataBytes > size - dataStart) {
        throw new IllegalArgumentException(file + " is truncated: shape " + Arrays.toString(shape) + " needs "
            + dataBytes + " data bytes, the file has " + (size - dataStart));
      }
      if (dataBytes > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(file + " holds " + dataBytes + " bytes of data; this reader maps at most 2 GiB");
      }
      ByteBuffer data = channel.map(FileChannel.MapMode.READ_ONLY, dataStart, dataBytes)
          .order(ByteOrder.LITTLE_ENDIAN);
      return new NpyArray(file, type, shape, data);
    }
  }

  private static String match(Path file, Pattern pattern, String header, String key) {
    Matcher matcher = pattern.matcher(header);
    if (!matcher.find()) {
      throw new IllegalArgumentException(file + ": .npy header has no '" + key + "': " + header.trim());
    }
    return matcher.group(1);
  }

  private static Type type(Path file, String descr) {
    switch (descr) {
      case "<f4":
        return Type.FLOAT32;
      case "<f8":
        return Type.FLOAT64;
      case "|i1":
      case "<i1":
        return Type.INT8;
      case "|u1":
      case "<u1":
        return Type.UINT8;
      default:
        throw new IllegalArgumentException(file + " holds '" + descr
            + "' values; supported: <f4 (float32), <f8 (float64), |i1 (int8), |u1 (uint8)");
    }
  }

  private static long[] shape(Path file, String text) {
    String[] parts = text.split(",");
    long[] dims = new long[parts.length];
    int count = 0;
    for (String part : parts) {
      String trimmed = part.trim();
      if (!trimmed.isEmpty()) {
        long dim;
        try {
          dim = Long.parseLong(trimmed);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(file + ": bad shape (" + text + ")", e);
        }
        if (dim < 0) {
          throw new IllegalArgumentException(file + ": negative dimension in shape (" + text + ")");
        }
        dims[count++] = dim;
      }
    }
    return Arrays.copyOf(dims, count);
  }

  /** @return the file this array was read from */
  public Path file() {
    return file;
  }

  /** @return the element type */
  public Type type() {
    return type;
  }

  /** @return the shape (a copy) */
  public long[] shape() {
    return shape.clone();
  }

  /** @return the first dimension (1 for a scalar) */
  public long rows() {
    return rows;
  }

  /** @return the elements per row: the product of every dimension after the first */
  public int rowElements() {
    return rowElements;
  }

  /**
   * Copies row {@code row}, converted to float, into {@code target} from index 0 (absolute writes; the position is
   * not used). Allocation-free.
   *
   * @throws IndexOutOfBoundsException if the row does not exist or {@code target} is too small
   */
  public void readRow(long row, FloatBuffer target) {
    if (row < 0 || row >= rows) {
      throw new IndexOutOfBoundsException("row " + row + " of " + rows + " in " + file);
    }
    if (target.limit() < rowElements) {
      throw new IndexOutOfBoundsException("target holds " + target.limit() + " values, a row has " + rowElements);
    }
    int start = (int) (row * rowElements);
    switch (type) {
      case FLOAT32:
        target.put(0, floats, start, rowElements);
        break;
      case FLOAT64:
        for (int i = 0; i < rowElements; i++) {
          target.put(i, (float) data.getDouble((start + i) * 8));
        }
        break;
      case INT8:
        for (int i = 0; i < rowElements; i++) {
          target.put(i, data.get(start + i));
        }
        break;
      default:
        for (int i = 0; i < rowElements; i++) {
          target.put(i, data.get(start + i) & 0xff);
        }
        break;
    }
  }

  /**
   * Reads the whole array into one {@code float[]} per row (converted to float). Allocates; for small arrays such as
   * golden vectors, not for streaming.
   *
   * @throws IllegalArgumentException if the array has more rows than a Java array can hold
   */
  public float[][] toMatrix() {
    if (rows > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(file + ": " + rows + " rows do not fit in a Java array");
    }
    float[][] matrix = new float[(int) rows][rowElements];
    for (int r = 0; r < matrix.length; r++) {
      readRow(r, FloatBuffer.wrap(matrix[r]));
    }
    return matrix;
  }

  @Override
  public String toString() {
    return "NpyArray[" + file + ", " + type + Arrays.toString(shape) + "]";
  }
}
