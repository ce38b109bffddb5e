package io.litemodel.spark;

import io.litemodel.InferenceModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One partition's scoring: reads rows in fixed-size batches, writes each row's input into its slot of one direct
 * batch buffer, runs the batch in one call of the allocation-free batch API
 * ({@link InferenceModel#predict(FloatBuffer, FloatBuffer, int)}), checks that the model consumed and produced exactly
 * one row per input row, and hands out the input rows with their output (and error) appended.
 *
 * <p>The model replica is leased from the executor's {@link ExecutorModels} for the partition and given back, and the
 * partition's {@link RowInput} closed, when the partition is exhausted or the task ends (a task completion listener,
 * for tasks that fail or stop early).
 */
final class ScoringIterator implements Iterator<Row> {
  private final Iterator<Row> rows;
  private final ExecutorModels.Lease lease;
  private final InferenceModel model;
  private RowInput input; // set once in the constructor; null once released
  private final int batchSize;
  private final boolean failFast;
  private final int width;
  private final int inRow;
  private final int outRow;
  private final FloatBuffer inputs;
  private final FloatBuffer outputs;
  private final FloatBuffer[] inputSlots;
  private final Row[] batch;
  private final String[] errors;
  private final Row[] results;
  private int count;
  private int next;
  private long rowsSeen;

  ScoringIterator(Iterator<Row> rows, ExecutorModels.Lease lease, Function<InferenceModel, RowInput> inputMaker,
      int batchSize, OnError onError, int width) {
    this.rows = rows;
    this.lease = lease;
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) context -> release());
    }
    try {
      this.model = lease.model();
      ModelShapes.checkSingleInputOutput(model);
      this.inRow = ModelShapes.rowElements(model.inputs().get(0));
      this.outRow = ModelShapes.rowElements(model.outputs().get(0));
      this.input = inputMaker.apply(model);
    } catch (RuntimeException e) {
      release();
      throw e;
    }
    this.batchSize = batchSize;
    this.failFast = onError == OnError.FAIL;
    this.width = width;
    this.inputs = direct(batchSize * inRow);
    this.outputs = direct(batchSize * outRow);
    this.inputSlots = new FloatBuffer[batchSize];
    for (int i = 0; i < batchSize; i++) {
      inputSlots[i] = inputs.slice(i * inRow, inRow);
    }
    this.batch = new Row[batchSize];
    this.errors = new String[batchSize];
    this.results = new Row[batchSize];
  }

  private static FloatBuffer direct(int floats) {
    return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  @Override
  public boolean hasNext() {
    if (next < count) {
      return true;
    }
    if (!rows.hasNext()) {
      release();
      return false;
    }
    scoreBatch();
    return next < count;
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Row row = results[next];
    results[next++] = null;
    return row;
  }

  private void scoreBatch() {
    count = 0;
    next = 0;
    int good = 0;
    while (count < batchSize && rows.hasNext()) {
      Row row = rows.next();
      FloatBuffer slot = inputSlots[count];
      String error = null;
      try {
        input.write(row, slot);
        good++;
      } catch (Exception e) {
        String name = input.describe(row);
        String where = name != null ? name : "row " + (rowsSeen + count) + " of partition " + partition();
        if (failFast) {
          throw new IllegalArgumentException("cannot predict " + where + ": " + e.getMessage(), e);
        }
        error = e.getMessage() != null ? e.getMessage() : e.toString();
        for (int i = 0; i < inRow; i++) {
          slot.put(i, 0f); // the row still rides in the batch; zeros keep garbage from slowing the model
        }
      }
      batch[count] = row;
      errors[count] = error;
      count++;
    }
    rowsSeen += count;
    if (good > 0) {
      inputs.clear();
      outputs.clear();
      model.predict(inputs, outputs, count);
      if (inputs.position() != count * inRow || outputs.position() != count * outRow) {
        throw new IllegalStateException("the model read " + inputs.position() / inRow + " and wrote "
            + outputs.position() / outRow + " rows for a batch of " + count + " rows");
      }
    }
    for (int r = 0; r < count; r++) {
      Object[] values = new Object[width + 2];
      Row row = batch[r];
      for (int c = 0; c < width; c++) {
        values[c] = row.get(c);
      }
      if (errors[r] == null) {
        float[] output = new float[outRow];
        outputs.get(r * outRow, output);
        values[width] = output;
      }
      values[width + 1] = errors[r];
      results[r] = RowFactory.create(values);
      batch[r] = null;
      errors[r] = null;
    }
  }

  /**
   * Closes the partition's input and gives the replica back; idempotent, since both the end of the rows and the
   * task's completion call it (on the task's thread).
   */
  private void release() {
    RowInput used = input;
    input = null;
    try {
      if (used != null) {
        used.close();
      }
    } finally {
      lease.close();
    }
  }

  private static int partition() {
    TaskContext task = TaskContext.get();
    return task == null ? -1 : task.partitionId();
  }
}
