package io.litemodel.tensorflow;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_AllocateTensor;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteTensor;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GraphOperationByName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SessionRun;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorData;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorElementCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorType;

import io.litemodel.LiteModelException;
import io.litemodel.internal.core.BatchSteps;
import io.litemodel.internal.core.RowBatches;
import io.litemodel.internal.presets.TfShim;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.tensorflow.internal.c_api.TF_Output;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.TF_Tensor;

/**
 * One thread's call state on a TensorFlow session: the input tensors for the current batch size (allocated once per
 * batch size and reused), the run's argument arrays, a status, and reusable views for reading outputs. A session is
 * thread-safe; this state is not, so each thread (and each replica) gets its own. Steady-state calls allocate nothing
 * on the Java heap: outputs are read through {@link TfShim} and mutable pointer views instead of the mapping's
 * per-call {@code Pointer} objects. It is also the {@link BatchSteps} of {@link RowBatches} on a model's only input
 * and output.
 */
final class TfCall implements BatchSteps {
  private final TfGraphSession owner;
  /** What runs, for messages (built once: the hot path must not concatenate). */
  private final String what;
  private final TfEndpoint[] inputs;
  private final TfEndpoint[] outputs;
  private final int outputCount;
  private final long tensorDataFunction;
  private final TF_Status status = TF_NewStatus();
  private final TF_Output inputOps;
  private final TF_Output outputOps;
  private final PointerPointer<TF_Tensor> inputValues;
  private final PointerPointer<TF_Tensor> outputValues;
  private final LongPointer outputAddresses;
  private final TF_Tensor[] inputTensors;
  private final FloatBuffer[] inputData;
  private final TensorRef tensorRef = new TensorRef();
  private final FloatView floatView = new FloatView();
  private float[] scratch = new float[0];
  private int batch = -1;
  private boolean freed;

  /**
   * @param what what runs, for messages (e.g. {@code signature 'serving_default' of /models/mlp})
   */
  TfCall(TfGraphSession owner, String what, TfEndpoint[] inputs, TfEndpoint[] outputs) {
    this.owner = owner;
    this.what = what;
    this.inputs = inputs;
    this.outputs = outputs;
    this.outputCount = outputs.length;
    this.tensorDataFunction = TfNatives.tensorDataFunction();
    this.inputOps = operations(owner, inputs);
    this.outputOps = operations(owner, outputs);
    this.inputValues = new PointerPointer<>(Math.max(1, inputs.length));
    this.outputValues = new PointerPointer<>(Math.max(1, outputs.length));
    this.outputAddresses = new LongPointer(outputValues); // the same memory, read as addresses
    this.outputAddresses.capacity(Math.max(1, outputs.length));
    for (int i = 0; i < Math.max(1, outputs.length); i++) {
      outputAddresses.put(i, 0L); // native arrays start as garbage; 0 means "no output tensor to delete"
    }
    this.inputTensors = new TF_Tensor[inputs.length];
    this.inputData = new FloatBuffer[inputs.length];
  }

  private static TF_Output operations(TfGraphSession owner, TfEndpoint[] endpoints) {
    TF_Output ops = new TF_Output(Math.max(1, endpoints.length));
    for (int i = 0; i < endpoints.length; i++) {
      ops.position(i).oper(TF_GraphOperationByName(owner.graph, endpoints[i].operation))
          .index(endpoints[i].outputIndex);
    }
    return ops.position(0);
  }

  /** Makes the input tensors hold {@code rows} rows; allocates only when the batch size changes. */
  void prepare(int rows) {
    if (rows == batch) {
      return;
    }
    freeInputs();
    for (int i = 0; i < inputs.length; i++) {
      long[] shape = inputs[i].withBatch(rows);
      long elements = 1;
      for (long dim : shape) {
        elements *= dim;
      }
      TF_Tensor tensor = TF_AllocateTensor(TfEndpoint.TF_FLOAT, shape, shape.length, elements * Float.BYTES);
      if (tensor == null || tensor.isNull()) {
        throw new LiteModelException(LiteModelException.Status.ERROR, "TensorFlow could not allocate input '"
            + inputs[i].key + "' for " + rows + " rows");
      }
      inputTensors[i] = tensor;
      inputData[i] = new FloatPointer(TF_TensorData(tensor)).capacity(elements).asBuffer();
      inputValues.put(i, tensor);
    }
    batch = rows;
  }

  /** Copies {@code length} values of {@code source} from {@code from} into input {@code input} at {@code to}. */
  void write(int input, float[] source, int from, int to, int length) {
    inputData[input].put(to, source, from, length);
  }

  /** Copies {@code length} values of {@code source} from its index {@code from} into input {@code input} at {@code to}. */
  void write(int input, FloatBuffer source, int from, int to, int length) {
    inputData[input].put(to, source, from, length);
  }

  /** Zeroes {@code length} values of input {@code input} from {@code to} (the padding of a short fixed batch). */
  void clear(int input, int to, int length) {
    FloatBuffer data = inputData[input];
    for (int i = 0; i < length; i++) {
      data.put(to + i, 0f);
    }
  }

