package io.litemodel.internal.litert;

import io.litemodel.Accelerator;
import io.litemodel.ExecutionReport;
import io.litemodel.GpuAccelerator;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.NativeLog;
import io.litemodel.internal.analysis.InputShapes;
import io.litemodel.internal.analysis.ModelGraph;
import io.litemodel.internal.core.InterpreterCalls;
import io.litemodel.internal.core.InterpreterShapes;
import io.litemodel.internal.core.ModelInterpreter;
import io.litemodel.internal.core.NativeScope;
import io.litemodel.internal.core.TensorBinding;
import io.litemodel.internal.tflite.ModelHandle;
import io.litemodel.internal.tflite.NativeInterpreter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The runtime under a {@link LiteModel} on {@link Accelerator#gpu()}: one LiteRT compiled model on LiteRT's GPU
 * accelerator, with its tensors bound for Java as {@link TensorBinding}s over LiteRT's host staging buffers, so that
 * {@link InterpreterShapes} and {@link InterpreterCalls} (batch rules, memory budget, copy loops) are the very ones the
 * CPU path uses.
 *
 * <p><b>The same tensors as on the CPU.</b> LiteRT lists tensors in its first signature's order, by signature names;
 * LiteModel on the CPU lists them in the main graph's order (or a selected signature's, by name). The bindings here are
 * made from the model's graph exactly as the CPU path names and orders them, and each is matched to its LiteRT tensor
 * by name, so that code written against the CPU runs unchanged on the GPU.
 *
 * <p><b>Ownership:</b> one {@link NativeScope} holds a reference to the model and a slot with the compiled model (which
 * {@link #resetState} replaces); {@link #close()} releases both once, compiled model first.
 */
public final class LiteRtInterpreter extends ModelInterpreter {
  /** The kernel name the report gives the GPU's partition. */
  public static final String GPU_PARTITION = "LiteRtGpuAccelerator";

  private final NativeScope owned;
  private final NativeScope.Slot<LiteRtCompiledModel> compiledSlot;
  /** The slot's current compiled model, read directly on the hot path. */
  private LiteRtCompiledModel compiled;
  private final ModelHandle model;
  private final GpuAccelerator gpu;
  private final Path runtimeDir;
  private final VulkanDevice adapter;
  private final String signatureKey;
  private final List<String> signatureKeys;
  private final TensorBinding[] inputs;
  private final TensorBinding[] outputs;
  /** LiteRT's index of each input and output binding. */
  private final int[] inputSlots;
  private final int[] outputSlots;
  private final List<String> resolutionNotes;
  private volatile ExecutionReport report;
  /** Why the buffers are unusable after a failed prepare (calls then fail clearly until a resize), or null. */
  private String broken;

  /** One input or output as the CPU path shows it: its name, its tensor in the graph, its declared shape. */
  private record Port(String name, ModelGraph.Tensor tensor) {}

  private LiteRtInterpreter(NativeScope owned, ModelHandle model, LiteModel.Options options, GpuAccelerator gpu,
      Path runtimeDir, VulkanDevice adapter, List<String> resolutionNotes) {
    this.owned = owned;
    this.compiledSlot = owned.slot(LiteRtCompiledModel::close);
    this.model = model;
    this.gpu = gpu;
    this.runtimeDir = runtimeDir;
    this.adapter = adapter;
    this.signatureKey = options.signature();
    this.signatureKeys = model.graph().signatures().stream().map(ModelGraph.Signature::key).toList();
    this.resolutionNotes = List.copyOf(resolutionNotes);
    this.compiled = compiledSlot.replace(compile());
    List<Port> inputPorts = ports(model.graph(), signatureKey, true);
    List<Port> outputPorts = ports(model.graph(), signatureKey, false);
    this.inputs = bindings(inputPorts);
    this.outputs = bindings(outputPorts);
    this.inputSlots = slots(inputPorts, false);
    this.outputSlots = slots(outputPorts, true);
    int[] storedFirstInput = inputPorts.isEmpty() ? new int[0] : inputPorts.get(0).tensor().shape();
    prepareAndBind(storedFirstInput.length > 0 ? Math.max(1, storedFirstInput[0]) : 1);
    this.report = readReport();
  }

  /**
   * Compiles {@code model} for LiteRT's GPU accelerator, taking one reference to it (released by {@link #close()}).
   * Any reason the GPU path cannot run the model is {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE}, with the
   * reason, so that AUTO can run it on the CPU instead.
   *
   * @param notes what the report should say about how this accelerator was chosen
   * @throws LiteModelException with {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} when LiteRT's natives
   *     are missing, no suitable Vulkan device is listed, a signature other than the first is selected, the model is
   *     one LiteModel keeps off the GPU ({@link #refuseBeforeCompiling}), or LiteRT cannot take it (its message says
   *     why)
   */
  public static LiteRtInterpreter create(ModelHandle model, LiteModel.Options options, GpuAccelerator gpu,
      List<String> notes) {
    refuseBeforeCompiling(model, options.signature());
    Path runtimeDir;
    try {
      runtimeDir = LiteRtRuntime.ensureBound();
    } catch (LiteModelException e) { // e.g. the JNI shim missing: for the caller, the GPU is unavailable
      throw e.status() == LiteModelException.Status.ACCELERATOR_UNAVAILABLE ? e
          : unavailable("LiteRT cannot be used: " + e.getMessage(), e);
    }
    List<VulkanDevice> devices = LiteRtRuntime.vulkanDevices();
    VulkanDevice adapter = chooseAdapter(devices, gpu.softwareAdapter());
    NativeScope owned = new NativeScope();
    try {
      owned.own(model.acquire(), ModelHandle::release);
      LiteRtInterpreter built = new LiteRtInterpreter(owned, model, options, gpu, runtimeDir, adapter, notes);
      built.checkSelectedAdapter(devices);
      return built;
    } catch (LiteModelException e) {
      owned.closeAfter(e); // the compiled model first, then the model reference
      throw e.status() == LiteModelException.Status.ACCELERATOR_UNAVAILABLE ? e
          : unavailable("LiteRT's GPU path cannot run this model: " + e.getMessage(), e);
    } catch (IllegalArgumentException | IllegalStateException e) {
      owned.closeAfter(e);
      throw unavailable("LiteRT's GPU path cannot run this model: " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      owned.closeAfter(e);
      throw e;
    }
  }

  private static LiteModelException unavailable(String message, Throwable cause) {
    return new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, message, cause);
  }

  /**
   * Refuses, before anything is compiled: a signature other than the first (LiteRT runs that one); a model whose
   * stored input shapes TensorFlow Lite's own kernels rejected at load or cannot allocate (LiteRT compiles at the
   * stored shapes, and no known-bad graph may reach a runtime: see {@link ModelHandle#deferredCheck()}); and the
   * models LiteRT is known to get wrong ({@link #refuseKnownWrongResults}).
   */
  private static void refuseBeforeCompiling(ModelHandle model, String signatureKey) {
    List<ModelGraph.Signature> signatures = model.graph().signatures();
    if (signatureKey != null && (signatures.isEmpty() || !signatures.get(0).key().equals(signatureKey))) {
      throw new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, "LiteRT's GPU path runs the "
          + "model's first signature" + (signatures.isEmpty() ? " (this model declares none)"
              : " ('" + signatures.get(0).key() + "')") + ", not '" + signatureKey + "'");
    }
    if (model.deferredCheck() != null) {
      throw new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, "the model's operators reject "
          + "its stored input shapes (" + model.deferredCheck() + "), and LiteRT compiles at those shapes");
    }
    for (Port port : ports(model.graph(), signatureKey, true)) {
      int[] declared = port.tensor().declaredShape();
      if (!InputShapes.allocatable(port.tensor().shape(), declared)) {
        throw new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, "input '" + port.name()
            + "' has no usable stored shape (" + Arrays.toString(port.tensor().shape()) + ", declared "
            + Arrays.toString(declared) + "), and LiteRT compiles at the stored shapes");
      }
    }
    refuseKnownWrongResults(model.graph());
  }

  /**
   * Dawn picks the adapter itself and says which in its log: a software one where none was allowed is refused, so
   * that neither {@code gpu()} nor AUTO ever runs on SwiftShader or lavapipe unasked.
   */
  private void checkSelectedAdapter(List<VulkanDevice> devices) {
    String selected = LiteRtCompileLog.parse(compiled.compileLog()).selectedAdapter();
    if (selected == null || gpu.softwareAdapter()) {
      return;
    }
    for (VulkanDevice device : devices) {
      if (device.name().equals(selected) && !device.hardware()) {
        throw new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, "LiteRT selected "
            + device.describe() + ", a software implementation, although " + adapter.describe() + " is listed");
      }
    }
  }

  /**
   * Refuses the models LiteRT 2.3's GPU path is known to get wrong. Sparse weights (the graph densifies them at run
   * time): with the GPU accelerator and its CPU fallback, LiteRT's own Python API returns outputs off by up to 1e31
   * on MediaPipe's face_detection_full_range_sparse, where its CPU path alone is exact (found by
   * {@code GpuPublicModelTest}). Such a model is "unavailable" for the GPU, so AUTO runs it on the CPU.
   *
   * @throws LiteModelException with {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} for such a model
   */
  static void refuseKnownWrongResults(ModelGraph graph) {
    long sparse = graph.subgraphs().stream().flatMap(subgraph -> subgraph.tensors().stream())
        .filter(ModelGraph.Tensor::sparse).count();
    if (sparse > 0) {
      throw new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, "the model has " + sparse
          + " sparse tensor(s); LiteRT 2.3's GPU path returns wrong results for sparse models (its own Python API "
          + "too), so LiteModel runs them on the CPU only");
    }
  }

  /**
   * Picks the adapter Dawn will prefer (discrete, integrated, virtual, then software).
   *
   * @throws LiteModelException with {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} when none is listed, or
   *     only a software one and {@code allowSoftware} is false
   */
  public static VulkanDevice chooseAdapter(List<VulkanDevice> devices, boolean allowSoftware) {
    if (devices.isEmpty()) {
      throw new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE,
          "no Vulkan device: " + LiteRtRuntime.vulkanProblem() + ". Install the GPU vendor's Vulkan driver "
              + "(NVIDIA: the driver's libnvidia-gl / nvidia_icd.json) and the Vulkan loader (libvulkan1)");
    }
    VulkanDevice best = devices.stream().min(Comparator.comparingInt(VulkanDevice::preference)).orElseThrow();
    if (!best.hardware() && !allowSoftware) {
      throw new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE,
          "no hardware Vulkan device; only " + best.describe() + ", a software implementation (correct, not fast). "
              + "Use Accelerator.gpu().withSoftwareAdapter(true) to run on it anyway");
    }
    return best;
  }

  private LiteRtCompiledModel compile() {
    int accelerators = LiteRtCompiledModel.HW_GPU | (gpu.cpuFallback() ? LiteRtCompiledModel.HW_CPU : 0);
    LiteRtCompiledModel fresh = LiteRtCompiledModel.open(runtimeDir, model.bytes(), model.size(), accelerators);
    LiteRtCompileLog.passOn(fresh.compileLog(), NativeLog.current(), System.err);
    return fresh;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Tensors, named and ordered as the CPU path does

  /**
   * @return the inputs (or outputs) as LiteModel on the CPU lists them: a selected signature's, in name order (as
   *     TensorFlow Lite's signature runner lists them); else the main graph's, in its order, named by the model's
   *     only signature when it names them all, else by tensor name
   */
  private static List<Port> ports(ModelGraph graph, String signatureKey, boolean inputs) {
    List<Port> ports = new ArrayList<>();
    if (signatureKey != null) {
      ModelGraph.Signature signature = signature(graph, signatureKey);
      List<ModelGraph.Tensor> tensors = graph.subgraphs().get(signature.subgraph()).tensors();
      List<String> names = inputs ? signature.inputNames() : signature.outputNames();
      int[] indices = inputs ? signature.inputTensors() : signature.outputTensors();
      for (int i = 0; i < names.size(); i++) {
        ports.add(new Port(names.get(i), tensors.get(indices[i])));
      }
      ports.sort(Comparator.comparing(Port::name));
      return ports;
    }
    ModelGraph.Subgraph main = graph.subgraphs().get(0);
    int[] indices = inputs ? main.inputs() : main.outputs();
    String[] aliases = graph.signatures().size() == 1 ? aliases(graph.signatures().get(0), indices, inputs) : null;
    for (int i = 0; i < indices.length; i++) {
      ModelGraph.Tensor tensor = main.tensors().get(indices[i]);
      ports.add(new Port(aliases != null ? aliases[i] : tensor.name(), tensor));
    }
    return ports;
  }

  /** @return the signature's name for each main-graph tensor, or null unless it names every one of them */
  private static String[] aliases(ModelGraph.Signature signature, int[] indices, boolean inputs) {
    int[] named = inputs ? signature.inputTensors() : signature.outputTensors();
    List<String> names = inputs ? signature.inputNames() : signature.outputNames();
    if (signature.subgraph() != 0 || named.length != indices.length) {
      return null;
    }
    String[] aliases = new String[indices.length];
    for (int i = 0; i < indices.length; i++) {
      for (int j = 0; j < named.length; j++) {
        if (named[j] == indices[i]) {
          aliases[i] = names.get(j);
        }
      }
      if (aliases[i] == null) {
        return null;
      }
    }
    return aliases;
  }

  private static ModelGraph.Signature signature(ModelGraph graph, String key) {
    return graph.signatures().stream().filter(s -> s.key().equals(key)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the model has no signature '" + key + "'"));
  }

  private static TensorBinding[] bindings(List<Port> ports) {
    TensorBinding[] bindings = new TensorBinding[ports.size()];
    for (int i = 0; i < bindings.length; i++) {
      Port port = ports.get(i);
      bindings[i] = new TensorBinding(i, port.name(), port.tensor().name(), port.tensor().declaredShape());
    }
    return bindings;
  }

  /**
   * @return LiteRT's index of each port: LiteRT names its first signature's tensors by the signature's names, or by
   *     tensor names when the model declares no signature
   * @throws LiteModelException with {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} when a port has no
   *     LiteRT tensor of its name
   */
  private int[] slots(List<Port> ports, boolean output) {
    int count = output ? compiled.outputCount() : compiled.inputCount();
    if (count != ports.size()) {
      throw unmatched(output, "LiteRT lists " + count + ", the model " + ports.size());
    }
    ModelGraph.Signature first = model.graph().signatures().isEmpty() ? null : model.graph().signatures().get(0);
    int[] slots = new int[ports.size()];
    for (int i = 0; i < slots.length; i++) {
      String wanted = ports.get(i).tensor().name();
      if (first != null) {
        int[] tensors = output ? first.outputTensors() : first.inputTensors();
        List<String> names = output ? first.outputNames() : first.inputNames();
        for (int j = 0; j < tensors.length; j++) {
          if (model.graph().subgraphs().get(first.subgraph()).tensors().get(tensors[j]) == ports.get(i).tensor()) {
            wanted = names.get(j);
          }
        }
      }
      slots[i] = -1;
      for (int j = 0; j < count; j++) {
        if (compiled.name(output, j).equals(wanted)) {
          if (slots[i] >= 0) {
            throw unmatched(output, "two LiteRT tensors are named '" + wanted + "'");
          }
          slots[i] = j;
        }
      }
      if (slots[i] < 0) {
        throw unmatched(output, "no LiteRT tensor is named '" + wanted + "'");
      }
      for (int k = 0; k < i; k++) {
        if (slots[k] == slots[i]) {
          throw unmatched(output, "two of the model's tensors match LiteRT's '" + wanted + "'");
        }
      }
    }
    return slots;
  }

  private static LiteModelException unmatched(boolean output, String why) {
    return new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE,
        "LiteRT's " + (output ? "outputs" : "inputs") + " do not match the model's: " + why);
  }

  /** Makes LiteRT's buffers for {@code batch} rows and points every binding at them. */
  private void prepareAndBind(int batch) {
    try {
      broken = null;
      compiled.prepare(batch);
      for (int i = 0; i < inputs.length; i++) {
        inputs[i].bindHost(compiled.view(false, inputSlots[i]), compiled.shape(false, inputSlots[i]));
      }
      for (int i = 0; i < outputs.length; i++) {
        outputs[i].bindHost(compiled.view(true, outputSlots[i]), compiled.shape(true, outputSlots[i]));
      }
    } catch (RuntimeException e) {
      invalidateBindings(); // the old buffers are gone: nothing may write to them
      broken = "LiteRT could not make buffers for a batch of " + batch + " (" + e.getMessage() + "); resize the "
          + "input (or run another batch size) to try again";
      throw e;
    }
  }

  private void invalidateBindings() {
    for (TensorBinding binding : inputs) {
      binding.invalidate();
    }
    for (TensorBinding binding : outputs) {
      binding.invalidate();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // ModelInterpreter

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

  @Override
  public String allocationProblem() {
    return broken; // buffers are made at load, for the stored batch; only a failed prepare leaves none
  }

  @Override
  public int invoke() {
    return compiled.run();
  }

  @Override
  public LiteModelException failure(int status, String what) {
    return new LiteModelException(LiteModelException.Status.DELEGATE_ERROR,
        what + " on LiteRT's GPU accelerator (status " + status + "): " + compiled.message());
  }

  @Override
  public boolean hasDynamicOutputs() {
    return false; // the staging buffers only change in prepareAndBind
  }

  @Override
  public void refreshDynamicOutputs() {
    // Never called: hasDynamicOutputs() is false.
  }

  /**
   * Nothing to check, and no TensorFlow Lite interpreter to build for it: a model whose stored shapes its operators
   * rejected at load never reaches LiteRT ({@link #refuseBeforeCompiling}), and for every other model the load-time
   * safety preparation stands for every shape, as on the CPU path ({@link NativeInterpreter#checkShapes}).
   */
  @Override
  public void checkShapes(int[][] dimsPerInput) {
    // See the method comment.
  }

  /**
   * Only the batch dimension can change on LiteRT's GPU path, by the same count for every input whose batch is
   * dynamic: the buffers are remade for it.
   *
   * @throws IllegalArgumentException for any other change
   */
  @Override
  public void resize(int[][] dimsPerInput) {
    int batch = -1;
    for (int i = 0; i < inputs.length; i++) {
      int[] wanted = dimsPerInput[i];
      int[] current = inputs[i].shapeView();
      if (Arrays.equals(wanted, current) && !inputs[i].dynamicBatch()) {
        continue; // unchanged, whatever its rank
      }
      boolean sameRest = wanted.length == current.length && wanted.length > 0
          && Arrays.equals(wanted, 1, wanted.length, current, 1, current.length);
      boolean batchMayChange = inputs[i].dynamicBatch() || wanted[0] == current[0];
      if (!sameRest || !batchMayChange || (batch >= 0 && inputs[i].dynamicBatch() && wanted[0] != batch)) {
        throw new IllegalArgumentException("LiteRT's GPU path can only change the batch (first) dimension, by the "
            + "same count for every input at once (a multi-input model changes its batch through run or predict); "
            + "input '" + inputs[i].name() + "' is " + Arrays.toString(current)
            + ", asked " + Arrays.toString(wanted) + " (declared " + Arrays.toString(inputs[i].shapeSignatureView())
            + ")");
      }
      if (inputs[i].dynamicBatch()) {
        batch = wanted[0];
      }
    }
    prepareAndBind(batch >= 1 ? batch : Math.max(1, compiled.batch()));
    report = readReport();
  }

  /** Nothing to give back: {@link #resize} frees the previous batch's buffers before it makes the next ones. */
  @Override
  public void rebuildForShrink() {
    // LiteRT keeps no arena of ours that outgrows the batch; see the method comment.
  }

  /**
   * A model without variables has no state: nothing to do. One with variables is compiled again (the only reset
   * LiteRT offers), into a new compiled model first, so that a failure leaves the old one working.
   */
  @Override
  public void resetState(boolean rebuild) {
    boolean stateful = model.graph().hasResourceVariables() || model.graph().subgraphs().stream()
        .anyMatch(subgraph -> subgraph.tensors().stream().anyMatch(ModelGraph.Tensor::variable));
    if (!stateful) {
      return;
    }
    int batch = Math.max(1, compiled.batch());
    LiteRtCompiledModel fresh = compile();
    invalidateBindings();
    compiled = compiledSlot.replace(fresh); // the old compiled model goes once the new one exists
    prepareAndBind(batch);
    report = readReport();
  }

  @Override
  public ExecutionReport report() {
    return report;
  }

  /**
   * @return true when LiteRT put at least one operator on the GPU: all of them, or a count its log gave (AUTO keeps
   *     the GPU only then; a compiled model that runs wholly on LiteRT's CPU is no GPU)
   */
  public boolean gpuTookSomething() {
    return compiled.fullyAccelerated() || LiteRtCompileLog.parse(compiled.compileLog()).gpuOperators() > 0;
  }

  /**
   * @return what runs where: every operator on the GPU, or those LiteRT reported leaving to its CPU accelerator
   *     (read from what it printed while compiling, see {@link LiteRtCompileLog}), on which adapter
   */
  private ExecutionReport readReport() {
    ModelGraph graph = model.graph();
    int primaryIndex = graph.primarySubgraph(signatureKey);
    ExecutionReport.Role[] roles = graph.roles(signatureKey);
    LiteRtCompileLog log = LiteRtCompileLog.parse(compiled.compileLog());
    boolean full = compiled.fullyAccelerated();
    List<ExecutionReport.Subgraph> subgraphs = new ArrayList<>();
    ExecutionReport.Subgraph primary = null;
    List<String> notes = new ArrayList<>(resolutionNotes);
    for (ModelGraph.Subgraph declared : graph.subgraphs()) {
      List<String> names = new ArrayList<>();
      for (ModelGraph.Operator operator : declared.operators()) {
        names.add(graph.operatorName(operator));
      }
      if (declared.index() != primaryIndex) {
        subgraphs.add(new ExecutionReport.Subgraph(declared.index(), declared.name(), roles[declared.index()],
            names.size(), false, 0, 0, List.of(), names));
        continue;
      }
      List<String> onCpu = new ArrayList<>();
      if (!full) {
        List<String> types = log.unsupportedTypes();
        for (String name : names) {
          if (types.contains(name)) {
            onCpu.add(name);
          }
        }
      }
      // Unknown when LiteRT says "not all" without its counts: then none is claimed for the GPU.
      int onGpu = full ? names.size() : Math.max(0, log.gpuOperators());
      primary = new ExecutionReport.Subgraph(declared.index(), declared.name(), roles[declared.index()],
          names.size(), true, onGpu > 0 ? 1 : 0, onGpu, onGpu > 0 ? List.of(GPU_PARTITION) : List.of(), onCpu);
      subgraphs.add(primary);
    }
    if (primary == null) {
      primary = new ExecutionReport.Subgraph(primaryIndex, "", ExecutionReport.Role.PRIMARY, 0, false, 0, 0,
          List.of(), List.of());
    }
    if (!adapter.hardware()) {
      notes.add("the GPU adapter is a software Vulkan implementation: correct, not fast");
    }
    if (!full) {
      notes.add("LiteRT's GPU accelerator did not take every operator; the rest run on LiteRT's CPU accelerator"
          + (log.cpuOperators() >= 0 ? " (" + log.gpuOperators() + " on the GPU, " + log.cpuOperators()
              + " on the CPU)" : " (LiteRT did not say how many)")
          + (log.unsupported().isEmpty() ? "; LiteRT did not say which"
              : ": " + String.join(" ", log.unsupported())));
    }
    String ran = adapter.describe();
    if (log.selectedAdapter() != null && !log.selectedAdapter().equals(adapter.name())) {
      ran = log.selectedAdapter() + " (Vulkan, as Dawn selected it)";
      notes.add("Dawn selected " + log.selectedAdapter() + ", not " + adapter.describe()
          + ", the device LiteModel checked");
    }
    List<String> delegates = List.of("LiteRT GPU accelerator (WebGPU over Vulkan; "
        + runtimeDir.resolve(LiteRtRuntime.LIBRARY) + ", " + runtimeDir.resolve(LiteRtRuntime.GPU_ACCELERATOR_LIBRARY)
        + ")" + (gpu.cpuFallback() ? " + LiteRT CPU accelerator" : ""));
    return new ExecutionReport(Accelerator.Kind.GPU, delegates, -1, primary, subgraphs, notes, ran, full);
  }

  @Override
  public void close() {
    owned.close();
  }
}
