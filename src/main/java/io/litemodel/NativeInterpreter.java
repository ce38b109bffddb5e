package io.litemodel;

import io.litemodel.presets.LiteModelShim;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.TfLiteInterpreter;
import org.bytedeco.tensorflowlite.TfLiteInterpreterOptions;
import org.bytedeco.tensorflowlite.TfLiteOpaqueDelegateStruct;
import org.bytedeco.tensorflowlite.TfLiteSignatureRunner;
import org.bytedeco.tensorflowlite.TfLiteTensor;
import org.bytedeco.tensorflowlite.global.tensorflowlite;

/**
 * Owns one {@code TfLiteInterpreter} and everything it depends on: its delegates, its error sink, a reference to the
 * shared model, and (when a signature is selected) its signature runner. Not thread-safe; {@link LiteModel} guards it.
 *
 * <p>Release order, in {@link #close()}: signature runner, interpreter, delegates, probe, error sink, model
 * reference (the last reference also frees the model's shared XNNPACK weights cache, after every delegate that
 * used it). Each is released once; later calls do nothing.
 */
final class NativeInterpreter {
  private ModelHandle model;
  private Pointer errorSink;
  private final List<NativeDelegate> delegates;
  private Pointer probe;
  private TfLiteInterpreter interpreter;
  private TfLiteSignatureRunner runner;
  private final String signatureKey;
  private final List<String> signatureKeys;
  private final TensorBinding[] inputs;
  private final TensorBinding[] outputs;
  /** Errors TensorFlow Lite reported while building (e.g. a delegate that failed to apply); empty when none. */
  private final String buildErrors;
  private Accelerator.Kind runsOn = Accelerator.Kind.CPU;
  private List<String> notes = List.of();
  private boolean dynamicOutputs;

  private NativeInterpreter(ModelHandle model, Pointer errorSink, List<NativeDelegate> delegates, Pointer probe,
      TfLiteInterpreter interpreter, TfLiteSignatureRunner runner, String signatureKey, List<String> signatureKeys) {
    this.model = model;
    this.errorSink = errorSink;
    this.delegates = delegates;
    this.probe = probe;
    this.interpreter = interpreter;
    this.runner = runner;
    this.signatureKey = signatureKey;
    this.signatureKeys = signatureKeys;
    this.buildErrors = sinkText(errorSink);
    if (errorSink != null) {
      LiteModelShim.lm_error_sink_clear(errorSink);
    }
    this.inputs = new TensorBinding[runner != null
        ? (int) tensorflowlite.TfLiteSignatureRunnerGetInputCount(runner)
        : tensorflowlite.TfLiteInterpreterGetInputTensorCount(interpreter)];
    this.outputs = new TensorBinding[runner != null
        ? (int) tensorflowlite.TfLiteSignatureRunnerGetOutputCount(runner)
        : tensorflowlite.TfLiteInterpreterGetOutputTensorCount(interpreter)];
  }

  /**
   * Builds an interpreter on {@code model}, taking one reference to it (released by {@link #close()}, or at once if
   * construction fails).
   */
  static NativeInterpreter create(ModelHandle model, LiteModel.Options options, DelegateFactory extraDelegates) {
    if (!options.xnnpack() || !options.weightsCache()) {
      return create(model, options, extraDelegates, null);
    }
    WeightsCache cache = model.weightsCache();
    synchronized (cache.lock()) {
      NativeInterpreter built = create(model, options, extraDelegates, cache);
      try {
        cache.finalizeAfterBuild();
      } catch (RuntimeException e) {
        built.close();
        throw e;
      }
      return built;
    }
  }

