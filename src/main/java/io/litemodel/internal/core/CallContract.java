package io.litemodel.internal.core;

import java.nio.FloatBuffer;

/**
 * The argument and shape checks of the call contract that every {@code InferenceModel} runtime shares, with their
 * messages: one source for each message a caller sees when a call is refused. Every check throws
 * {@link IllegalArgumentException} (misuse, as the public contract documents) and touches only primitives and the
 * given arrays when the call passes, so the runtimes run them on their hot paths.
 *
 * <p>Internal, not API: it may change in any release.
 */
public final class CallContract {
  private CallContract() {}

  /**
   * Refuses a call for a reason found earlier (most are found once, when a model is bound, and kept).
   *
   * @param problem the reason, or null when there is none
   * @throws IllegalArgumentException with {@code problem} as its message, unless it is null
   */
  public static void throwIfProblem(String problem) {
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /**
   * Finds why {@code predictSingle} and {@code predict} cannot run a model: they need exactly one input and one output,
   * each of a type the float API carries. Meant to be called once per model and kept.
   *
   * @param otherWays what the runtime offers instead, for the message (e.g. {@code run(...)})
   * @return the reason, or null when the single-record and batch calls can run the model
   */
  public static String singleProblem(CallTensor[] inputs, CallTensor[] outputs, String otherWays) {
    if (inputs.length != 1) {
      return "predictSingle/predict need a model with one input; this one has " + inputs.length + ": use "
          + otherWays;
    }
    if (outputs.length != 1) {
      return "predictSingle/predict need a model with one output; this one has " + outputs.length + ": use "
          + otherWays;
    }
    String problem = inputs[0].floatApiProblem();
    return problem != null ? problem : outputs[0].floatApiProblem();
  }

  /** @throws IllegalArgumentException unless {@code rows}, the batch size of a call, is positive */
  public static void requirePositiveBatch(int rows) {
    if (rows <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + rows);
    }
  }

  /**
   * @param kind {@code "input"} or {@code "output"}, for the message
   * @return {@code index}, when it addresses one of {@code count} tensors
   * @throws IllegalArgumentException if it does not
   */
  public static int requireIndex(String kind, int index, int count) {
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException(kind + " index " + index + " out of range; model has " + count);
    }
    return index;
  }

  /**
   * Checks that a whole-tensor call brings one array per input and one per output.
   *
   * @throws IllegalArgumentException if a count differs from the model's
   */
  public static void requireCounts(CallTensor[] inputs, CallTensor[] outputs, float[][] inputData,
      float[][] outputData) {
    if (inputData.length != inputs.length || outputData.length != outputs.length) {
      throw new IllegalArgumentException("model has " + inputs.length + " inputs and " + outputs.length
          + " outputs; given " + inputData.length + " and " + outputData.length);
    }
  }

  /** @throws IllegalArgumentException unless the float API can feed or read {@code tensor} */
  public static void requireFloat(CallTensor tensor) {
    throwIfProblem(tensor.floatApiProblem());
  }

  /**
   * @param kind {@code "input"} or {@code "output"}, for the message
   * @return the values in one row of {@code tensor}
   * @throws IllegalArgumentException if a dimension after the batch is not known, so a row has no size
   */
  public static int requireKnownRow(String kind, CallTensor tensor) {
    long row = tensor.elementsPerRow();
    if (row < 0) {
      throw new IllegalArgumentException(kind + " '" + tensor.name() + "' has shape " + tensor.declaredShapeText()
          + ": dimensions other than the batch must be known to size a row");
    }
    return (int) row;
  }

  /**
   * @param kind {@code "input"} or {@code "output"}, for the message
   * @param given the caller's array; null counts as no values
   * @throws IllegalArgumentException unless {@code given} holds exactly {@code expected} values
   */
  public static void requireLength(String kind, CallTensor tensor, long expected, float[] given) {
    if (given == null || given.length != expected) {
      throw lengthMismatch(kind, tensor, expected, given == null ? 0 : given.length);
    }
  }

  /**
   * @param kind {@code "input"} or {@code "output"}, for the message
   * @return the exception for an array of {@code given} values where {@code tensor} needs {@code expected}
   */
  public static IllegalArgumentException lengthMismatch(String kind, CallTensor tensor, long expected, long given) {
    return new IllegalArgumentException(kind + " '" + tensor.name() + "' expects " + expected + " values (shape "
        + tensor.shapeText() + "), given " + given);
  }

  /**
   * Checks the records of a batch call: each must be one row of {@code input}.
   *
   * @param inRow the values in one row of {@code input}
   * @throws IllegalArgumentException naming the first record that is null or of another length
   */
  public static void requireRows(float[][] rows, CallTensor input, int inRow) {
    for (int r = 0; r < rows.length; r++) {
      if (rows[r] == null || rows[r].length != inRow) {
        throw new IllegalArgumentException("row " + r + " has " + (rows[r] == null ? "no" : rows[r].length)
            + " values; input '" + input.name() + "' expects " + inRow + " per row (shape "
            + input.declaredShapeText() + ")");
      }
    }
  }

  /**
   * Checks that a buffer of a batch call has room for (or holds) {@code rows} rows of {@code tensor}.
   *
   * @param kind {@code "input"} or {@code "output"}, for the message
   * @param row the values in one row of {@code tensor}
   * @return the values the call reads or writes, {@code rows * row}
   * @throws IllegalArgumentException if the buffer has fewer values remaining
   */
  public static long requireRemaining(String kind, FloatBuffer buffer, int rows, CallTensor tensor, int row) {
    long needed = (long) rows * row;
    if (buffer.remaining() < needed) {
      throw new IllegalArgumentException(kind + " buffer has " + buffer.remaining() + " values remaining; " + rows
          + " rows of " + kind + " '" + tensor.name() + "' need " + needed);
    }
    return needed;
  }

  /**
   * Finds the batch size of a whole-tensor call: every input is float, present, and whole rows; the inputs agree on
   * the row count; and it is the model's fixed batch, when it has one.
   *
   * @param data one array per input, in input order (as many as {@code inputs})
   * @param fixedBatch the rows every input must hold, or -1 when the batch dimension is dynamic
   * @return the rows each input holds (-1 for a model without inputs)
   * @throws IllegalArgumentException naming the first input that breaks a rule
   */
  public static int batchRows(float[][] data, CallTensor[] inputs, int fixedBatch) {
    int batch = -1;
    for (int i = 0; i < data.length; i++) {
      CallTensor in = inputs[i];
      requireFloat(in);
      if (data[i] == null) {
        throw new IllegalArgumentException("no data for input '" + in.name() + "'");
      }
      int row = requireKnownRow("input", in);
      if (row == 0 || data[i].length == 0 || data[i].length % row != 0) {
        throw lengthMismatch("input", in, row, data[i].length);
      }
      int rows = data[i].length / row;
      if (fixedBatch >= 0 && rows != fixedBatch) {
        throw new IllegalArgumentException("input '" + in.name() + "' has a fixed batch of " + fixedBatch
            + " rows (shape " + in.declaredShapeText() + "); given " + rows);
      }
      if (batch >= 0 && rows != batch) {
        throw new IllegalArgumentException("inputs disagree on the batch size: input '" + in.name() + "' has " + rows
            + " rows, the first input " + batch);
      }
      batch = rows;
    }
    return batch;
  }
}
