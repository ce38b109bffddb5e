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

/**
 * Streams float32 rows into a NumPy {@code .npy} file (format 1.0, C order) whose row count is known only at the
 * end.
 *
 * <p><b>A cut file still reads.</b> The header is rewritten in place after every row, so at any moment the file is a
 * valid {@code .npy} of the rows written so far: a process killed mid-run (even with {@code kill -9}) leaves a file
 * NumPy and {@link NpyArray} read, holding every complete row (the row data lands before the header that counts it,
 * so the header never claims a row that is not there; bytes of a half-written row after the counted rows are ignored
 * by readers and cut off by {@link #repair}). When a write fails (a full disk, say), the file is cut back to the rows
 * already complete before the exception is thrown, so it stays valid and the space the half row took is freed. The
 * header rewrite is one 128-byte positioned write into a reused buffer, no allocation.
 *
 * <p>Hand-written for the reason given on {@link NpyArray}. Not thread-safe.
 */
public final class NpyWriter implements AutoCloseable {
  /** Header bytes including magic and length: room for a 19-digit row count and several dimensions. */
  private static final int HEADER = 128;
  /** The magic string, version 1.0 and the header text length, as every file of this writer starts. */
  private static final byte[] PREAMBLE = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, HEADER - 10, 0};

  private final String name;
  private final int[] rowShape;
  private final int rowElements;
  private final FileChannel channel;
  private final ByteBuffer rowBytes;
  private final FloatBuffer rowFloats;
  /** The header text up to the row count, and after it; the count's digits go between (see {@link #header}). */
  private final byte[] shapeStart;
  private final byte[] shapeEnd;
  private final ByteBuffer headerBytes = ByteBuffer.allocate(HEADER);
  private long rows;
  private boolean closed;

  /**
   * Creates (or truncates) {@code file}.
   *
   * @param rowShape the shape of one row, for example {@code {10}} for an output of 10 values
   * @throws IOException if the file cannot be created
   * @throws IllegalArgumentException if the row shape has a negative dimension, is too large, or has too many
   *     dimensions for the header (checked before the file is touched)
   */
  public NpyWriter(Path file, int... rowShape) throws IOException {
    this(file.toString(), check(rowShape), null, file);
  }

  /**
   * Writes into an open, empty channel, which this writer then owns and closes: for callers that open the file
   * themselves (with other options, or, in tests, through a channel that simulates a full disk).
   *
   * @param name how messages and {@link #toString()} name the file
   * @param rowShape as for {@link #NpyWriter(Path, int...)}
   * @throws IOException if the header cannot be written (the channel is then closed)
   * @throws IllegalArgumentException as for {@link #NpyWriter(Path, int...)}; the channel is not touched
   */
  public NpyWriter(FileChannel channel, String name, int... rowShape) throws IOException {
    this(name, check(rowShape), java.util.Objects.requireNonNull(channel, "channel"), null);
  }

  private NpyWriter(String name, int[] rowShape, FileChannel given, Path file) throws IOException {
    this.name = name;
    this.rowShape = rowShape;
    long elements = 1;
    for (int dim : rowShape) {
      elements *= dim; // check() bounded the product
    }
    this.rowElements = (int) elements;
    StringBuilder dims = new StringBuilder(",");
    for (int i = 0; i < rowShape.length; i++) {
      dims.append(i == 0 ? " " : ", ").append(rowShape[i]);
    }
    this.shapeStart = "{'descr': '<f4', 'fortran_order': False, 'shape': (".getBytes(StandardCharsets.US_ASCII);
    this.shapeEnd = (dims + "), }").getBytes(StandardCharsets.US_ASCII);
    // Checked before the file is opened, with the widest row count the header can have: a row shape whose header
    // does not fit fails here without touching the file, never later.
    if (PREAMBLE.length + shapeStart.length + 19 + shapeEnd.length + 1 > HEADER) {
      throw new IllegalArgumentException("row shape " + Arrays.toString(rowShape) + " does not fit the header");
    }
    this.rowBytes = ByteBuffer.allocateDirect(rowElements * 4).order(ByteOrder.LITTLE_ENDIAN);
    this.rowFloats = rowBytes.asFloatBuffer();
    this.channel = given != null ? given : FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    try {
      writeHeader();
      channel.position(HEADER);
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static int[] check(int[] rowShape) {
    long elements = 1;
    for (int dim : rowShape) {
      if (dim < 0) {
        throw new IllegalArgumentException("negative dimension in row shape " + Arrays.toString(rowShape));
      }
      elements = Math.min(Math.multiplyExact(elements, (long) dim), Integer.MAX_VALUE); // saturate, then reject
    }
    if (elements > Integer.MAX_VALUE / 4) {
      throw new IllegalArgumentException("row shape " + Arrays.toString(rowShape) + " is too large");
    }
    return rowShape.clone();
  }

  /**
   * Appends one row: the {@code remaining()} values of {@code row}, which must be exactly one row's worth (the
   * buffer's position is left unchanged).
   *
   * @throws IOException if the row cannot be written; the file then still holds exactly the earlier rows
   */
  public void write(FloatBuffer row) throws IOException {
    if (row.remaining() != rowElements) {
      throw new IllegalArgumentException("a row has " + rowElements + " values, given " + row.remaining());
    }
    rowFloats.clear();
    rowFloats.put(0, row, row.position(), rowElements);
    writeRowBytes();
  }

  /**
   * Appends one row from an array of exactly one row's length.
   *
   * @throws IOException if the row cannot be written; the file then still holds exactly the earlier rows
   */
  public void write(float[] row) throws IOException {
    if (row.length != rowElements) {
      throw new IllegalArgumentException("a row has " + rowElements + " values, given " + row.length);
    }
    rowFloats.clear();
    rowFloats.put(0, row);
    writeRowBytes();
  }

  /**
   * Appends a row of NaN, standing for an item that could not be predicted (so row i stays item i).
   *
   * @throws IOException if the row cannot be written; the file then still holds exactly the earlier rows
   */
  public void writeNaN() throws IOException {
    for (int i = 0; i < rowElements; i++) {
      rowFloats.put(i, Float.NaN);
    }
    writeRowBytes();
  }

  private void writeRowBytes() throws IOException {
    if (closed) {
      throw new IllegalStateException("NpyWriter for " + name + " is closed");
    }
    long complete = HEADER + rows * rowBytes.capacity();
    rowBytes.clear();
    try {
      while (rowBytes.hasRemaining()) {
        channel.write(rowBytes, complete + rowBytes.position());
      }
    } catch (IOException e) {
      // Cut the half row off, so the file is exactly the complete rows again (and, on a full disk, the space the
      // half row took is free for whatever comes next).
      try {
        channel.truncate(complete);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    rows++;
    writeHeader(); // after the data: the header never counts a row that is not there
  }

  /** @return rows written so far (each complete in the file, and counted by its header) */
  public long rows() {
    return rows;
  }

  /** Fills {@link #headerBytes} with the header for {@link #rows} rows; allocation-free. */
  private void header() {
    ByteBuffer header = headerBytes.clear();
    header.put(PREAMBLE).put(shapeStart);
    long count = rows;
    long scale = 1;
    while (count / scale >= 10) {
      scale *= 10;
    }
    for (; scale > 0; scale /= 10) {
      header.put((byte) ('0' + count / scale % 10));
    }
    header.put(shapeEnd);
    while (header.position() < HEADER - 1) {
      header.put((byte) ' ');
    }
    header.put((byte) '\n');
    header.flip();
  }

  private void writeHeader() throws IOException {
    header();
    while (headerBytes.hasRemaining()) {
      channel.write(headerBytes, headerBytes.position());
    }
  }

  /**
   * Makes a file this class was writing when its process died (or ran out of disk) a complete {@code .npy} of the
   * whole rows in it: the row count comes from the file's length (so a file from a writer that did not yet keep its
   * header current is recovered too), the header is rewritten with it, and a trailing half row is cut off.
   *
   * @return the rows the file now holds
   * @throws IOException if the file cannot be read or written
   * @throws IllegalArgumentException if it is not a float32 file with this writer's header layout
   */
  public static long repair(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer head = ByteBuffer.allocate(HEADER);
      while (head.hasRemaining() && channel.read(head, head.position()) >= 0) {
        // read the whole header, or what there is of it
      }
      byte[] preamble = Arrays.copyOf(head.array(), PREAMBLE.length);
      String text = new String(head.array(), PREAMBLE.length, HEADER - PREAMBLE.length, StandardCharsets.US_ASCII);
      java.util.regex.Matcher shape = java.util.regex.Pattern
          .compile("^\\{'descr': '<f4', 'fortran_order': False, 'shape': \\(\\d+,((?: \\d+,?)*)\\), \\} *\n$")
          .matcher(text);
      if (head.hasRemaining() || !Arrays.equals(preamble, PREAMBLE) || !shape.matches()) {
        throw new IllegalArgumentException(file + " does not start with an NpyWriter float32 header");
      }
      String[] dims = shape.group(1).trim().isEmpty() ? new String[0] : shape.group(1).trim().split(",\\s*");
      int[] rowShape = new int[dims.length];
      for (int i = 0; i < dims.length; i++) {
        rowShape[i] = Integer.parseInt(dims[i].trim());
      }
      NpyWriter writer = new NpyWriter(file.toString(), check(rowShape), channel, null);
      long rowSize = 4L * writer.rowElements;
      writer.rows = rowSize == 0 ? 0 : (channel.size() - HEADER) / rowSize;
      channel.truncate(HEADER + writer.rows * rowSize);
      writer.writeHeader();
      return writer.rows;
    }
  }

  /**
   * Closes the file; the header already holds the final row count. Idempotent.
   *
   * @throws IOException if closing the channel fails
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    channel.close();
  }

  @Override
  public String toString() {
    return "NpyWriter[" + name + ", " + rows + " rows of " + Arrays.toString(rowShape) + "]";
  }
}