  private static NativeInterpreter create(ModelHandle model, LiteModel.Options options,
      DelegateFactory extraDelegates, WeightsCache weightsCache) {
    model.acquire();
    Pointer errorSink = null;
    List<NativeDelegate> delegates = new ArrayList<>();
    Pointer probe = null;
    TfLiteInterpreterOptions interpreterOptions = null;
    TfLiteInterpreter interpreter = null;
    TfLiteSignatureRunner runner = null;
    NativeInterpreter built;
    try {
      errorSink = LiteModelShim.lm_error_sink_create();
      interpreterOptions = tensorflowlite.TfLiteInterpreterOptionsCreate();
      tensorflowlite.TfLiteInterpreterOptionsSetNumThreads(interpreterOptions, options.threads());
      LiteModelShim.lm_options_set_error_sink(interpreterOptions, errorSink);
      // Accelerator delegates first: TensorFlow Lite offers each delegate the nodes its predecessors left, so the
      // GPU or plugin gets first pick and XNNPACK takes what they did not.
      if (extraDelegates != null) {
        delegates.addAll(extraDelegates.create());
      }
      if (options.xnnpack()) {
        delegates.add(XnnpackDelegate.create(options.threads(), options.xnnpackFlags(),
            options.xnnpackClearedFlags(), weightsCache == null ? null : weightsCache.pointer()));
      }
      for (NativeDelegate delegate : delegates) {
        tensorflowlite.TfLiteInterpreterOptionsAddDelegate(interpreterOptions,
            new TfLiteOpaqueDelegateStruct(delegate.pointer()));
      }
      probe = LiteModelShim.lm_probe_create();
      if (probe != null && !probe.isNull()) {
        tensorflowlite.TfLiteInterpreterOptionsAddDelegate(interpreterOptions,
            new TfLiteOpaqueDelegateStruct(LiteModelShim.lm_probe_delegate(probe)));
      }
      interpreter = tensorflowlite.TfLiteInterpreterCreate(model.model(), interpreterOptions);
      if (interpreter == null || interpreter.isNull()) {
        interpreter = null;
        String why = sinkText(errorSink);
        LiteModelException.Status status = why.contains("Didn't find op") || why.contains("unresolved")
            || why.contains("Encountered unresolved custom op")
            ? LiteModelException.Status.UNRESOLVED_OPS : LiteModelException.Status.ERROR;
        throw new LiteModelException(status, "TensorFlow Lite could not build an interpreter for this model"
            + (why.isEmpty() ? "" : ": " + why));
      }
      List<String> keys = new ArrayList<>();
      int signatureCount = tensorflowlite.TfLiteInterpreterGetSignatureCount(interpreter);
      for (int i = 0; i < signatureCount; i++) {
        keys.add(tensorflowlite.TfLiteInterpreterGetSignatureKey(interpreter, i).getString());
      }
      if (options.signature() != null) {
        if (!keys.contains(options.signature())) {
          throw new IllegalArgumentException("model has no signature '" + options.signature() + "'; it has "
              + keys);
        }
        runner = tensorflowlite.TfLiteInterpreterGetSignatureRunner(interpreter, options.signature());
        if (runner == null || runner.isNull()) {
          throw new LiteModelException(LiteModelException.Status.ERROR,
              "could not create a runner for signature '" + options.signature() + "': " + sinkText(errorSink));
        }
      }
      built = new NativeInterpreter(model, errorSink, delegates, probe, interpreter, runner,
          options.signature(), List.copyOf(keys));
    } catch (RuntimeException | Error e) {
      if (runner != null && !runner.isNull()) {
        tensorflowlite.TfLiteSignatureRunnerDelete(runner);
      }
      if (interpreter != null) {
        tensorflowlite.TfLiteInterpreterDelete(interpreter);
      }
      for (NativeDelegate delegate : delegates) {
        delegate.delete();
      }
      if (probe != null) {
        LiteModelShim.lm_probe_delete(probe);
      }
      if (errorSink != null) {
        LiteModelShim.lm_error_sink_delete(errorSink);
      }
      model.release();
      throw e;
    } finally {
      if (interpreterOptions != null) {
        tensorflowlite.TfLiteInterpreterOptionsDelete(interpreterOptions);
      }
    }
    // From here on `built` owns every native resource (and the model reference); close() releases them once.
    try {
      built.allocateAndBind();
      return built;
    } catch (RuntimeException | Error e) {
      built.close();
      throw e;
    }
  }

  /** Creates the extra delegates (accelerators, plugins) for one interpreter; each is owned by that interpreter. */
  interface DelegateFactory {
    List<NativeDelegate> create();
  }

  private static String sinkText(Pointer sink) {
    return sink == null ? "" : LiteModelShim.lm_error_sink_text(sink).getString().strip();
  }

  private void allocateAndBind() {
    int status = runner != null
        ? tensorflowlite.TfLiteSignatureRunnerAllocateTensors(runner)
        : tensorflowlite.TfLiteInterpreterAllocateTensors(interpreter);
    if (status != 0) {
      throw failure(status, "allocating tensors failed");
    }
    String[] inputAliases = runner == null ? signatureAliases(true) : null;
    String[] outputAliases = runner == null ? signatureAliases(false) : null;
    for (int i = 0; i < inputs.length; i++) {
      TfLiteTensor tensor = inputTensor(i);
      String name = runner != null ? inputName(i) : inputAliases != null ? inputAliases[i] : tensorName(tensor);
      inputs[i] = new TensorBinding(i, name, tensor);
    }
    for (int i = 0; i < outputs.length; i++) {
      TfLiteTensor tensor = outputTensor(i);
      String name = runner != null ? outputName(i) : outputAliases != null ? outputAliases[i] : tensorName(tensor);
      outputs[i] = new TensorBinding(i, name, tensor);
    }
    noteDynamicOutputs();
  }

