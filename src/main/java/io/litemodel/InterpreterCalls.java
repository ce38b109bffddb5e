package io.litemodel;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The data path of one {@link LiteModel}: checks lengths, copies values into the bound input tensors (in the chunks
 * that {@link InterpreterShapes} allows), invokes, and copies the outputs back. Every method here runs inside the
 * model's {@link CallGate}; none allocates except where its {@link LiteModel} counterpart says it does. Not
 * thread-safe.
 */
final class InterpreterCalls {
  private final ModelInterpreter interpreter;
  private final InterpreterShapes shapes;
  private final TensorBinding[] inputs;
  private final TensorBinding[] outputs;
  /** The only input and output, when the model has exactly one of each that the float API can use; else null. */
  private final TensorBinding singleInput;
  private final TensorBinding singleOutput;
  /** Why predictSingle/predict cannot be used on this model, or null. */
  private final String singleProblem;

  InterpreterCalls(ModelInterpreter interpreter, InterpreterShapes shapes) {
    this.interpreter = interpreter;
    this.shapes = shapes;
    this.inputs = interpreter.inputs();
    this.outputs = interpreter.outputs();
    this.singleProblem = singleProblem(inputs, outputs);
    this.singleInput = singleProblem == null ? inputs[0] : null;
    this.singleOutput = singleProblem == null ? outputs[0] : null;
  }