  /**
   * Runs the session on the current inputs; outputs stay alive until {@link #releaseOutputs()}.
   *
   * @throws LiteModelException with TensorFlow's message when the run fails
   */
  void run() {
    TF_SessionRun(owner.session, null, inputOps, inputValues, inputs.length, outputOps, outputValues, outputCount,
        (PointerPointer<?>) null, 0, null, status);
    if (TF_GetCode(status) != 0) {
      releaseOutputs();
      throw new LiteModelException(LiteModelException.Status.ERROR, "TensorFlow failed to run " + what + ": "
          + TF_Message(status).getString());
    }
  }

  /** @return the element count of output {@code output} of the last run; fails unless it is float32 */
  long outputElements(int output, String name) {
    TensorRef tensor = tensorRef.at(outputAddresses.get(output));
    int type = TF_TensorType(tensor);
    if (type != TfEndpoint.TF_FLOAT) {
      throw new IllegalStateException("output '" + name + "' produced TF_DataType " + type
          + "; the TensorFlow runtime reads float32 outputs only");
    }
    return TF_TensorElementCount(tensor);
  }

  /** Copies {@code length} values of output {@code output} from {@code from} into {@code target} at {@code to}. */
  void read(int output, long from, float[] target, int to, int length) {
    long address = outputAddresses.get(output);
    long count = TF_TensorElementCount(tensorRef.at(address));
    floatView.at(TfShim.lmtf_tensor_data(tensorDataFunction, address), count);
    floatView.position(from).get(target, to, length);
  }

  /** Copies {@code length} values of output {@code output} from {@code from} into {@code target} at index {@code to}. */
  void read(int output, long from, FloatBuffer target, int to, int length) {
    if (target.hasArray()) {
      read(output, from, target.array(), target.arrayOffset() + to, length);
      return;
    }
    if (scratch.length < length) {
      scratch = new float[length]; // grows with the batch size, then stays
    }
    read(output, from, scratch, 0, length);
    target.put(to, scratch, 0, length);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The batch loop's steps, on input 0 and output 0

  @Override
  public void prepareRows(int rows) {
    prepare(rows);
  }

  @Override
  public void writeRow(float[] row, int to) {
    write(0, row, 0, to, row.length);
  }

  @Override
  public void writeRows(FloatBuffer source, int from, int length) {
    write(0, source, from, 0, length);
  }

  @Override
  public void clearRows(int from, int length) {
    clear(0, from, length);
  }

  /**
   * Runs a chunk and checks that the output holds its rows (the batch loop reads them at row offsets).
   *
   * @throws IllegalStateException if the output does not hold {@code rows} rows of its declared row size
   */
  @Override
  public void invokeRows(int rows) {
    run();
    TfEndpoint out = outputs[0];
    long produced = outputElements(0, out.key);
    if (produced != rows * out.elementsPerRow()) {
      throw new IllegalStateException("output '" + out.key + "' has " + produced + " values for " + rows
          + " rows; its signature " + out.shapeText() + " promises " + out.elementsPerRow() + " per row");
    }
  }

  @Override
  public void readRow(int from, float[] target) {
    read(0, from, target, 0, target.length);
  }

  @Override
  public void readRows(FloatBuffer target, int to, int length) {
    read(0, 0, target, to, length);
  }

  @Override
  public void releaseRows() {
    releaseOutputs();
  }

  /** Deletes the output tensors of the last run (TensorFlow allocates new ones on every run). */
  void releaseOutputs() {
    for (int i = 0; i < outputCount; i++) {
      long address = outputAddresses.get(i);
      if (address != 0) {
        TF_DeleteTensor(tensorRef.at(address));
        outputAddresses.put(i, 0L);
      }
    }
  }

  /** Frees every native resource of this state; only when no thread uses it any more. Idempotent. */
  void free() {
    if (freed) {
      return;
    }
    freed = true;
    releaseOutputs();
    freeInputs();
    TF_DeleteStatus(status);
    inputOps.close();
    outputOps.close();
    inputValues.close();
    outputValues.close();
  }

  private void freeInputs() {
    for (int i = 0; i < inputTensors.length; i++) {
      if (inputTensors[i] != null) {
        TF_DeleteTensor(inputTensors[i]);
        inputTensors[i] = null;
        inputData[i] = null;
        inputValues.put(i, (TF_Tensor) null);
      }
    }
    batch = -1;
  }

  /** A {@code TF_Tensor} handle re-pointed at each output, so that calls on it allocate no wrapper object. */
  private static final class TensorRef extends TF_Tensor {
    TensorRef at(long tensor) {
      this.address = tensor;
      return this;
    }
  }

  /** A float view re-pointed at each output's data, for JavaCPP's allocation-free bulk copy into arrays. */
  private static final class FloatView extends FloatPointer {
    FloatView at(long data, long count) {
      this.address = data;
      this.position = 0;
      this.limit = count;
      this.capacity = count;
      return this;
    }
  }
}