  private static String tensorName(TfLiteTensor tensor) {
    return tensorflowlite.TfLiteTensorName(tensor).getString();
  }

  /**
   * Names from the model's only signature, when it has exactly one and it covers the main graph's inputs (or
   * outputs): Keras models carry their layer names there ({@code features}) while tensor names are mangled
   * ({@code serving_default_features:0}). Matched by tensor identity, so the order of the main graph is kept.
   *
   * @return one name per main-graph input (or output), or null when the signature does not map them all
   */
  private String[] signatureAliases(boolean forInputs) {
    if (signatureKeys.size() != 1) {
      return null;
    }
    TfLiteSignatureRunner signature = tensorflowlite.TfLiteInterpreterGetSignatureRunner(interpreter,
        signatureKeys.get(0));
    if (signature == null || signature.isNull()) {
      return null;
    }
    try {
      int count = forInputs ? inputs.length : outputs.length;
      long declared = forInputs ? tensorflowlite.TfLiteSignatureRunnerGetInputCount(signature)
          : tensorflowlite.TfLiteSignatureRunnerGetOutputCount(signature);
      if (declared != count) {
        return null;
      }
      String[] names = new String[count];
      for (int i = 0; i < count; i++) {
        BytePointer name = forInputs ? tensorflowlite.TfLiteSignatureRunnerGetInputName(signature, i)
            : tensorflowlite.TfLiteSignatureRunnerGetOutputName(signature, i);
        TfLiteTensor tensor = forInputs ? tensorflowlite.TfLiteSignatureRunnerGetInputTensor(signature, name)
            : tensorflowlite.TfLiteSignatureRunnerGetOutputTensor(signature, name);
        for (int j = 0; j < count; j++) {
          TfLiteTensor main = forInputs ? inputTensor(j) : outputTensor(j);
          if (tensor != null && tensor.address() == main.address()) {
            names[j] = name.getString();
          }
        }
      }
      for (String name : names) {
        if (name == null) {
          return null;
        }
      }
      return names;
    } finally {
      tensorflowlite.TfLiteSignatureRunnerDelete(signature);
    }
  }

  private String inputName(int i) {
    return tensorflowlite.TfLiteSignatureRunnerGetInputName(runner, i).getString();
  }

  private String outputName(int i) {
    return tensorflowlite.TfLiteSignatureRunnerGetOutputName(runner, i).getString();
  }

  private TfLiteTensor inputTensor(int i) {
    return runner != null
        ? tensorflowlite.TfLiteSignatureRunnerGetInputTensor(runner, inputName(i))
        : tensorflowlite.TfLiteInterpreterGetInputTensor(interpreter, i);
  }

  private TfLiteTensor outputTensor(int i) {
    return runner != null
        ? tensorflowlite.TfLiteSignatureRunnerGetOutputTensor(runner, outputName(i))
        : tensorflowlite.TfLiteInterpreterGetOutputTensor(interpreter, i);
  }

  TensorBinding[] inputs() {
    return inputs;
  }

  TensorBinding[] outputs() {
    return outputs;
  }

  List<String> signatureKeys() {
    return signatureKeys;
  }

  String signatureKey() {
    return signatureKey;
  }

  /**
   * Runs the graph once. The hot path: one JNI crossing.
   *
   * @return the {@code TfLiteStatus}; 0 on success
   */
  int invoke() {
    return runner != null
        ? tensorflowlite.TfLiteSignatureRunnerInvoke(runner)
        : tensorflowlite.TfLiteInterpreterInvoke(interpreter);
  }

  /**
   * Resizes input {@code index} to {@code dims}, reallocates all tensors and refreshes every binding.
   *
   * @throws LiteModelException when TensorFlow Lite rejects the shape
   */
  void resize(int[][] dimsPerInput) {
    for (int i = 0; i < inputs.length; i++) {
      int[] dims = dimsPerInput[i];
      int status = runner != null
          ? tensorflowlite.TfLiteSignatureRunnerResizeInputTensor(runner, inputName(i), dims, dims.length)
          : tensorflowlite.TfLiteInterpreterResizeInputTensor(interpreter, i, dims, dims.length);
      if (status != 0) {
        throw failure(status, "resizing input '" + inputs[i].name() + "' to " + java.util.Arrays.toString(dims)
            + " failed");
      }
    }
    int status = runner != null
        ? tensorflowlite.TfLiteSignatureRunnerAllocateTensors(runner)
        : tensorflowlite.TfLiteInterpreterAllocateTensors(interpreter);
    if (status != 0) {
      throw failure(status, "allocating tensors after a resize failed");
    }
    refreshBindings();
  }

