package io.litemodel.internal.core;

import java.nio.FloatBuffer;

/**
 * A runtime's side of a batch call on a model with one input and one output: the steps {@link RowBatches} runs for
 * each chunk of rows. Offsets and lengths count values (floats), not rows; bounds are checked by the caller before the
 * first step, so no step checks them again. An implementation is the runtime's per-call state itself, so that a batch
 * call allocates no step object; steps that return normally allocate nothing.
 *
 * <p>Internal, not API: it may change in any release.
 */
public interface BatchSteps {
  /** Makes the input hold {@code rows} rows before a chunk is written (a runtime whose input is sized does nothing). */
  void prepareRows(int rows);

  /** Copies one record into the input, from its value {@code to}. */
  void writeRow(float[] row, int to);

  /** Copies {@code length} values of {@code source}, from its index {@code from}, into the input from value 0. */
  void writeRows(FloatBuffer source, int from, int length);

  /** Zeroes {@code length} values of the input from {@code from}: the rows a short last chunk leaves over. */
  void clearRows(int from, int length);

  /** Runs the model on a chunk of {@code rows} rows; the output stays readable until {@link #releaseRows()}. */
  void invokeRows(int rows);

  /** Copies {@code target.length} values of the output, from its value {@code from}, into {@code target}. */
  void readRow(int from, float[] target);

  /** Copies {@code length} values of the output, from value 0, into {@code target} from its index {@code to}. */
  void readRows(FloatBuffer target, int to, int length);

  /** Lets go of a chunk's output, after it was read or a step failed (a runtime that keeps its output does nothing). */
  void releaseRows();
}
