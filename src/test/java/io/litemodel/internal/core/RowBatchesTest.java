package io.litemodel.internal.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The batch loop on a model in plain Java: each row of two values gives one value, their sum, and every step is
 * logged, so the tests see the chunks, the padding and the release after each chunk.
 */
class RowBatchesTest {
  private static final int IN_ROW = 2;
  private static final int OUT_ROW = 1;

  /** A model whose input holds {@code rows} rows after prepareRows, and whose output is each row's sum. */
  static final class SumSteps implements BatchSteps {
    final List<String> log = new ArrayList<>();
    float[] input = new float[0];
    float[] output = new float[0];
    /** Input values seen by each invocation (padding included), for the padding test. */
    final List<float[]> invoked = new ArrayList<>();
    RuntimeException failure;

    @Override
    public void prepareRows(int rows) {
      log.add("prepare " + rows);
      if (input.length != rows * IN_ROW) {
        input = new float[rows * IN_ROW];
        Arrays.fill(input, Float.NaN); // what a fresh tensor holds: anything
      }
    }

    @Override
    public void writeRow(float[] row, int to) {
      log.add("write row at " + to);
      System.arraycopy(row, 0, input, to, row.length);
    }

    @Override
    public void writeRows(FloatBuffer source, int from, int length) {
      log.add("write " + length + " from " + from);
      source.get(from, input, 0, length);
    }

    @Override
    public void clearRows(int from, int length) {
      log.add("clear " + length + " from " + from);
      Arrays.fill(input, from, from + length, 0f);
    }

    @Override
    public void invokeRows(int rows) {
      log.add("invoke " + rows);
      if (failure != null) {
        throw failure;
      }
      invoked.add(input.clone());
      output = new float[rows * OUT_ROW];
      for (int r = 0; r < rows; r++) {
        output[r] = input[r * IN_ROW] + input[r * IN_ROW + 1];
      }
    }

    @Override
    public void readRow(int from, float[] target) {
      log.add("read row at " + from);
      System.arraycopy(output, from, target, 0, target.length);
    }

    @Override
    public void readRows(FloatBuffer target, int to, int length) {
      log.add("read " + length + " to " + to);
      target.put(to, output, 0, length);
    }

    @Override
    public void releaseRows() {
      log.add("release");
    }
  }

  private static float[][] records(int count) {
    float[][] rows = new float[count][];
    for (int r = 0; r < count; r++) {
      rows[r] = new float[] {r, 100 * r};
    }
    return rows;
  }

  @Test
  void arraysRunInChunksWithAPaddedLastChunk() {
    SumSteps steps = new SumSteps();
    float[][] result = RowBatches.predict(records(3), 2, IN_ROW, OUT_ROW, steps);
    assertArrayEquals(new float[][] {{0f}, {101f}, {202f}}, result);
    assertEquals(List.of(
        "prepare 2", "write row at 0", "write row at 2", "invoke 2", "read row at 0", "read row at 1", "release",
        "prepare 2", "write row at 0", "clear 2 from 2", "invoke 2", "read row at 0", "release"), steps.log);
    // The short last chunk ran on zeros, not on the previous chunk's second record.
    assertArrayEquals(new float[] {2f, 200f, 0f, 0f}, steps.invoked.get(1));
  }

  @Test
  void aDynamicBatchRunsAllRowsAtOnce() {
    SumSteps steps = new SumSteps();
    float[][] result = RowBatches.predict(records(3), 3, IN_ROW, OUT_ROW, steps);
    assertArrayEquals(new float[][] {{0f}, {101f}, {202f}}, result);
    assertEquals(List.of("prepare 3", "write row at 0", "write row at 2", "write row at 4", "invoke 3",
        "read row at 0", "read row at 1", "read row at 2", "release"), steps.log);
  }

  @Test
  void buffersRunFromTheirPositionsAndAdvance() {
    SumSteps steps = new SumSteps();
    FloatBuffer input = FloatBuffer.allocate(9);
    input.position(1);
    for (float[] row : records(3)) {
      input.put(row);
    }
    input.position(1);
    FloatBuffer output = FloatBuffer.allocate(5).position(2);
    RowBatches.predict(input, output, 3, 2, IN_ROW, OUT_ROW, steps);
    assertEquals(7, input.position());
    assertEquals(5, output.position());
    assertArrayEquals(new float[] {0f, 0f, 0f, 101f, 202f}, output.array());
    assertEquals(List.of(
        "prepare 2", "write 4 from 1", "invoke 2", "read 2 to 2", "release",
        "prepare 2", "write 2 from 5", "clear 2 from 2", "invoke 2", "read 1 to 4", "release"), steps.log);
  }

  @Test
  void aFailedChunkIsReleasedAndNothingMoves() {
    SumSteps steps = new SumSteps();
    IllegalStateException failure = new IllegalStateException("the model refused");
    steps.failure = failure;
    FloatBuffer input = FloatBuffer.allocate(4);
    FloatBuffer output = FloatBuffer.allocate(2);
    assertSame(failure, assertThrows(IllegalStateException.class,
        () -> RowBatches.predict(input, output, 2, 2, IN_ROW, OUT_ROW, steps)));
    assertEquals(List.of("prepare 2", "write 4 from 0", "invoke 2", "release"), steps.log);
    assertEquals(0, input.position());
    assertEquals(0, output.position());
    steps.log.clear();
    assertSame(failure, assertThrows(IllegalStateException.class,
        () -> RowBatches.predict(records(1), 1, IN_ROW, OUT_ROW, steps)));
    assertEquals(List.of("prepare 1", "write row at 0", "invoke 1", "release"), steps.log);
  }
}
