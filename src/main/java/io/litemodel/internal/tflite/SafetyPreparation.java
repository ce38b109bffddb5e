package io.litemodel.internal.tflite;

import io.litemodel.internal.analysis.CustomOperators;
import io.litemodel.internal.analysis.InputShapes;
import io.litemodel.internal.analysis.ModelGraph;
import io.litemodel.internal.core.NativeScope;
import io.litemodel.internal.core.NativeText;
import io.litemodel.internal.presets.LiteModelShim;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.TfLiteInterpreter;
import org.bytedeco.tensorflowlite.TfLiteInterpreterOptions;
import org.bytedeco.tensorflowlite.TfLiteModel;
import org.bytedeco.tensorflowlite.TfLiteOperator;
import org.bytedeco.tensorflowlite.TfLiteSignatureRunner;
import org.bytedeco.tensorflowlite.global.tensorflowlite;

/**
 * The load-time safety preparation: a throw-away interpreter with only the built-in kernels, whose tensors are
 * allocated once, which runs every operator's own shape and type checks before any delegate sees the graph.
 *
 * <p>Why: the flatbuffer verifier checks structure, not meaning, and delegates such as XNNPACK trust the graph they
 * are given (in a fuzzing round, corrupt models that the verifier accepted aborted the process inside XNNPACK's graph
 * optimizer, while the built-in kernels rejected each of them with a message).
 *
 * <p>Custom operators without a built-in kernel are not a reason to reject a model: a delegate may claim them (the
 * XNNPACK delegate runs {@code Convolution2DTransposeBias}, for example). Each one found is given a stand-in
 * kernel that accepts its node as declared, so that the rest of the graph is still checked, and the preparation is
 * run again; whether a delegate really claims it is decided when the real interpreter is built (see
 * {@link NativeInterpreter}), which then names every operator left unresolved. Inputs whose declared default shape
 * cannot be allocated (a {@code [-1, -1]} input stored with an empty shape) are checked at 1 for every dynamic
 * dimension. Done once per loaded model; replicas reuse the verdict.
 */
final class SafetyPreparation {
  /** TensorFlow Lite's report for a custom operator without a kernel, naming it. */
  private static final Pattern UNRESOLVED = Pattern.compile("Encountered unresolved custom op: (\\S+?)\\.(?:[\\s;]|$)");

  private final String rejection;
  private final CustomOperators unresolved;
  private final Set<String> standIns;
  private final String deferred;

  private SafetyPreparation(String rejection, CustomOperators unresolved, Set<String> standIns, String deferred) {
    this.rejection = rejection;
    this.unresolved = unresolved;
    this.standIns = Set.copyOf(standIns);
    this.deferred = deferred;
  }

  /**
   * @return why the model could not be prepared at its stored default shapes although it declares dynamic input
   *     dimensions (its operators reject those shapes, as an audio front end rejects one sample), or null when it was
   *     prepared; such a model loads, and each input shape it is given is checked with {@link #checkAt} first
   */
  String deferred() {
    return deferred;
  }

  /** @return the custom operators that got a stand-in kernel (for {@link #checkAt}) */
  Set<String> standIns() {
    return standIns;
  }

  /** @return TensorFlow Lite's reason to reject the model, or null when it prepared cleanly */
  String rejection() {
    return rejection;
  }

  /** @return the custom operators this build has no kernel for */
  CustomOperators unresolved() {
    return unresolved;
  }

  /**
   * Prepares {@code model} with the built-in kernels, giving each custom operator without a kernel a stand-in.
   *
   * @param sink the error sink the model reports into
   */
  static SafetyPreparation run(TfLiteModel model, Pointer sink, ModelGraph graph) {
    Set<String> customNames = customNames(graph);
    Set<String> standIns = new LinkedHashSet<>();
    // Each round either succeeds, fails for a reason other than a missing custom kernel, or finds a new one.
    for (int round = 0; round <= customNames.size(); round++) {
      LiteModelShim.lm_error_sink_clear(sink);
      int status = prepareOnce(model, sink, graph, standIns);
      if (status == 0) {
        return new SafetyPreparation(null, CustomOperators.unresolved(graph, standIns), standIns, null);
      }
      String text = NativeText.sinkText(sink);
      if (status != tensorflowlite.kTfLiteUnresolvedOps || !standIns.addAll(missing(text, customNames,
          standIns))) {
        String reason = text.isEmpty() ? "allocating tensors failed (status " + status + ")" : text;
        CustomOperators unresolved = CustomOperators.unresolved(graph, standIns);
        return hasDynamicInputs(graph)
            ? new SafetyPreparation(null, unresolved, standIns, reason)
            : new SafetyPreparation(reason, unresolved, standIns, null);
      }
    }
    return new SafetyPreparation("custom operators stay unresolved: " + standIns,
        CustomOperators.unresolved(graph, standIns), standIns, null);
  }

