package io.litemodel.internal.core;

import java.nio.FloatBuffer;

/**
 * The batch loop of {@code predict} on a model with one input and one output, for every runtime: the rows run in
 * chunks of the size the runtime chose (its fixed batch, or as many as fit), a short last chunk is zero-padded to the
 * chunk, and each chunk's output is read back in record order. The caller has checked the arguments (see
 * {@link CallContract}); the loop allocates nothing but the result arrays of {@link #predict(float[][], int, int, int,
 * BatchSteps)}.
 *
 * <p>Internal, not API: it may change in any release.
 */
public final class RowBatches {
  private RowBatches() {}

  /**
   * Runs records given as arrays.
   *
   * @param rows the records, each {@code inRow} values long (checked by the caller), at least one
   * @param chunk the rows one invocation takes
   * @param inRow the values in one input row
   * @param outRow the values in one output row
   * @return one new array of {@code outRow} values per record
   */
  public static float[][] predict(float[][] rows, int chunk, int inRow, int outRow, BatchSteps steps) {
    float[][] result = new float[rows.length][outRow];
    for (int start = 0; start < rows.length; start += chunk) {
      int count = Math.min(chunk, rows.length - start);
      steps.prepareRows(chunk);
      for (int r = 0; r < count; r++) {
        steps.writeRow(rows[start + r], r * inRow);
      }
      pad(steps, count, chunk, inRow);
      try {
        steps.invokeRows(chunk);
        for (int r = 0; r < count; r++) {
          steps.readRow(r * outRow, result[start + r]);
        }
      } finally {
        steps.releaseRows();
      }
    }
    return result;
  }

  /**
   * Runs {@code rows} records read from {@code input} at its position, writing the results to {@code output} at its
   * position, then advances both positions past them.
   *
   * @param rows the records (positive; both buffers have room for them, checked by the caller)
   * @param chunk the rows one invocation takes
   * @param inRow the values in one input row
   * @param outRow the values in one output row
   */
  public static void predict(FloatBuffer input, FloatBuffer output, int rows, int chunk, int inRow, int outRow,
      BatchSteps steps) {
    int inPos = input.position();
    int outPos = output.position();
    for (int start = 0; start < rows; start += chunk) {
      int count = Math.min(chunk, rows - start);
      steps.prepareRows(chunk);
      steps.writeRows(input, inPos + start * inRow, count * inRow);
      pad(steps, count, chunk, inRow);
      try {
        steps.invokeRows(chunk);
        steps.readRows(output, outPos + start * outRow, count * outRow);
      } finally {
        steps.releaseRows();
      }
    }
    input.position(inPos + rows * inRow);
    output.position(outPos + rows * outRow);
  }

  /**
   * Zeroes the rows after a short last chunk, so that a fixed batch never runs on the previous chunk's records (rows
   * are independent, so the padding changes no result; it keeps stale data out of the model).
   */
  private static void pad(BatchSteps steps, int count, int chunk, int inRow) {
    if (count < chunk) {
      steps.clearRows(count * inRow, (chunk - count) * inRow);
    }
  }
}
