package io.litemodel.internal.tflite;

import io.litemodel.Accelerator;
import io.litemodel.ExecutionReport;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.internal.analysis.CustomOperators;
import io.litemodel.internal.analysis.InputShapes;
import io.litemodel.internal.analysis.ModelGraph;
import io.litemodel.internal.core.ModelInterpreter;
import io.litemodel.internal.core.NativeFailures;
import io.litemodel.internal.core.NativeScope;
import io.litemodel.internal.core.NativeText;
import io.litemodel.internal.core.TensorBinding;
import io.litemodel.internal.presets.LiteModelShim;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * <p>The native pieces live in a {@link Parts} value, so that {@link #rebuild()} can replace them with fresh ones
 * (the only way to reset a model's resource variables) while the {@link TensorBinding}s that callers hold stay the
 * same objects, refreshed to the new tensors.
 *
 * <p>Release order, in {@link #close()} (one {@link NativeScope}, last created first): signature runner,
 * interpreter, probe, delegates, error sink, model
 * reference (the last reference also frees the model's shared XNNPACK weights cache, after every delegate that
 * used it). Each is released once; later calls do nothing.
 */
public final class NativeInterpreter extends ModelInterpreter {
  /** Owns the model reference and (through {@link #partsSlot}) the current parts; released by {@link #close()}. */
  private final NativeScope owned;
  private final NativeScope.Slot<Parts> partsSlot;
  /** The slot's current parts, read directly on the hot path. */
  private Parts parts;
  private final ModelHandle model;
  private final LiteModel.Options options;
  private final DelegateFactory extraDelegates;
  private final String signatureKey;
  private final List<String> signatureKeys;
  private final TensorBinding[] inputs;
  private final TensorBinding[] outputs;
  /** Errors TensorFlow Lite reported while building (e.g. a delegate that failed to apply); empty when none. */
  private final String buildErrors;
  /** Why tensors are not allocated yet (a dynamic input whose default shape cannot be allocated), or null. */
  private String allocationProblem;
  private Accelerator.Kind runsOn = Accelerator.Kind.CPU;
  private List<String> notes = List.of();
  private boolean dynamicOutputs;
  /**
   * What runs where, read after every (re)allocation and resolution so that reading it needs no native call (and
   * another thread may read it: {@link LiteModel#executionReport()} does not enter the call gate).
   */
  private volatile ExecutionReport report;

  /**
   * The native objects of one interpreter build, each owned by {@link #owned} as it is created (error sink,
   * delegates, probe, interpreter, signature runner), so they are released together in the reverse order: children
   * before parents.
   */
  private static final class Parts {
    final NativeScope owned = new NativeScope();
    Pointer errorSink;
    final List<NativeDelegate> delegates = new ArrayList<>();
    Pointer probe;
    TfLiteInterpreter interpreter;
    TfLiteSignatureRunner runner;

    public void close() {
      owned.close();
    }
  }

  private NativeInterpreter(NativeScope owned, NativeScope.Slot<Parts> partsSlot, ModelHandle model,
      LiteModel.Options options, DelegateFactory extraDelegates, List<String> signatureKeys) {
    this.owned = owned;
    this.partsSlot = partsSlot;
    this.parts = partsSlot.get();
    this.model = model;
    this.options = options;
    this.extraDelegates = extraDelegates;
    this.signatureKey = options.signature();
    this.signatureKeys = signatureKeys;
    this.buildErrors = sinkText(parts.errorSink);
    LiteModelShim.lm_error_sink_clear(parts.errorSink);
    this.inputs = new TensorBinding[parts.runner != null
        ? (int) tensorflowlite.TfLiteSignatureRunnerGetInputCount(parts.runner)
        : tensorflowlite.TfLiteInterpreterGetInputTensorCount(parts.interpreter)];
    this.outputs = new TensorBinding[parts.runner != null
        ? (int) tensorflowlite.TfLiteSignatureRunnerGetOutputCount(parts.runner)
        : tensorflowlite.TfLiteInterpreterGetOutputTensorCount(parts.interpreter)];
  }

  /**
   * Builds an interpreter on {@code model}, taking one reference to it (released by {@link #close()}, or at once if
   * construction fails).
   */
  public static NativeInterpreter create(ModelHandle model, LiteModel.Options options, DelegateFactory extraDelegates) {
    NativeScope owned = new NativeScope();
    try {
      owned.own(model.acquire(), ModelHandle::release);
      NativeScope.Slot<Parts> parts = owned.slot(Parts::close);
      parts.replace(build(model, options, extraDelegates));
      NativeInterpreter built = new NativeInterpreter(owned, parts, model, options, extraDelegates,
          signatureKeys(parts.get().interpreter));
      built.allocateAndBind();
      return built;
    } catch (RuntimeException | Error e) {
      owned.closeAfter(e); // parts first, then the model reference
      throw e;
    }
  }

  /** Builds the native parts, with the model's shared XNNPACK weights cache when the options ask for it. */
  private static Parts build(ModelHandle model, LiteModel.Options options, DelegateFactory extraDelegates) {
    if (!options.xnnpack() || !options.weightsCache()) {
      return build(model, options, extraDelegates, null);
    }
    WeightsCache cache = model.weightsCache();
    synchronized (cache.lock()) {
      Parts parts = build(model, options, extraDelegates, cache);
      try {
        cache.finalizeAfterBuild();
      } catch (RuntimeException e) {
        parts.owned.closeAfter(e);
        throw e;
      }
      return parts;
    }
  }

  private static Parts build(ModelHandle model, LiteModel.Options options, DelegateFactory extraDelegates,
      WeightsCache weightsCache) {
    Parts parts = new Parts();
    try (NativeScope temporary = new NativeScope()) {
      parts.errorSink = parts.owned.own(LiteModelShim.lm_error_sink_create(), LiteModelShim::lm_error_sink_delete);
      TfLiteInterpreterOptions interpreterOptions = temporary.own(tensorflowlite.TfLiteInterpreterOptionsCreate(),
          tensorflowlite::TfLiteInterpreterOptionsDelete);
      tensorflowlite.TfLiteInterpreterOptionsSetNumThreads(interpreterOptions, options.threads());
      LiteModelShim.lm_options_set_error_sink(interpreterOptions, parts.errorSink);
      // Accelerator delegates first: TensorFlow Lite offers each delegate the nodes its predecessors left, so the
      // GPU or plugin gets first pick and XNNPACK takes what they did not.
      if (extraDelegates != null) {
        for (NativeDelegate delegate : extraDelegates.create()) {
          parts.delegates.add(parts.owned.own(delegate, NativeDelegate::delete));
        }
      }
      if (options.xnnpack()) {
        parts.delegates.add(parts.owned.own(XnnpackDelegate.create(options.threads(), options.xnnpackFlags(),
            options.xnnpackClearedFlags(), weightsCache == null ? null : weightsCache.pointer()),
            NativeDelegate::delete));
      }
      for (NativeDelegate delegate : parts.delegates) {
        tensorflowlite.TfLiteInterpreterOptionsAddDelegate(interpreterOptions,
            new TfLiteOpaqueDelegateStruct(delegate.pointer()));
      }
      parts.probe = parts.owned.own(LiteModelShim.lm_probe_create(), LiteModelShim::lm_probe_delete);
      if (parts.probe != null && !parts.probe.isNull()) {
        tensorflowlite.TfLiteInterpreterOptionsAddDelegate(interpreterOptions,
            new TfLiteOpaqueDelegateStruct(LiteModelShim.lm_probe_delegate(parts.probe)));
      } else {
        parts.probe = null;
      }
      TfLiteInterpreter interpreter = parts.owned.own(
          tensorflowlite.TfLiteInterpreterCreate(model.model(), interpreterOptions),
          tensorflowlite::TfLiteInterpreterDelete);
      if (interpreter == null || interpreter.isNull()) {
        String why = sinkText(parts.errorSink);
        throw new LiteModelException(NativeFailures.classify(NativeFailures.NO_STATUS, why),
            "TensorFlow Lite could not build an interpreter for this model" + (why.isEmpty() ? "" : ": " + why));
      }
      parts.interpreter = interpreter;
      requireClaimedCustomOperators(model, parts.probe);
      if (options.signature() != null) {
        List<String> keys = signatureKeys(interpreter);
        if (!keys.contains(options.signature())) {
          throw new IllegalArgumentException("model has no signature '" + options.signature() + "'; it has " + keys);
        }
        parts.runner = parts.owned.own(
            tensorflowlite.TfLiteInterpreterGetSignatureRunner(interpreter, options.signature()),
            tensorflowlite::TfLiteSignatureRunnerDelete);
        if (parts.runner == null || parts.runner.isNull()) {
          parts.runner = null;
          throw new LiteModelException(LiteModelException.Status.ERROR, "could not create a runner for signature '"
              + options.signature() + "': " + sinkText(parts.errorSink));
        }
      }
      return parts;
    } catch (RuntimeException | Error e) {
      parts.owned.closeAfter(e);
      throw e;
    }
  }

  /**
   * Fails with {@link LiteModelException.Status#UNRESOLVED_OPS} when a custom operator that this build has no kernel
   * for is still on the CPU after every delegate had its pick, naming every such operator, rather than letting
   * TensorFlow Lite fail on the first one when tensors are allocated.
   */
  private static void requireClaimedCustomOperators(ModelHandle model, Pointer probe) {
    CustomOperators unresolved = model.unresolvedCustomOperators();
    if (unresolved.isEmpty() || probe == null) {
      return;
    }
    Set<String> unclaimed = new HashSet<>();
    for (int record = 0, records = LiteModelShim.lm_probe_records(probe); record < records; record++) {
      int planSize = LiteModelShim.lm_probe_count(probe, record, 1);
      for (int i = 0; i < planSize; i++) {
        if (LiteModelShim.lm_probe_node_code(probe, record, i) == ModelGraph.BUILTIN_CUSTOM) {
          String name = LiteModelShim.lm_probe_node_name(probe, record, i).getString();
          if (unresolved.names().contains(name)) {
            unclaimed.add(name);
          }
        }
      }
    }
    if (!unclaimed.isEmpty()) {
      throw new LiteModelException(LiteModelException.Status.UNRESOLVED_OPS,
          "model " + model.source() + " uses operators this TensorFlow Lite build cannot run and no applied "
              + "delegate took: "
              + unresolved.describe(unclaimed));
    }
  }

  private static List<String> signatureKeys(TfLiteInterpreter interpreter) {
    List<String> keys = new ArrayList<>();
    int signatureCount = tensorflowlite.TfLiteInterpreterGetSignatureCount(interpreter);
    for (int i = 0; i < signatureCount; i++) {
      keys.add(tensorflowlite.TfLiteInterpreterGetSignatureKey(interpreter, i).getString());
    }
    return List.copyOf(keys);
  }

  /** Creates the extra delegates (accelerators, plugins) for one interpreter; each is owned by that interpreter. */
  public interface DelegateFactory {
    public List<NativeDelegate> create();
  }

  private static String sinkText(Pointer sink) {
    return NativeText.sinkText(sink);
  }

  private void allocateAndBind() {
    int status = allocate();
    String why = status == 0 ? "" : sinkText(parts.errorSink);
    LiteModelShim.lm_error_sink_clear(parts.errorSink);
    String[] inputAliases = parts.runner == null ? signatureAliases(true) : null;
    String[] outputAliases = parts.runner == null ? signatureAliases(false) : null;
    for (int i = 0; i < inputs.length; i++) {
      TfLiteTensor tensor = inputTensor(i);
      String name = parts.runner != null ? inputName(i) : inputAliases != null ? inputAliases[i] : tensorName(tensor);
      inputs[i] = new TensorBinding(i, name, tensor);
    }
    for (int i = 0; i < outputs.length; i++) {
      TfLiteTensor tensor = outputTensor(i);
      String name = parts.runner != null ? outputName(i) : outputAliases != null ? outputAliases[i]
          : tensorName(tensor);
      outputs[i] = new TensorBinding(i, name, tensor);
    }
    // When the built-in kernels rejected the stored shapes at load (deferredCheck), a delegate that took the
    // operators may still accept them here (XNNPACK prepared openWakeWord's melspectrogram at [1, 1], then crashed
    // at invoke): such a model never runs at shapes the safety preparation has not accepted.
    if (status != 0 || model.deferredCheck() != null) {
      String waiting = waitingForShapes(why);
      if (waiting == null) {
        throw failure(status, "allocating tensors failed", why);
      }
      allocationProblem = waiting;
      invalidateBindings();
    }
    noteDynamicOutputs();
    report = readReport();
  }

  /**
   * @return a message asking for {@link LiteModel#resizeInput(int, int...)} when some input's declared default shape
   *     cannot be allocated (empty, or of the wrong rank, with dynamic dimensions), or null when none is
   */
  private String unallocatableInputs() {
    List<String> waiting = new ArrayList<>();
    for (int i = 0; i < inputs.length; i++) {
      TfLiteTensor tensor = inputTensor(i);
      int[] shape = TensorBinding.readShape(tensor);
      int[] signature = TensorBinding.readSignature(tensor, shape);
      if (InputShapes.hasDynamic(signature) && !InputShapes.allocatable(shape, signature)) {
        waiting.add("'" + (inputs[i] != null ? inputs[i].name() : tensorName(tensor)) + "' " + Arrays.toString(
            signature) + " (stored default " + Arrays.toString(shape) + ")");
      }
    }
    return waiting.isEmpty() ? null : "the model's default input shape cannot be allocated: call resizeInput(...) "
        + "with concrete dimensions for input(s) " + String.join(", ", waiting) + " before the first call";
  }

  /**
   * @param why what TensorFlow Lite reported when allocating at the stored shapes failed
   * @return the message asking for a resize when that failure is expected (an input's default shape cannot be
   *     allocated, or the model's operators reject its default shapes), or null when it is a real failure
   */
  private String waitingForShapes(String why) {
    String unallocatable = unallocatableInputs();
    if (unallocatable != null) {
      return unallocatable + (why.isEmpty() ? "" : " (TensorFlow Lite: " + why + ")");
    }
    if (model.deferredCheck() != null) {
      return "the model cannot run at its stored default input shapes (its operators reject them: "
          + model.deferredCheck() + "): call resizeInput(...) with concrete dimensions for its dynamic input(s) "
          + dynamicInputs() + " before the first call";
    }
    return null;
  }

  private String dynamicInputs() {
    List<String> dynamic = new ArrayList<>();
    for (TensorBinding input : inputs) {
      if (input != null && InputShapes.hasDynamic(input.shapeSignatureView())) {
        dynamic.add("'" + input.name() + "' " + Arrays.toString(input.shapeSignatureView()));
      }
    }
    return String.join(", ", dynamic);
  }

  private int allocate() {
    return parts.runner != null
        ? tensorflowlite.TfLiteSignatureRunnerAllocateTensors(parts.runner)
        : tensorflowlite.TfLiteInterpreterAllocateTensors(parts.interpreter);
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
    try (NativeScope temporary = new NativeScope()) {
      TfLiteSignatureRunner signature = temporary.own(
          tensorflowlite.TfLiteInterpreterGetSignatureRunner(parts.interpreter, signatureKeys.get(0)),
          tensorflowlite::TfLiteSignatureRunnerDelete);
      if (signature == null || signature.isNull()) {
        return null;
      }
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
    }
  }

  private String inputName(int i) {
    return tensorflowlite.TfLiteSignatureRunnerGetInputName(parts.runner, i).getString();
  }

  private String outputName(int i) {
    return tensorflowlite.TfLiteSignatureRunnerGetOutputName(parts.runner, i).getString();
  }

  private TfLiteTensor inputTensor(int i) {
    return parts.runner != null
        ? tensorflowlite.TfLiteSignatureRunnerGetInputTensor(parts.runner, inputName(i))
        : tensorflowlite.TfLiteInterpreterGetInputTensor(parts.interpreter, i);
  }

  private TfLiteTensor outputTensor(int i) {
    return parts.runner != null
        ? tensorflowlite.TfLiteSignatureRunnerGetOutputTensor(parts.runner, outputName(i))
        : tensorflowlite.TfLiteInterpreterGetOutputTensor(parts.interpreter, i);
  }

  @Override
  public TensorBinding[] inputs() {
    return inputs;
  }

  @Override
  public TensorBinding[] outputs() {
    return outputs;
  }

  @Override
  public List<String> signatureKeys() {
    return signatureKeys;
  }

  @Override
  public String signatureKey() {
    return signatureKey;
  }

  /**
   * Runs the model's safety preparation at {@code dimsPerInput} ({@link ModelHandle#checkShapes}) when its stored
   * shapes could not be checked at load; otherwise that load-time check stands for every shape, and this does nothing.
   */
  @Override
  public void checkShapes(int[][] dimsPerInput) {
    if (model.deferredCheck() == null) {
      return;
    }
    String[] names = new String[inputs.length]; // as the preparation addresses them: signature or tensor names
    for (int i = 0; i < inputs.length; i++) {
      names[i] = signatureKey != null ? inputs[i].name() : inputs[i].tensorName();
    }
    model.checkShapes(signatureKey, names, dimsPerInput);
  }

  /** @return why tensors are not allocated yet (a resize is needed first), or null when they are */
  @Override
  public String allocationProblem() {
    return allocationProblem;
  }

  /**
   * Runs the graph once. The hot path: one JNI crossing.
   *
   * @return the {@code TfLiteStatus}; 0 on success
   */
  @Override
  public int invoke() {
    return parts.runner != null
        ? tensorflowlite.TfLiteSignatureRunnerInvoke(parts.runner)
        : tensorflowlite.TfLiteInterpreterInvoke(parts.interpreter);
  }

  /**
   * Resizes every input to {@code dimsPerInput}, reallocates all tensors and refreshes every binding. On failure
   * every binding is dropped (tensor memory may have moved), so nothing can touch freed memory.
   *
   * @throws LiteModelException when TensorFlow Lite rejects the shapes
   */
  @Override
  public void resize(int[][] dimsPerInput) {
    try {
      for (int i = 0; i < inputs.length; i++) {
        int[] dims = dimsPerInput[i];
        int status = parts.runner != null
            ? tensorflowlite.TfLiteSignatureRunnerResizeInputTensor(parts.runner, inputName(i), dims, dims.length)
            : tensorflowlite.TfLiteInterpreterResizeInputTensor(parts.interpreter, i, dims, dims.length);
        if (status != 0) {
          throw failure(status, "resizing input '" + inputs[i].name() + "' to " + Arrays.toString(dims) + " failed");
        }
      }
      int status = allocate();
      if (status != 0) {
        throw failure(status, "allocating tensors after a resize failed");
      }
    } catch (RuntimeException e) {
      invalidateBindings();
      throw e;
    }
    allocationProblem = null;
    refreshBindings();
    report = readReport();
  }

  /**
   * Resets the model's state: variable tensors go back to their initial values, and a model that keeps resource
   * variables (initialized once by its init graph) gets a fresh interpreter from the loaded model, since TensorFlow
   * Lite has no other way to run the init graph again. Input shapes are restored by the caller.
   */
  @Override
  public void resetState(boolean rebuild) {
    if (rebuild) {
      rebuild();
      return;
    }
    int status = tensorflowlite.TfLiteInterpreterResetVariableTensors(parts.interpreter);
    if (status != 0) {
      throw failure(status, "resetting the model's variable tensors failed");
    }
  }

  /**
   * Builds a fresh interpreter in place of this one, to give back the memory of a large allocation (TensorFlow Lite's
   * arena never shrinks). The caller resizes to the shapes it wants next.
   */
  @Override
  public void rebuildForShrink() {
    rebuild();
  }

  /** Replaces the native interpreter with a fresh one built the same way; bindings are refreshed, not replaced. */
  private void rebuild() {
    invalidateBindings();
    parts = partsSlot.replace(build(model, options, extraDelegates)); // the old parts go once the new ones exist
    int status = allocate();
    if (status != 0) {
      String why = sinkText(parts.errorSink);
      LiteModelShim.lm_error_sink_clear(parts.errorSink);
      String waiting = waitingForShapes(why);
      if (waiting == null) {
        throw failure(status, "allocating tensors after a reset failed", why);
      }
      allocationProblem = waiting;
      report = readReport();
      return;
    }
    refreshBindings();
    report = readReport();
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

  /**
   * Decides, after each allocation, whether invocations may move tensor memory: when some tensor of the primary graph
   * is dynamic (its shape depends on the data), TensorFlow Lite allocates it during {@code Invoke} and re-plans the
   * arena there, which can move every tensor of the arena, the inputs included.
   */
  private void noteDynamicOutputs() {
    boolean any = false;
    for (TensorBinding output : outputs) {
      any |= !output.stableAddress();
    }
    if (!any && parts.runner == null) {
      int tensors = model.graph().subgraphs().isEmpty() ? 0 : model.graph().subgraphs().get(0).tensors().size();
      for (int t = 0; t < tensors && !any; t++) {
        TfLiteTensor tensor = tensorflowlite.TfLiteInterpreterGetTensor(parts.interpreter, t);
        any = tensor != null && !tensor.isNull() && tensorflowlite.TfLiteTensorGetAllocationStrategy(tensor)
            == tensorflowlite.kTfLiteAllocationStrategyMalloc;
      }
    }
    dynamicOutputs = any && allocationProblem == null;
  }

  /**
   * True when an invocation may move tensor memory (see {@link #noteDynamicOutputs()}): every view must then be
   * checked after each invocation. False for ordinary models, whose tensors stay put between allocations.
   */
  @Override
  public boolean hasDynamicOutputs() {
    return dynamicOutputs;
  }

  /**
   * Rebuilds the views of every input and output whose memory an invocation moved or resized. One JNI call per
   * tensor, allocation-free unless something moved; only for models with dynamic tensors.
   */
  @Override
  public void refreshDynamicOutputs() {
    for (TensorBinding input : inputs) {
      input.refreshIfMoved();
    }
    for (TensorBinding output : outputs) {
      output.refreshIfMoved();
    }
  }

  /** Drops every cached view after a failed reallocation, so nothing can touch memory TensorFlow Lite moved. */
  void invalidateBindings() {
    for (TensorBinding binding : inputs) {
      if (binding != null) {
        binding.invalidate();
      }
    }
    for (TensorBinding binding : outputs) {
      if (binding != null) {
        binding.invalidate();
      }
    }
  }

  /** @return an exception for a failed call, with the native error text collected since the last failure */
  @Override
  public LiteModelException failure(int status, String what) {
    String why = sinkText(parts.errorSink);
    LiteModelShim.lm_error_sink_clear(parts.errorSink);
    return failure(status, what, why);
  }

  private static LiteModelException failure(int status, String what, String why) {
    LiteModelException.Status kind = NativeFailures.classify(status, why);
    return new LiteModelException(kind, what + " (" + kind + ")" + (why.isEmpty() ? "" : ": " + why));
  }

  /** @return what runs where, as read after the last allocation; no native call */
  @Override
  public ExecutionReport report() {
    return report;
  }

  /** @return what runs where, read from the final execution plans */
  private ExecutionReport readReport() {
    List<String> described = new ArrayList<>();
    for (NativeDelegate delegate : parts.delegates) {
      described.add(delegate.describe());
    }
    return ExecutionPlans.report(model.graph(), signatureKey, parts.probe, runsOn, described, notes);
  }

  List<NativeDelegate> delegates() {
    return parts.delegates;
  }

  /** @return what TensorFlow Lite reported while building this interpreter (empty when nothing) */
  public String buildErrors() {
    return buildErrors;
  }

  /** Records what this interpreter runs on and why, for {@link #report()}; set once by the runtime factory ({@code internal.runtime.RuntimeFactory}). */
  public void describeResolution(Accelerator.Kind kind, List<String> resolutionNotes) {
    this.runsOn = kind;
    this.notes = List.copyOf(resolutionNotes);
    this.report = readReport();
  }

  /** Releases everything this interpreter owns, children before parents: its parts, then its model reference. */
  @Override
  public void close() {
    owned.close();
  }
}
