package io.litemodel.cli;

import io.litemodel.io.NpyWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The {@code predict} command's output, written row by row as results arrive: {@code .npy} (float32 [N, ...]; a
 * skipped item gets a NaN row, so row i is input item i) or {@code .csv} (an {@code item} column with the item's name,
 * quoted per RFC 4180 where needed, then the output values; skipped items are left out).
 *
 * <p><b>Where it is written.</b> Rows go to a temporary file beside the output ({@code .NAME.partial-PID}), which
 * {@link #close()} finishes and moves over the output path in one atomic rename. So the output path never holds a
 * half-written file, an existing file there stays intact until the run ends, and a file that is also being read
 * (the input, say) is never truncated under its reader. {@link #close()} does this however the run ended: after a
 * failure the output holds, as a complete file, every row predicted before it, so no finished work is lost. Only if
 * the process dies before {@code close()} (killed, or the file could not be finished) does the temporary file stay
 * behind, and then the error names it.
 */
abstract class PredictSink implements AutoCloseable {
  private final Path target;
  private final Path temporary;
  private boolean closed;

  private PredictSink(Path target, Path temporary) {
    this.target = target;
    this.temporary = temporary;
  }

  /** Writes one predicted row. */
  abstract void row(String name, FloatBuffer output) throws IOException;

  /** Records an item that could not be predicted. */
  abstract void skipped(String name) throws IOException;

  /** @return rows written */
  abstract long rows();

  /** Completes and closes the temporary file (for .npy, writes the final row count into the header). */
  abstract void finish() throws IOException;

  /**
   * Finishes the file and moves it into place at the output path, replacing what was there. Idempotent.
   *
   * @throws IOException if the file cannot be finished or moved; the message names the temporary file, which is
   *     left in place with the rows written so far
   */
  @Override
  public final void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      finish();
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      throw new IOException("could not write " + target + " (" + e + "); the rows written so far are in "
          + temporary, e);
    }
  }

  /**
   * Creates the temporary output file for {@code output}, by its extension.
   *
   * @param rowShape the model output's shape without the batch dimension (the .npy row shape)
   * @param rowElements the values in one output row (the .csv columns after the item name)
   * @throws IllegalArgumentException if the extension is neither .npy nor .csv
   */
  static PredictSink create(Path output, int[] rowShape, int rowElements) throws IOException {
    String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean npy = name.endsWith(".npy");
    if (!npy && !name.endsWith(".csv")) {
      throw new IllegalArgumentException("output " + output + " must end in .npy or .csv");
    }
    Path target = output.toAbsolutePath();
    Path temporary = createTemporary(target);
    try {
      return npy ? new Npy(target, temporary, new NpyWriter(temporary, rowShape))
          : new Csv(target, temporary, rowElements);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
  }

  /**
   * Creates an empty file beside {@code target}, in the same folder so the final rename is atomic. Not
   * {@link Files#createTempFile}: that makes the file readable by its owner only, and the output would keep those
   * permissions after the rename instead of the usual ones.
   */
  private static Path createTemporary(Path target) throws IOException {
    String base = "." + target.getFileName() + ".partial-" + ProcessHandle.current().pid();
    for (int attempt = 0; ; attempt++) {
      Path candidate = target.resolveSibling(attempt == 0 ? base : base + "-" + attempt);
      try {
        return Files.createFile(candidate);
      } catch (FileAlreadyExistsException e) {
        if (attempt == 100) {
          throw e;
        }
      }
    }
  }

  /** @return the temporary file rows are written to until {@link #close()} */
  Path temporary() {
    return temporary;
  }

  private static final class Npy extends PredictSink {
    private final NpyWriter writer;

    Npy(Path target, Path temporary, NpyWriter writer) {
      super(target, temporary);
      this.writer = writer;
    }

    @Override
    void row(String name, FloatBuffer output) throws IOException {
      writer.write(output);
    }

    @Override
    void skipped(String name) throws IOException {
      writer.writeNaN();
    }

    @Override
    long rows() {
      return writer.rows();
    }

    @Override
    void finish() throws IOException {
      writer.close();
    }
  }

  private static final class Csv extends PredictSink {
    private final BufferedWriter writer;
    private final StringBuilder line = new StringBuilder();
    private long rows;

    Csv(Path target, Path temporary, int values) throws IOException {
      super(target, temporary);
      this.writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8);
      line.append("item");
      for (int i = 0; i < values; i++) {
        line.append(",out").append(i);
      }
      try {
        writer.write(line.toString());
        writer.newLine();
      } catch (IOException e) {
        writer.close(); // nobody else will: the constructor did not complete
        throw e;
      }
    }

    @Override
    void row(String name, FloatBuffer output) throws IOException {
      line.setLength(0);
      appendField(line, name);
      for (int i = output.position(); i < output.limit(); i++) {
        line.append(',').append(output.get(i)); // Float.toString: shortest text that reads back exactly
      }
      writer.write(line.toString());
      writer.newLine();
      rows++;
    }

    /** RFC 4180: a field holding a comma, a double quote, CR or LF is quoted, with its quotes doubled. */
    static void appendField(StringBuilder line, String field) {
      boolean quote = false;
      for (int i = 0; i < field.length() && !quote; i++) {
        char c = field.charAt(i);
        quote = c == ',' || c == '"' || c == '\r' || c == '\n';
      }
      if (!quote) {
        line.append(field);
        return;
      }
      line.append('"');
      for (int i = 0; i < field.length(); i++) {
        char c = field.charAt(i);
        line.append(c);
        if (c == '"') {
          line.append('"');
        }
      }
      line.append('"');
    }

    @Override
    void skipped(String name) {
      // Left out: the item column names every row that is there.
    }

    @Override
    long rows() {
      return rows;
    }

    @Override
    void finish() throws IOException {
      writer.close();
    }
  }
}