  /** @return true when some input of the main graph declares a dynamic dimension */
  private static boolean hasDynamicInputs(ModelGraph graph) {
    if (graph.subgraphs().isEmpty()) {
      return false;
    }
    ModelGraph.Subgraph main = graph.subgraphs().get(0);
    for (int input : main.inputs()) {
      if (input >= 0 && input < main.tensors().size()) {
        int[] signature = main.tensors().get(input).shapeSignature();
        if (signature != null && InputShapes.hasDynamic(signature)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The safety preparation at given input shapes, for a model whose default shapes could not be prepared: a
   * throw-away interpreter with the built-in kernels (and the same standIns) is resized to them and allocated.
   *
   * @param signatureKey the signature whose inputs {@code names} are, or null for the main graph's tensor names
   * @param names the inputs to resize
   * @param dims their shapes
   * @return null when the operators accept the shapes, else TensorFlow Lite's reason
   */
  static String checkAt(TfLiteModel model, Pointer sink, ModelGraph graph, Set<String> standIns,
      String signatureKey, String[] names, int[][] dims) {
    LiteModelShim.lm_error_sink_clear(sink);
    try (NativeScope owned = new NativeScope()) {
      TfLiteInterpreter interpreter = checkingInterpreter(owned, model, sink, graph, standIns);
      if (interpreter == null) {
        return reason(sink, tensorflowlite.kTfLiteError);
      }
      int status = signatureKey == null ? resizeMain(interpreter, names, dims)
          : resizeSignature(interpreter, signatureKey, names, dims);
      return status == 0 ? null : reason(sink, status);
    }
  }

  private static int resizeMain(TfLiteInterpreter interpreter, String[] names, int[][] dims) {
    int count = tensorflowlite.TfLiteInterpreterGetInputTensorCount(interpreter);
    for (int i = 0; i < count; i++) {
      String name = tensorflowlite.TfLiteTensorName(tensorflowlite.TfLiteInterpreterGetInputTensor(interpreter, i))
          .getString();
      for (int n = 0; n < names.length; n++) {
        if (names[n].equals(name)) {
          int status = tensorflowlite.TfLiteInterpreterResizeInputTensor(interpreter, i, dims[n], dims[n].length);
          if (status != 0) {
            return status;
          }
        }
      }
    }
    return tensorflowlite.TfLiteInterpreterAllocateTensors(interpreter);
  }

  private static int resizeSignature(TfLiteInterpreter interpreter, String key, String[] names, int[][] dims) {
    try (NativeScope owned = new NativeScope()) {
      TfLiteSignatureRunner runner = owned.own(tensorflowlite.TfLiteInterpreterGetSignatureRunner(interpreter, key),
          tensorflowlite::TfLiteSignatureRunnerDelete);
      if (runner == null || runner.isNull()) {
        return tensorflowlite.kTfLiteError;
      }
      for (int n = 0; n < names.length; n++) {
        int status = tensorflowlite.TfLiteSignatureRunnerResizeInputTensor(runner, names[n], dims[n],
            dims[n].length);
        if (status != 0) {
          return status;
        }
      }
      return tensorflowlite.TfLiteSignatureRunnerAllocateTensors(runner);
    }
  }

  private static String reason(Pointer sink, int status) {
    String text = NativeText.sinkText(sink);
    return text.isEmpty() ? "allocating tensors failed (status " + status + ")" : text;
  }

  /**
   * @return the custom operators the report names as missing; when it names none it recognizably can (TensorFlow's
   *     Flex operators are reported without names), every custom operator that has no stand-in yet
   */
  private static Set<String> missing(String report, Set<String> customNames, Set<String> standIns) {
    Set<String> found = new LinkedHashSet<>();
    Matcher matcher = UNRESOLVED.matcher(report);
    while (matcher.find()) {
      if (customNames.contains(matcher.group(1))) {
        found.add(matcher.group(1));
      }
    }
    if (found.isEmpty()) {
      for (String name : customNames) {
        if (!standIns.contains(name)) {
          found.add(name);
        }
      }
    }
    return found;
  }

  private static Set<String> customNames(ModelGraph graph) {
    Set<String> names = new LinkedHashSet<>();
    for (ModelGraph.OperatorCode code : graph.operatorCodes()) {
      if (code.isCustom() && code.customName() != null) {
        names.add(code.customName());
      }
    }
    return names;
  }

  /** @return the status of allocating tensors (0 when the model prepared), or 1 when no interpreter was built */
  private static int prepareOnce(TfLiteModel model, Pointer sink, ModelGraph graph, Set<String> standIns) {
    try (NativeScope owned = new NativeScope()) {
      TfLiteInterpreter interpreter = checkingInterpreter(owned, model, sink, graph, standIns);
      if (interpreter == null) {
        return tensorflowlite.kTfLiteError;
      }
      resizeUnallocatableInputs(interpreter, graph);
      int status = tensorflowlite.TfLiteInterpreterAllocateTensors(interpreter);
      return status != 0 ? status : prepareSignatures(interpreter, graph);
    }
  }

  /**
   * Allocates the tensors of every signature's subgraph other than the primary one. Allocating the interpreter's
   * tensors prepares only its primary subgraph (and the subgraphs its control-flow operators call), while delegates
   * are applied to every subgraph: a corrupt second signature's subgraph reached XNNPACK unchecked and aborted the
   * process. Signatures of the primary subgraph (most models have one) cost nothing here.
   *
   * @return 0, or the status of the first signature that failed (its reason is in the error sink)
   */
  private static int prepareSignatures(TfLiteInterpreter interpreter, ModelGraph graph) {
    int count = tensorflowlite.TfLiteInterpreterGetSignatureCount(interpreter);
    for (int i = 0; i < count; i++) {
      BytePointer key = tensorflowlite.TfLiteInterpreterGetSignatureKey(interpreter, i);
      if (graph.primarySubgraph(key.getString()) == 0) {
        continue; // already allocated with the interpreter
      }
      TfLiteSignatureRunner runner = tensorflowlite.TfLiteInterpreterGetSignatureRunner(interpreter, key);
      if (runner == null || runner.isNull()) {
        return tensorflowlite.kTfLiteError;
      }
      try {
        resizeUnallocatableInputs(runner, graph, key.getString());
        int status = tensorflowlite.TfLiteSignatureRunnerAllocateTensors(runner);
        if (status != 0) {
          return status;
        }
      } finally {
        tensorflowlite.TfLiteSignatureRunnerDelete(runner);
      }
    }
    return 0;
  }

  /** Like {@link #resizeUnallocatableInputs(TfLiteInterpreter, ModelGraph)}, for a signature's inputs. */
  private static void resizeUnallocatableInputs(TfLiteSignatureRunner runner, ModelGraph graph, String key) {
    for (ModelGraph.Signature signature : graph.signatures()) {
      if (!signature.key().equals(key) || signature.subgraph() >= graph.subgraphs().size()) {
        continue;
      }
      List<ModelGraph.Tensor> tensors = graph.subgraphs().get(signature.subgraph()).tensors();
      for (int i = 0; i < signature.inputTensors().length; i++) {
        int tensor = signature.inputTensors()[i];
        int[] check = tensor >= 0 && tensor < tensors.size() ? InputShapes.checkShape(tensors.get(tensor)) : null;
        if (check != null) {
          tensorflowlite.TfLiteSignatureRunnerResizeInputTensor(runner, signature.inputNames().get(i), check,
              check.length);
        }
      }
    }
  }

  /**
   * Builds a throw-away interpreter with the built-in kernels and a kernel for each custom operator in
   * {@code standIns} that accepts its node as declared. Everything it creates is owned by {@code owned}, which
   * releases it last created first: the interpreter, each operator before the name it points to, the options.
   *
   * @return the interpreter, or null when TensorFlow Lite built none (the reason is in {@code sink})
   */
  private static TfLiteInterpreter checkingInterpreter(NativeScope owned, TfLiteModel model, Pointer sink,
      ModelGraph graph, Set<String> standIns) {
    TfLiteInterpreterOptions options = owned.own(tensorflowlite.TfLiteInterpreterOptionsCreate(),
        tensorflowlite::TfLiteInterpreterOptionsDelete);
    LiteModelShim.lm_options_set_error_sink(options, sink);
    for (ModelGraph.OperatorCode code : graph.operatorCodes()) {
      if (code.isCustom() && standIns.contains(code.customName())) {
        // TensorFlow Lite keeps the name pointer: it must live as long as the operator.
        BytePointer name = owned.own(new BytePointer(code.customName()), BytePointer::close);
        TfLiteOperator operator = owned.own(tensorflowlite.TfLiteOperatorCreate(ModelGraph.BUILTIN_CUSTOM, name,
            code.version(), null), tensorflowlite::TfLiteOperatorDelete);
        tensorflowlite.TfLiteInterpreterOptionsAddOperator(options, operator);
      }
    }
    TfLiteInterpreter interpreter = owned.own(tensorflowlite.TfLiteInterpreterCreate(model, options),
        tensorflowlite::TfLiteInterpreterDelete);
    return interpreter == null || interpreter.isNull() ? null : interpreter;
  }

  /** Sets every dynamic dimension of an input whose default shape cannot be allocated to 1, for the check. */
  private static void resizeUnallocatableInputs(TfLiteInterpreter interpreter, ModelGraph graph) {
    if (graph.subgraphs().isEmpty()) {
      return;
    }
    ModelGraph.Subgraph main = graph.subgraphs().get(0);
    int count = tensorflowlite.TfLiteInterpreterGetInputTensorCount(interpreter);
    for (int i = 0; i < count && i < main.inputs().length; i++) {
      int tensor = main.inputs()[i];
      if (tensor < 0 || tensor >= main.tensors().size()) {
        continue;
      }
      int[] check = InputShapes.checkShape(main.tensors().get(tensor));
      if (check != null) {
        tensorflowlite.TfLiteInterpreterResizeInputTensor(interpreter, i, check, check.length);
      }
    }
  }
}