  /** Rebuilds every cached tensor view after an allocation. */
  void refreshBindings() {
    for (int i = 0; i < inputs.length; i++) {
      inputs[i].refresh(inputTensor(i));
    }
    for (int i = 0; i < outputs.length; i++) {
      outputs[i].refresh(outputTensor(i));
    }
    noteDynamicOutputs();
  }

  private void noteDynamicOutputs() {
    boolean any = false;
    for (TensorBinding output : outputs) {
      any |= !output.stableAddress();
    }
    dynamicOutputs = any;
  }

  /**
   * True when some output's memory is allocated by {@code Invoke} itself (data-dependent shapes): its view must be
   * rebuilt after every invocation. False for ordinary models, whose outputs live in the arena.
   */
  boolean hasDynamicOutputs() {
    return dynamicOutputs;
  }

  /** Rebuilds the views of the outputs that {@code Invoke} (re)allocates. Allocates; only for such models. */
  void refreshDynamicOutputs() {
    for (int i = 0; i < outputs.length; i++) {
      if (!outputs[i].stableAddress()) {
        outputs[i].refresh(outputTensor(i));
      }
    }
  }

  /** Drops every cached view after a failed reallocation, so nothing can touch memory TensorFlow Lite moved. */
  void invalidateBindings() {
    for (TensorBinding binding : inputs) {
      binding.invalidate();
    }
    for (TensorBinding binding : outputs) {
      binding.invalidate();
    }
  }

  /** @return an exception for a failed call, with the native error text collected since the last failure */
  LiteModelException failure(int status, String what) {
    String why = sinkText(errorSink);
    if (errorSink != null) {
      LiteModelShim.lm_error_sink_clear(errorSink);
    }
    return new LiteModelException(LiteModelException.Status.fromCode(status),
        what + " (" + LiteModelException.Status.fromCode(status) + ")" + (why.isEmpty() ? "" : ": " + why));
  }

  /** @return what runs where, read from the final execution plan */
  ExecutionReport report() {
    List<String> described = new ArrayList<>();
    for (NativeDelegate delegate : delegates) {
      described.add(delegate.describe());
    }
    if (probe == null) {
      return new ExecutionReport(runsOn, described, -1, 0, 0, List.of(), List.of(), notes);
    }
    int planSize = LiteModelShim.lm_probe_count(probe, 1);
    List<String> partitionNames = new ArrayList<>();
    List<String> cpuOperators = new ArrayList<>();
    for (int i = 0; i < planSize; i++) {
      int code = LiteModelShim.lm_probe_node_code(probe, i);
      String name = LiteModelShim.lm_probe_node_name(probe, i).getString();
      if (code == -1) {
        partitionNames.add(name);
      } else if (code >= 0) {
        cpuOperators.add(name.isEmpty() ? BuiltinOperators.name(code) : name);
      }
    }
    return new ExecutionReport(runsOn, described, planSize, LiteModelShim.lm_probe_count(probe, 2),
        LiteModelShim.lm_probe_count(probe, 3), partitionNames, cpuOperators, notes);
  }

  List<NativeDelegate> delegates() {
    return delegates;
  }

  /** @return what TensorFlow Lite reported while building this interpreter (empty when nothing) */
  String buildErrors() {
    return buildErrors;
  }

  /** Records what this interpreter runs on and why, for {@link #report()}; set once by the resolver. */
  void describeResolution(Accelerator.Kind kind, List<String> resolutionNotes) {
    this.runsOn = kind;
    this.notes = List.copyOf(resolutionNotes);
  }

  /** Releases everything this interpreter owns, children before parents. Idempotent. */
  void close() {
    if (runner != null) {
      tensorflowlite.TfLiteSignatureRunnerDelete(runner);
      runner = null;
    }
    if (interpreter != null) {
      tensorflowlite.TfLiteInterpreterDelete(interpreter);
      interpreter = null;
    }
    for (NativeDelegate delegate : delegates) {
      delegate.delete();
    }
    if (probe != null) {
      LiteModelShim.lm_probe_delete(probe);
      probe = null;
    }
    if (errorSink != null) {
      LiteModelShim.lm_error_sink_delete(errorSink);
      errorSink = null;
    }
    if (model != null) {
      model.release();
      model = null;
    }
  }
}
