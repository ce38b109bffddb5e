package io.litemodel.internal.runtime;

import io.litemodel.ExecutionReport;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelBackend;
import io.litemodel.LiteModelException;
import io.litemodel.TensorSpec;
import io.litemodel.internal.core.CallGate;
import io.litemodel.internal.core.InterpreterCalls;
import io.litemodel.internal.core.InterpreterShapes;
import io.litemodel.internal.core.ModelInterpreter;
import io.litemodel.internal.core.NameIndex;
import io.litemodel.internal.core.NativeFailures;
import io.litemodel.internal.core.TensorBinding;
import io.litemodel.internal.isolation.ChildProcessCheck;
import io.litemodel.internal.tflite.ModelHandle;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link LiteModel} runs on: the loaded model, its runtime (chosen by {@link RuntimeFactory}), the shapes its
 * tensors are allocated for and the calls that copy values in and out. Every public method checks its arguments,
 * passes the {@link CallGate} and delegates to the layer below (docs/api.md, "Layers").
 *
 * <p>The runtime is released exactly once: by {@link #close()}, or by the {@link Cleaner} once this object is
 * unreachable (the {@link LiteModel} facade is its only holder, so that is when the facade is).
 */
final class LoadedModel implements LiteModelBackend.Model {
  private static final Cleaner CLEANER = Cleaner.create();

  /** One call at a time, and none after close. */
  private final CallGate gate = new CallGate("LiteModel");
  private final ModelHandle model;
  private final LiteModel.Options options;
  private final String source;
  /** The native runtime and its tensors; released once, by close() or the Cleaner. */
  private final ModelInterpreter interpreter;
  private final Cleaner.Cleanable cleanable;
  /** The input shapes and batch size the tensors are allocated for. */
  private final InterpreterShapes shapes;
  /** Copies values in and out of the tensors and invokes. */
  private final InterpreterCalls calls;
  /** The names inputs and outputs are addressed by, and the mapping run(Map) makes with them. */
  private final NameIndex inputNames;
  private final NameIndex outputNames;

  private LoadedModel(ModelHandle model, LiteModel.Options options, String source) {
    this.model = model;
    this.options = options;
    this.source = source;
    int subgraph = model.graph().primarySubgraph(options.signature());
    long storedBytes = InterpreterShapes.checkStored(model.graph(), subgraph, options.memoryBudget(), source);
    this.interpreter = RuntimeFactory.create(model, options);
    this.cleanable = CLEANER.register(this, new Releaser(interpreter));
    try {
      this.shapes = new InterpreterShapes(interpreter, model.graph(), subgraph, options.memoryBudget(), source,
          storedBytes);
      this.calls = new InterpreterCalls(interpreter, shapes);
      this.inputNames = TensorBinding.nameIndex(interpreter.inputs(), "input");
      this.outputNames = TensorBinding.nameIndex(interpreter.outputs(), "output");
    } catch (RuntimeException | Error e) {
      cleanable.clean(); // a half-built instance frees its runtime now, not when the Cleaner gets to it
      throw e;
    }
  }

  /** Frees the native runtime; run once by close() or by the Cleaner. Holds no reference to the LoadedModel. */
  private static final class Releaser implements Runnable {
    private final ModelInterpreter interpreter;

    Releaser(ModelInterpreter interpreter) {
      this.interpreter = interpreter;
    }

    @Override
    public void run() {
      interpreter.close();
    }
  }

  /**
   * Loads a model: the child-process check when the options ask for it, then the verified model and its runtime.
   *
   * @param file the file the bytes were read from, or null (then a child-process check writes a temporary copy)
   */
  static LoadedModel load(ByteBuffer bytes, LiteModel.Options options, String source, Path file) {
    Objects.requireNonNull(options, "options");
    if (options.childProcessCheck()) {
      if (file != null) {
        ChildProcessCheck.check(file, options, source);
      } else {
        ChildProcessCheck.check(bytes, options, source);
      }
    }
    try {
      ModelHandle handle = ModelHandle.create(bytes, source, options.memoryBudget());
      try {
        return new LoadedModel(handle, options, source);
      } finally {
        handle.release(); // the runtime holds its own reference
      }
    } catch (RuntimeException | OutOfMemoryError e) {
      throw translated(e, "loading model " + source);
    }
  }

  /** @return the exception to throw for {@code e}: a native failure as a {@link LiteModelException}, else itself */
  private static RuntimeException translated(Throwable e, String what) {
    LiteModelException translated = NativeFailures.translate(e, what);
    if (translated != null) {
      return translated;
    }
    if (e instanceof RuntimeException runtime) {
      return runtime;
    }
    throw (Error) e;
  }

  @Override
  public LoadedModel replicate() {
    return replicate(options);
  }

  @Override
  public LoadedModel replicate(LiteModel.Options replicaOptions) {
    Objects.requireNonNull(replicaOptions, "options");
    gate.enter();
    try {
      LoadedModel replica = new LoadedModel(model, replicaOptions, source);
      try {
        replica.shapes.adopt(shapes.shapesView());
      } catch (RuntimeException | Error e) {
        replica.close();
        throw e;
      }
      return replica;
    } catch (RuntimeException | OutOfMemoryError e) {
      throw translated(e, "replicating model " + source);
    } finally {
      gate.exit();
    }
  }

  @Override
  public List<TensorSpec> inputs() {
    return specs(interpreter.inputs());
  }

  @Override
  public List<TensorSpec> outputs() {
    return specs(interpreter.outputs());
  }

  private List<TensorSpec> specs(TensorBinding[] bindings) {
    gate.checkOpen();
    List<TensorSpec> specs = new ArrayList<>(bindings.length);
    for (TensorBinding binding : bindings) {
      specs.add(binding.spec());
    }
    return List.copyOf(specs);
  }

  @Override
  public int inputIndex(String name) {
    return inputNames.indexOf(name);
  }

  @Override
  public int outputIndex(String name) {
    return outputNames.indexOf(name);
  }

  @Override
  public List<String> signatureKeys() {
    gate.checkOpen();
    return interpreter.signatureKeys();
  }

  @Override
  public String signatureKey() {
    gate.checkOpen();
    return interpreter.signatureKey();
  }

  @Override
  public boolean hasDynamicBatch() {
    gate.checkOpen();
    return shapes.dynamicBatch();
  }

  @Override
  public ExecutionReport executionReport() {
    gate.checkOpen();
    return interpreter.report();
  }

  @Override
  public void predictSingle(float[] input, float[] output) {
    enterAllocated();
    try {
      calls.predictSingle(input, output);
    } finally {
      gate.exit();
    }
  }

  @Override
  public float[] predictSingle(float[] input) {
    enterAllocated();
    int outLength;
    try {
      outLength = calls.singleOutputRow();
    } finally {
      gate.exit();
    }
    float[] output = new float[outLength];
    predictSingle(input, output);
    return output;
  }

  @Override
  public float[][] predict(float[][] rows) {
    Objects.requireNonNull(rows, "rows");
    enterAllocated();
    try {
      return calls.predict(rows);
    } finally {
      gate.exit();
    }
  }

  @Override
  public void predict(FloatBuffer input, FloatBuffer output, int rows) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    enterAllocated();
    try {
      calls.predict(input, output, rows);
    } finally {
      gate.exit();
    }
  }

  @Override
  public void resizeInput(int index, int... shape) {
    Objects.requireNonNull(shape, "shape");
    gate.enter();
    try {
      shapes.resizeInput(calls.input(index), shape);
    } finally {
      gate.exit();
    }
  }

  @Override
  public void resetState() {
    gate.enter();
    try {
      boolean rebuild = model.graph().hasResourceVariables();
      interpreter.resetState(rebuild);
      if (rebuild) {
        shapes.afterRebuild();
      }
    } finally {
      gate.exit();
    }
  }

  @Override
  public void setInput(int index, float[] data) {
    Objects.requireNonNull(data, "data");
    enterAllocated();
    try {
      calls.setInput(index, data);
    } finally {
      gate.exit();
    }
  }

  @Override
  public void setInputBytes(int index, ByteBuffer data) {
    Objects.requireNonNull(data, "data");
    enterAllocated();
    try {
      calls.setInputBytes(index, data);
    } finally {
      gate.exit();
    }
  }

  @Override
  public void invoke() {
    enterAllocated();
    try {
      calls.invoke();
    } finally {
      gate.exit();
    }
  }

  @Override
  public void getOutput(int index, float[] data) {
    Objects.requireNonNull(data, "data");
    enterAllocated();
    try {
      calls.getOutput(index, data);
    } finally {
      gate.exit();
    }
  }

  @Override
  public void getOutputBytes(int index, ByteBuffer data) {
    Objects.requireNonNull(data, "data");
    enterAllocated();
    try {
      calls.getOutputBytes(index, data);
    } finally {
      gate.exit();
    }
  }

  @Override
  public void run(float[][] inputs, float[][] outputs) {
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(outputs, "outputs");
    enterAllocated();
    try {
      calls.run(inputs, outputs);
    } finally {
      gate.exit();
    }
  }

  @Override
  public Map<String, float[]> run(Map<String, float[]> inputs) {
    Objects.requireNonNull(inputs, "inputs");
    float[][] ordered = inputNames.order(inputs);
    float[][] results;
    enterAllocated();
    try {
      results = calls.outputArraysFor(ordered);
    } finally {
      gate.exit();
    }
    run(ordered, results);
    return outputNames.name(results);
  }

  @Override
  public void warmUp(int calls) {
    if (calls < 0) {
      throw new IllegalArgumentException("calls must be >= 0, got " + calls);
    }
    enterAllocated();
    try {
      for (int i = 0; i < calls; i++) {
        this.calls.invoke();
      }
    } finally {
      gate.exit();
    }
  }

  @Override
  public void close() {
    if (gate.close()) {
      cleanable.clean();
    }
  }

  @Override
  public boolean threadSafe() {
    return false;
  }

  @Override
  public boolean isClosed() {
    return gate.isClosed();
  }

  @Override
  public String describe() {
    if (isClosed()) {
      return "LiteModel[closed, " + source + "]";
    }
    StringBuilder text = new StringBuilder("LiteModel[").append(source).append(", ").append(model.size())
        .append(" bytes\n");
    for (TensorBinding binding : interpreter.inputs()) {
      text.append("  input  ").append(binding.spec()).append('\n');
    }
    for (TensorBinding binding : interpreter.outputs()) {
      text.append("  output ").append(binding.spec()).append('\n');
    }
    text.append("  batch: ").append(shapes.describeBatch()).append('\n');
    if (!signatureKeys().isEmpty()) {
      text.append("  signatures: ").append(signatureKeys())
          .append(signatureKey() != null ? ", running '" + signatureKey() + "'" : "").append('\n');
    }
    text.append("  threads: ").append(options.threads()).append(", runs on: ").append(interpreter.report())
        .append(']');
    return text.toString();
  }

  @Override
  public String toString() {
    return describe();
  }

  /**
   * Enters a call that touches tensors: like {@link CallGate#enter()}, and fails while a dynamic input still waits
   * for its first {@link #resizeInput(int, int...)} (one field read).
   */
  private void enterAllocated() {
    gate.enter();
    String problem = interpreter.allocationProblem();
    if (problem != null) {
      gate.exit();
      throw new IllegalStateException(problem);
    }
  }
}
