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
 * end: the header is written with room to spare and rewritten with the final shape on {@link #close()}.
 *
 * <p>Hand-written for the reason given on {@link NpyArray}. Not thread-safe.
 */
public final class NpyWriter implements AutoCloseable {
  /** Header bytes including magic and length: room for a 19-digit row count and several dimensions. */
  private static final int HEADER = 128;

  private final Path file;
  private final int[] rowShape;
  private final int rowElements;
  private final FileChannel channel;
  private final ByteBuffer rowBytes;
  private final FloatBuffer rowFloats;
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
    this.file = file;
    this.rowShape = rowShape.clone();
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
    this.rowElements = (int) elements;
    // Checked before the file is opened, with the widest row count the final header can have: a row shape whose
    // header does not fit fails here without touching the file, never later in close().
    header(Long.MAX_VALUE);
    this.rowBytes = ByteBuffer.allocateDirect(rowElements * 4).order(ByteOrder.LITTLE_ENDIAN);
    this.rowFloats = rowBytes.asFloatBuffer();
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    try {
      writeHeader(header(0));
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Appends one row: the {@code remaining()} values of {@code row}, which must be exactly one row's worth (the
   * buffer's position is left unchanged).
   */
  public void write(FloatBuffer row) throws IOException {
    if (row.remaining() != rowElements) {
      throw new IllegalArgumentException("a row has " + rowElements + " values, given " + row.remaining());
    }
    rowFloats.clear();
    rowFloats.put(0, row, row.position(), rowElements);
    writeRowBytes();
  }

  /** Appends one row from an array of exactly one row's length. */
  public void write(float[] row) throws IOException {
    if (row.length != rowElements) {
      throw new IllegalArgumentException("a row has " + rowElements + " values, given " + row.length);
    }
    rowFloats.clear();
    rowFloats.put(0, row);
    writeRowBytes();
  }

  /** Appends a row of NaN, standing for an item that could not be predicted (so row i stays item i). */
  public void writeNaN() throws IOException {
    for (int i = 0; i < rowElements; i++) {
      rowFloats.put(i, Float.NaN);
    }
    writeRowBytes();
  }

  private void writeRowBytes() throws IOException {
    rowBytes.clear();
    while (rowBytes.hasRemaining()) {
      channel.write(rowBytes);
    }
    rows++;
  }

  /** @return rows written so far */
  public long rows() {
    return rows;
  }

  /** @return the complete header for {@code rowCount} rows, ready to write */
  private ByteBuffer header(long rowCount) {
    StringBuilder shape = new StringBuilder("(").append(rowCount).append(',');
    for (int i = 0; i < rowShape.length; i++) {
      shape.append(i == 0 ? " " : ", ").append(rowShape[i]);
    }
    shape.append(')');
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    int textLength = HEADER - 10;
    if (dict.length() + 1 > textLength) {
      throw new IllegalArgumentException("row shape " + Arrays.toString(rowShape) + " does not fit the header");
    }
    StringBuilder text = new StringBuilder(dict);
    while (text.length() < textLength - 1) {
      text.append(' ');
    }
    text.append('\n');
    ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    header.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    header.putShort((short) textLength);
    header.put(text.toString().getBytes(StandardCharsets.US_ASCII));
    header.flip();
    return header;
  }

  private void writeHeader(ByteBuffer header) throws IOException {
    long at = 0;
    while (header.hasRemaining()) {
      at += channel.write(header, at);
    }
    if (channel.position() < HEADER) {
      channel.position(HEADER);
    }
  }

  /** Rewrites the header with the final row count and closes the file. Idempotent. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      writeHeader(header(rows));
    } finally {
      channel.close();
    }
  }

  @Override
  public String toString() {
    return "NpyWriter[" + file + ", " + rows + " rows of " + Arrays.toString(rowShape) + "]";
  }
}