  private static String singleProblem(TensorBinding[] inputs, TensorBinding[] outputs) {
    if (inputs.length != 1) {
      return "predictSingle/predict need a model with one input; this one has " + inputs.length
          + ": use run(...) or setInput/invoke/getOutput";
    }
    if (outputs.length != 1) {
      return "predictSingle/predict need a model with one output; this one has " + outputs.length
          + ": use run(...) or setInput/invoke/getOutput";
    }
    String problem = inputs[0].floatApiProblem();
    return problem != null ? problem : outputs[0].floatApiProblem();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // One input, one output

  /** See {@link LiteModel#predictSingle(float[], float[])}. */
  void predictSingle(float[] input, float[] output) {
    TensorBinding in = singleInput();
    TensorBinding out = singleOutput();
    shapes.prepareSingleRow();
    int inLength = in.rowElements();
    int outLength = out.rowElements();
    if (input.length != inLength) {
      throw in.lengthMismatch("input", inLength, input.length);
    }
    if (output.length != outLength) {
      throw out.lengthMismatch("output", outLength, output.length);
    }
    in.write(input, 0, 0, inLength);
    invoke();
    out.read(0, output, 0, outLength);
  }

  /** @return the values in one row of the only output */
  int singleOutputRow() {
    return singleOutput().rowElements();
  }

  /** See {@link LiteModel#predict(float[][])}. */
  float[][] predict(float[][] rows) {
    TensorBinding in = singleInput();
    TensorBinding out = singleOutput();
    requirePositiveBatch(rows.length);
    int inRow = in.rowElements();
    for (int r = 0; r < rows.length; r++) {
      if (rows[r] == null || rows[r].length != inRow) {
        throw new IllegalArgumentException("row " + r + " has " + (rows[r] == null ? "no" : rows[r].length)
            + " values; input '" + in.name() + "' expects " + inRow + " per row (shape "
            + Arrays.toString(in.shapeSignatureView()) + ")");
      }
    }
    int chunk = shapes.chunkSize(rows.length);
    requireOutputRows(out, chunk);
    int outRow = out.rowElements();
    float[][] result = new float[rows.length][outRow];
    for (int start = 0; start < rows.length; start += chunk) {
      int count = Math.min(chunk, rows.length - start);
      for (int r = 0; r < count; r++) {
        in.write(rows[start + r], 0, r * inRow, inRow);
      }
      shapes.padChunk(in, count, inRow);
      invoke();
      for (int r = 0; r < count; r++) {
        out.read(r * outRow, result[start + r], 0, outRow);
      }
    }
    return result;
  }

  /** See {@link LiteModel#predict(FloatBuffer, FloatBuffer, int)}. */
  void predict(FloatBuffer input, FloatBuffer output, int rows) {
    TensorBinding in = singleInput();
    TensorBinding out = singleOutput();
    requirePositiveBatch(rows);
    int inRow = in.rowElements();
    long needIn = (long) rows * inRow;
    if (input.remaining() < needIn) {
      throw new IllegalArgumentException("input buffer has " + input.remaining() + " values remaining; " + rows
          + " rows of input '" + in.name() + "' need " + needIn);
    }
    int chunk = shapes.chunkSize(rows);
    requireOutputRows(out, chunk);
    int outRow = out.rowElements();
    long needOut = (long) rows * outRow;
    if (output.remaining() < needOut) {
      throw new IllegalArgumentException("output buffer has " + output.remaining() + " values remaining; "
          + rows + " rows of output '" + out.name() + "' need " + needOut);
    }
    int inPos = input.position();
    int outPos = output.position();
    for (int start = 0; start < rows; start += chunk) {
      int count = Math.min(chunk, rows - start);
      in.write(input, inPos + start * inRow, 0, count * inRow);
      shapes.padChunk(in, count, inRow);
      invoke();
      out.read(0, output, outPos + start * outRow, count * outRow);
    }
    input.position(inPos + (int) needIn);
    output.position(outPos + (int) needOut);
  }

  private static void requirePositiveBatch(int rows) {
    if (rows <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + rows);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Any number of inputs and outputs

  /** See {@link LiteModel#setInput(int, float[])}. */
  void setInput(int index, float[] data) {
    TensorBinding in = input(index);
    in.requireFloatConvertible();
    if (data.length != in.elementCount()) {
      throw in.lengthMismatch("input", in.elementCount(), data.length);
    }
    in.write(data, 0, 0, data.length);
  }

  /** See {@link LiteModel#setInputBytes(int, ByteBuffer)}. */
  void setInputBytes(int index, ByteBuffer data) {
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
  void getOutput(int index, float[] data) {
    TensorBinding out = output(index);
    out.requireFloatConvertible();
    if (data.length != out.elementCount()) {
      throw out.lengthMismatch("output", out.elementCount(), data.length);
    }
    out.read(0, data, 0, data.length);
  }

  /** See {@link LiteModel#getOutputBytes(int, ByteBuffer)}. */
  void getOutputBytes(int index, ByteBuffer data) {
    TensorBinding out = output(index);
    ByteBuffer source = out.bytes();
    if (source == null || data.remaining() < source.capacity()) {
      throw new IllegalArgumentException("output '" + out.name() + "' holds " + (source == null ? 0
          : source.capacity()) + " bytes, buffer has " + data.remaining() + " remaining");
    }
    data.put(data.position(), source, 0, source.capacity());
  }

  /** See {@link LiteModel#run(float[][], float[][])}. */
  void run(float[][] inputData, float[][] outputData) {
    if (inputData.length != inputs.length || outputData.length != outputs.length) {
      throw new IllegalArgumentException("model has " + inputs.length + " inputs and " + outputs.length
          + " outputs; given " + inputData.length + " and " + outputData.length);
    }
    shapes.prepareRun(inputData);
    for (int i = 0; i < inputData.length; i++) {
      TensorBinding in = inputs[i];
      in.requireFloatConvertible();
      if (inputData[i].length != in.elementCount()) {
        throw in.lengthMismatch("input", in.elementCount(), inputData[i].length);
      }
      in.write(inputData[i], 0, 0, inputData[i].length);
    }
    invoke();
    for (int i = 0; i < outputData.length; i++) {
      TensorBinding out = outputs[i];
      out.requireFloatConvertible();
      if (outputData[i] == null || outputData[i].length != out.elementCount()) {
        throw out.lengthMismatch("output", out.elementCount(), outputData[i] == null ? 0 : outputData[i].length);
      }
      out.read(0, outputData[i], 0, outputData[i].length);
    }
  }

  /**
   * Sizes the batch for {@code inputData} and allocates one array per output at that batch, for the map form of
   * {@link LiteModel#run(java.util.Map)}.
   */
  float[][] outputArraysFor(float[][] inputData) {
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
  void invoke() {
    int status = interpreter.invoke();
    if (status != 0) {
      throw interpreter.failure(status, "invoke failed");
    }
    if (interpreter.hasDynamicOutputs()) {
      interpreter.refreshDynamicOutputs();
    }
  }

  private TensorBinding singleInput() {
    if (singleInput == null) {
      throw new IllegalArgumentException(singleProblem);
    }
    return singleInput;
  }

  private TensorBinding singleOutput() {
    if (singleOutput == null) {
      throw new IllegalArgumentException(singleProblem);
    }
    return singleOutput;
  }

  /**
   * @return input {@code index}
   * @throws IllegalArgumentException if there is no such input
   */
  TensorBinding input(int index) {
    if (index < 0 || index >= inputs.length) {
      throw new IllegalArgumentException("input index " + index + " out of range; model has " + inputs.length);
    }
    return inputs[index];
  }

  private TensorBinding output(int index) {
    if (index < 0 || index >= outputs.length) {
      throw new IllegalArgumentException("output index " + index + " out of range; model has " + outputs.length);
    }
    return outputs[index];
  }

  /**
   * Predict reads row {@code r}'s results at {@code r * rowElements}; an output whose first dimension is not the
   * batch (a corrupt or unusual model: it did not grow when the batch did) would be read past its end.
   */
  private static void requireOutputRows(TensorBinding out, int rows) {
    if ((long) rows * out.rowElements() > out.elementCount()) {
      throw new LiteModelException(LiteModelException.Status.INVALID_MODEL, "output '" + out.name() + "' has shape "
          + java.util.Arrays.toString(out.shapeView()) + " for a batch of " + rows + " rows: it does not grow with "
          + "the batch, so predict cannot split it into rows; use run(...) or getOutput");
    }
  }
}
