package io.litemodel.cli;

import io.litemodel.io.NpyWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The {@code predict} command's output, written row by row as results arrive so that whatever was predicted before
 * a failure is on disk: {@code .npy} (float32 [N, ...]; a skipped item gets a NaN row, so row i is input item i) or
 * {@code .csv} (an {@code item} column with the item's name, then the output values; skipped items are left out).
 */
abstract class PredictSink implements AutoCloseable {
  /** Writes one predicted row. */
  abstract void row(String name, FloatBuffer output) throws IOException;

  /** Records an item that could not be predicted. */
  abstract void skipped(String name) throws IOException;

  /** @return rows written */
  abstract long rows();

  @Override
  public abstract void close() throws IOException;

  /**
   * Creates the output file by its extension.
   *
   * @param rowShape the model output's shape without the batch dimension
   * @throws IllegalArgumentException if the extension is neither .npy nor .csv
   */
  static PredictSink create(Path output, int[] rowShape) throws IOException {
    String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".npy")) {
      return new Npy(new NpyWriter(output, rowShape));
    }
    if (name.endsWith(".csv")) {
      int values = 1;
      for (int dim : rowShape) {
        values *= dim;
      }
      return new Csv(output, values);
    }
    throw new IllegalArgumentException("output " + output + " must end in .npy or .csv");
  }

  private static final class Npy extends PredictSink {
    private final NpyWriter writer;

    Npy(NpyWriter writer) {
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
    public void close() throws IOException {
      writer.close();
    }
  }

  private static final class Csv extends PredictSink {
    private final BufferedWriter writer;
    private final StringBuilder line = new StringBuilder();
    private long rows;

    Csv(Path output, int values) throws IOException {
      this.writer = Files.newBufferedWriter(output, StandardCharsets.UTF_8);
      line.append("item");
      for (int i = 0; i < values; i++) {
        line.append(",out").append(i);
      }
      writer.write(line.toString());
      writer.newLine();
    }

    @Override
    void row(String name, FloatBuffer output) throws IOException {
      line.setLength(0);
      line.append(name.indexOf(',') >= 0 || name.indexOf('"') >= 0 ? quote(name) : name);
      for (int i = output.position(); i < output.limit(); i++) {
        line.append(',').append(output.get(i)); // Float.toString: shortest text that reads back exactly
      }
      writer.write(line.toString());
      writer.newLine();
      rows++;
    }

    private static String quote(String name) {
      return '"' + name.replace("\"", "\"\"") + '"';
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
    public void close() throws IOException {
      writer.close();
    }
  }
}
