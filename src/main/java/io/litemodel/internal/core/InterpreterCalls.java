package io.litemodel.internal.core;

import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The data path of one {@link LiteModel}: checks the call against the shared contract ({@link CallContract}), copies
 * values into the bound input tensors (in the chunks that {@link InterpreterShapes} allows, through
 * {@link RowBatches}, for which it is the {@link BatchSteps}), invokes, and copies the outputs back. Every method here
 * runs inside the model's {@link CallGate}; none allocates except where its {@link LiteModel} counterpart says it
 * does. Not thread-safe.
 */
public final class InterpreterCalls implements BatchSteps {
  /** What a model that predictSingle/predict cannot run offers instead, for the message. */
  private static final String OTHER_WAYS = "run(...) or setInput/invoke/getOutput";

  private final ModelInterpreter interpreter;
  private final InterpreterShapes shapes;
  private final TensorBinding[] inputs;
  private final TensorBinding[] outputs;
  /** The only input and output, when the model has exactly one of each that the float API can use; else null. */
  private final TensorBinding singleInput;
  private final TensorBinding singleOutput;
  /** Why predictSingle/predict cannot be used on this model, or null. */
  private final String singleProblem;

  public InterpreterCalls(ModelInterpreter interpreter, InterpreterShapes shapes) {
    this.interpreter = interpreter;
    this.shapes = shapes;
    this.inputs = interpreter.inputs();
    this.outputs = interpreter.outputs();
    this.singleProblem = CallContract.singleProblem(inputs, outputs, OTHER_WAYS);
    this.singleInput = singleProblem == null ? inputs[0] : null;
    this.singleOutput = singleProblem == null ? outputs[0] : null;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // One input, one output

  /** See {@link LiteModel#predictSingle(float[], float[])}. */
  public void predictSingle(float[] input, float[] output) {
    CallContract.throwIfProblem(singleProblem);
    TensorBinding in = singleInput;
    TensorBinding out = singleOutput;
    shapes.prepareSingleRow();
    int inLength = in.rowElements();
    int outLength = out.rowElements();
    if (input.length != inLength) {
      throw CallContract.lengthMismatch("input", in, inLength, input.length);
    }
    if (output.length != outLength) {
      throw CallContract.lengthMismatch("output", out, outLength, output.length);
    }
    in.write(input, 0, 0, inLength);
    invoke();
    out.read(0, output, 0, outLength);
  }

  /** @return the values in one row of the only output */
  public int singleOutputRow() {
    CallContract.throwIfProblem(singleProblem);
    return singleOutput.rowElements();
  }

  /** See {@link LiteModel#predict(float[][])}. */
  public float[][] predict(float[][] rows) {
    CallContract.throwIfProblem(singleProblem);
    CallContract.requirePositiveBatch(rows.length);
    int inRow = singleInput.rowElements();
    CallContract.requireRows(rows, singleInput, inRow);
    int chunk = shapes.chunkSize(rows.length);
    requireOutputRows(singleOutput, chunk);
    return RowBatches.predict(rows, chunk, inRow, singleOutput.rowElements(), this);
  }

  /** See {@link LiteModel#predict(FloatBuffer, FloatBuffer, int)}. */
  public void predict(FloatBuffer input, FloatBuffer output, int rows) {
    CallContract.throwIfProblem(singleProblem);
    CallContract.requirePositiveBatch(rows);
    int inRow = singleInput.rowElements();
    CallContract.requireRemaining("input", input, rows, singleInput, inRow);
    int chunk = shapes.chunkSize(rows);
    requireOutputRows(singleOutput, chunk);
    int outRow = singleOutput.rowElements();
    CallContract.requireRemaining("output", output, rows, singleOutput, outRow);
    RowBatches.predict(input, output, rows, chunk, inRow, outRow, this);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The batch loop's steps (the tensors are sized by InterpreterShapes#chunkSize before the loop)

  @Override
  public void prepareRows(int rows) {}

  @Override
  public void writeRow(float[] row, int to) {
    singleInput.write(row, 0, to, row.length);
  }

  @Override
  public void writeRows(FloatBuffer source, int from, int length) {
    singleInput.write(source, from, 0, length);
  }

  @Override
  public void clearRows(int from, int length) {
    singleInput.clear(from, length);
  }

  @Override
  public void invokeRows(int rows) {
    invoke();
  }

  @Override
  public void readRow(int from, float[] target) {
    singleOutput.read(from, target, 0, target.length);
  }

  @Override
  public void readRows(FloatBuffer target, int to, int length) {
    singleOutput.read(0, target, to, length);
  }

  @Override
  public void releaseRows() {}

  // ---------------------------------------------------------------------------------------------------------------
  // Any number of inputs and outputs

  /** See {@link LiteModel#setInput(int, float[])}. */
  public void setInput(int index, float[] data) {
    TensorBinding in = input(index);
    in.requireFloatConvertible();
    CallContract.requireLength("input", in, in.elementCount(), data);
    in.write(data, 0, 0, data.length);
  }

  /** See {@link LiteModel#setInputBytes(int, ByteBuffer)}. */
  public void setInputBytes(int index, ByteBuffer data) {
    TensorBinding in = input(index);
    ByteBuffer target = in.bytes();
    if (target == null || data.remaining() != target.capacity()) {
      throw new IllegalArgumentException("input '" + in.name() + "' holds " + (target == null ? 0
          : target.capacity()) + " bytes (" + in.dataType() + Arrays.toString(in.shapeView()) + "), given "
          + data.remaining());
    }
    target.put(0, data, data.position(), data.remaining());
  }

  /** See {@link LiteModel#getOutput(int, float[])}. */
  public void getOutput(int index, float[] data) {
    TensorBinding out = output(index);
    out.requireFloatConvertible();
    CallContract.requireLength("output", out, out.elementCount(), data);
    out.read(0, data, 0, data.length);
  }

  /** See {@link LiteModel#getOutputBytes(int, ByteBuffer)}. */
  public void getOutputBytes(int index, ByteBuffer data) {
    TensorBinding out = output(index);
    ByteBuffer source = out.bytes();
    if (source == null || data.remaining() < source.capacity()) {
      throw new IllegalArgumentException("output '" + out.name() + "' holds " + (source == null ? 0
          : source.capacity()) + " bytes, buffer has " + data.remaining() + " remaining");
    }
    data.put(data.position(), source, 0, source.capacity());
  }

  /** See {@link LiteModel#run(float[][], float[][])}. */
  public void run(float[][] inputData, float[][] outputData) {
    CallContract.requireCounts(inputs, outputs, inputData, outputData);
    shapes.prepareRun(inputData);
    for (int i = 0; i < inputData.length; i++) {
      TensorBinding in = inputs[i];
      in.requireFloatConvertible();
      CallContract.requireLength("input", in, in.elementCount(), inputData[i]);
      in.write(inputData[i], 0, 0, inputData[i].length);
    }
    invoke();
    for (int i = 0; i < outputData.length; i++) {
      TensorBinding out = outputs[i];
      out.requireFloatConvertible();
      CallContract.requireLength("output", out, out.elementCount(), outputData[i]);
      out.read(0, outputData[i], 0, outputData[i].length);
    }
  }

  /**
   * Sizes the batch for {@code inputData} and allocates one array per output at that batch, for the map form of
   * {@link LiteModel#run(java.util.Map)}.
   */
  public float[][] outputArraysFor(float[][] inputData) {
    shapes.prepareRun(inputData);
    float[][] results = new float[outputs.length][];
    for (int i = 0; i < outputs.length; i++) {
      results[i] = new float[outputs[i].elementCount()];
    }
    return results;
  }

  /**
   * Runs the graph once on the current inputs. The hot path: one JNI crossing (models whose outputs
   * {@code Invoke} itself allocates also refresh those views).
   *
   * @throws LiteModelException if TensorFlow Lite reports a failure
   */
  public void invoke() {
    int status = interpreter.invoke();
    if (status != 0) {
      throw interpreter.failure(status, "invoke failed");
    }
    if (interpreter.hasDynamicOutputs()) {
      interpreter.refreshDynamicOutputs();
    }
  }

  /**
   * @return input {@code index}
   * @throws IllegalArgumentException if there is no such input
   */
  public TensorBinding input(int index) {
    return inputs[CallContract.requireIndex("input", index, inputs.length)];
  }

  private TensorBinding output(int index) {
    return outputs[CallContract.requireIndex("output", index, outputs.length)];
  }

  /**
   * Predict reads row {@code r}'s results at {@code r * rowElements}; an output whose first dimension is not the
   * batch (a corrupt or unusual model: it did not grow when the batch did) would be read past its end.
   */
  private static void requireOutputRows(TensorBinding out, int rows) {
    if ((long) rows * out.rowElements() > out.elementCount()) {
      throw new LiteModelException(LiteModelException.Status.INVALID_MODEL, "output '" + out.name() + "' has shape "
          + Arrays.toString(out.shapeView()) + " for a batch of " + rows + " rows: it does not grow with "
          + "the batch, so predict cannot split it into rows; use run(...) or getOutput");
    }
  }
}
