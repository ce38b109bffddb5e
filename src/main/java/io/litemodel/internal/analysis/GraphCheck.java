package io.litemodel.internal.analysis;

import io.litemodel.LiteModelException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the meaning of every subgraph of a model before any interpreter is built: the graph invariants that the
 * flatbuffer verifier does not look at, that TensorFlow Lite's own kernels check only in part (and only for the
 * subgraphs they prepare), and that the XNNPACK delegate assumes without checking.
 *
 * <p>Why each rule exists: a schema-aware fuzzer (src/test/python/modelfuzz) made models that stay valid
 * flatbuffers but break one of these invariants, and each broken one aborted or crashed the JVM, in XNNPACK's graph
 * optimizer while the interpreter was built, or in a kernel at invoke. The rules, all per subgraph:
 * <ul>
 *   <li>every operator input is produced by an earlier operator, or is a constant, a variable, a subgraph input or
 *       a tensor with no elements; outputs are written once, never into a constant or a subgraph input;
 *   <li>every operator's result is used (read by a later operator or an output of the subgraph), unless the operator
 *       has no outputs or writes a variable; XNNPACK aborts on a delegated part whose results nobody reads;
 *   <li>every subgraph output is produced by an operator, or is a subgraph input, a constant or a variable;
 *       subgraph inputs are not constants;
 *   <li>ranks are at most {@value #MAX_RANK} (XNNPACK's {@code XNN_MAX_TENSOR_DIMS}, and the most TensorFlow Lite's
 *       kernels handle);
 *   <li>quantization scales are finite and positive, zero points fit the tensor's type, there are as many zero points
 *       as scales, and per-channel parameters match the size of their quantized dimension;
 *   <li>constant data is at least as large as the tensor's declared shape needs;
 *   <li>arithmetic operators read and write numeric types only, and element-wise ones write the type they read;
 *   <li>common builtins have at least the inputs their kernels and XNNPACK read, and an output; inputs are left out
 *       ({@code -1}) only where the kernel checks for that (biases, recurrent cells' optional inputs); SPLIT's axis
 *       is a constant; convolution and pooling paddings are SAME or VALID;
 *   <li>a STRIDED_SLICE of a static input with constant begin, end and strides declares the shape they cut (XNNPACK
 *       writes that shape into the declared one; a larger one, assigned to a resource variable, corrupted the heap);
 *   <li>custom operator codes name the custom operator, and custom operators that parse their options (those
 *       TensorFlow Lite registers among its built-in kernels) have options.
 * </ul>
 * Every failure names the subgraph, the operator and the tensor. Sizes are left to {@link MemoryBudget}, which
 * {@code ModelHandle} applies right after these checks.
 */
public final class GraphCheck {
  /** The highest rank accepted: XNNPACK's {@code XNN_MAX_TENSOR_DIMS}. */
  static final int MAX_RANK = 6;

  // TensorType codes (tensorflow/lite/schema/schema.fbs).
  private static final int UINT8 = 3;
  private static final int STRING = 5;
  private static final int INT16 = 7;
  private static final int COMPLEX64 = 8;
  private static final int INT8 = 9;
  private static final int COMPLEX128 = 11;
  private static final int RESOURCE = 13;
  private static final int VARIANT = 14;
  private static final int INT4 = 17;
  private static final int UINT4 = 19;
  private static final int INT2 = 20;

  /** Types whose constant data is packed several elements to a byte, so the data is not sized here. */
  private static final Set<Integer> SUB_BYTE = Set.of(INT4, UINT4, INT2);

  /** Types no arithmetic kernel reads or writes: string, complex, resource and variant handles. */
  private static final Set<Integer> NOT_NUMERIC = Set.of(STRING, COMPLEX64, COMPLEX128, RESOURCE, VARIANT);

  /** Element-wise operators: the output has the type of the first input. */
  private static final Set<String> SAME_TYPE = Set.of("ADD", "SUB", "MUL", "DIV", "MAXIMUM", "MINIMUM",
      "SQUARED_DIFFERENCE", "LOGISTIC", "TANH", "ELU", "RELU", "RELU6", "RELU_N1_TO_1", "RELU_0_TO_1", "LEAKY_RELU",
      "HARD_SWISH", "GELU", "PRELU", "ABS", "NEG", "EXP", "LOG", "SQRT", "RSQRT", "SQUARE", "SIN", "COS", "FLOOR",
      "CEIL", "ROUND", "L2_NORMALIZATION", "LOG_SOFTMAX", "MAX_POOL_2D", "AVERAGE_POOL_2D", "L2_POOL_2D");
  /**
   * Operators that copy their first input's bytes into their output: an output of another type would take fewer
   * bytes than are copied into it (a RESHAPE whose output was retyped to INT8 corrupted the heap).
   */
  private static final Set<String> COPIES = Set.of("RESHAPE", "SQUEEZE", "EXPAND_DIMS");

  /** Arithmetic operators: every input and output has a numeric type. */
  private static final Set<String> ARITHMETIC = union(SAME_TYPE, Set.of("SOFTMAX", "FULLY_CONNECTED", "CONV_2D",
      "DEPTHWISE_CONV_2D", "TRANSPOSE_CONV", "CONV_3D", "CONV_3D_TRANSPOSE", "BATCH_MATMUL", "MEAN", "SUM",
      "REDUCE_PROD", "REDUCE_MAX", "REDUCE_MIN", "QUANTIZE", "DEQUANTIZE", "CONCATENATION", "PAD", "PADV2",
      "MIRROR_PAD", "RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR", "SPACE_TO_DEPTH", "DEPTH_TO_SPACE",
      "SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND", "LOCAL_RESPONSE_NORMALIZATION", "ADD_N", "CUMSUM", "ARG_MAX",
      "ARG_MIN", "POW", "FLOOR_DIV", "FLOOR_MOD", "SVDF", "LSTM", "UNIDIRECTIONAL_SEQUENCE_LSTM",
      "BIDIRECTIONAL_SEQUENCE_LSTM", "RNN", "UNIDIRECTIONAL_SEQUENCE_RNN", "BIDIRECTIONAL_SEQUENCE_RNN"));

  /**
   * Builtins whose kernels accept a left-out input ({@code -1}), and the positions where they do (the bias). Every
   * other builtin's kernel reads its inputs without checking: a {@code -1} crashed STRIDED_SLICE's Prepare.
   */
  private static final Map<String, Set<Integer>> OPTIONAL_INPUTS = Map.of("FULLY_CONNECTED", Set.of(2), "CONV_2D",
      Set.of(2), "TRANSPOSE_CONV", Set.of(3), "CONV_3D", Set.of(2), "CONV_3D_TRANSPOSE", Set.of(3),
      "LSH_PROJECTION", Set.of(2));

  /** Recurrent builtins, which have many optional inputs (peepholes, projections, states): any may be left out. */
  private static final Set<String> MANY_OPTIONAL_INPUTS = Set.of("LSTM", "UNIDIRECTIONAL_SEQUENCE_LSTM",
      "BIDIRECTIONAL_SEQUENCE_LSTM", "SVDF", "RNN", "UNIDIRECTIONAL_SEQUENCE_RNN", "BIDIRECTIONAL_SEQUENCE_RNN");

  /**
   * The fewest inputs each common builtin reads (its kernel's and XNNPACK's fixed input positions). Kernels check
   * their input count in Prepare, but a model whose preparation fails at its stored shapes is still built when it has
   * dynamic inputs (the check is deferred to the first shape), and XNNPACK's node visitors and some kernels read
   * {@code inputs[k]} without checking: an operator code rewritten from LOGISTIC to BATCH_MATMUL (one input where two
   * are read), or from SOFTMAX to STRIDED_SLICE, SLICE or SPLIT, crashed the interpreter build. DEPTHWISE_CONV_2D
   * without its bias passes Prepare, then its optimized float kernel copies from the missing bias (SIGSEGV).
   */
  private static final Map<String, Integer> MIN_INPUTS = minInputs();

  /**
   * Inputs that must be constants: SPLIT's and SPLIT_V's axis. XNNPACK's SPLIT reads the axis's data while the
   * interpreter is built (an operator code rewritten to SPLIT, whose first input was an activation, crashed there).
   */
  private static final Map<String, Integer> CONSTANT_INPUT = Map.of("SPLIT", 0, "SPLIT_V", 2);

  /** Builtins that have no outputs (side effects only); every other builtin writes at least one. */
  private static final Set<String> NO_OUTPUTS = Set.of("ASSIGN_VARIABLE", "CALL_ONCE", "HASHTABLE_IMPORT");

  private static Map<String, Integer> minInputs() {
    Map<String, Integer> min = new java.util.HashMap<>();
    for (String unary : List.of("LOGISTIC", "TANH", "ELU", "RELU", "RELU6", "RELU_N1_TO_1", "RELU_0_TO_1",
        "LEAKY_RELU", "HARD_SWISH", "GELU", "ABS", "NEG", "EXP", "LOG", "SQRT", "RSQRT", "SQUARE", "SIN", "COS",
        "FLOOR", "CEIL", "ROUND", "SIGN", "LOGICAL_NOT", "SOFTMAX", "LOG_SOFTMAX", "L2_NORMALIZATION", "QUANTIZE",
        "DEQUANTIZE", "CAST", "SHAPE", "RANK", "ZEROS_LIKE", "MAX_POOL_2D", "AVERAGE_POOL_2D", "L2_POOL_2D",
        "DEPTH_TO_SPACE", "SPACE_TO_DEPTH", "LOCAL_RESPONSE_NORMALIZATION", "SQUEEZE", "RESHAPE", "CONCATENATION",
        "PACK", "UNPACK", "READ_VARIABLE", "ADD_N")) {
      min.put(unary, 1);
    }
    for (String binary : List.of("ADD", "SUB", "MUL", "DIV", "MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE", "POW",
        "FLOOR_DIV", "FLOOR_MOD", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL", "EQUAL", "NOT_EQUAL",
        "LOGICAL_AND", "LOGICAL_OR", "BATCH_MATMUL", "PRELU", "ATAN2", "FULLY_CONNECTED", "CONV_2D", "GATHER",
        "GATHER_ND", "TRANSPOSE", "PAD", "MIRROR_PAD", "MEAN", "SUM", "REDUCE_PROD", "REDUCE_MAX", "REDUCE_MIN",
        "REDUCE_ANY", "REDUCE_ALL", "SPLIT", "TILE", "EXPAND_DIMS", "ARG_MAX", "ARG_MIN", "RESIZE_BILINEAR",
        "RESIZE_NEAREST_NEIGHBOR", "BROADCAST_TO", "FILL", "TOPK_V2", "CUMSUM", "EMBEDDING_LOOKUP",
        "ASSIGN_VARIABLE")) {
      min.put(binary, 2);
    }
    for (String ternary : List.of("DEPTHWISE_CONV_2D", "TRANSPOSE_CONV", "SLICE", "SPLIT_V", "SELECT", "SELECT_V2",
        "PADV2", "SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND")) {
      min.put(ternary, 3);
    }
    min.put("STRIDED_SLICE", 4);
    min.put("ONE_HOT", 4);
    return Map.copyOf(min);
  }

  /** Custom operators among TensorFlow Lite's built-in kernels whose Init parses options it assumes are there. */
  private static final Set<String> CUSTOM_WITH_OPTIONS = Set.of("TFLite_Detection_PostProcess", "Mfcc",
      "AudioSpectrogram");

  private final ModelGraph graph;

  private GraphCheck(ModelGraph graph) {
    this.graph = graph;
  }

  /**
   * @param graph the model's structure
   * @param source where the model came from, for the message
   * @throws LiteModelException with {@link LiteModelException.Status#INVALID_MODEL} naming the first broken rule
   */
  public static void check(ModelGraph graph, String source) {
    String problem = problem(graph);
    if (problem != null) {
      throw new LiteModelException(LiteModelException.Status.INVALID_MODEL,
          "model " + source + " is invalid: " + problem);
    }
  }

  /** @return the first broken rule, as "subgraph S, operator K (NAME), tensor T 'name': what", or null */
  static String problem(ModelGraph graph) {
    GraphCheck check = new GraphCheck(graph);
    for (ModelGraph.Subgraph subgraph : graph.subgraphs()) {
      String problem = check.tensors(subgraph);
      if (problem == null) {
        problem = check.operators(subgraph);
      }
      if (problem != null) {
        return "subgraph " + subgraph.index() + ", " + problem;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Tensors

  private String tensors(ModelGraph.Subgraph subgraph) {
    for (ModelGraph.Tensor tensor : subgraph.tensors()) {
      String problem = tensor(tensor);
      if (problem != null) {
        return describe(tensor) + ": " + problem;
      }
    }
    return null;
  }

  private String tensor(ModelGraph.Tensor tensor) {
    int rank = Math.max(tensor.shape().length, tensor.shapeSignature() == null ? 0 : tensor.shapeSignature().length);
    if (rank > MAX_RANK) {
      return "rank " + rank + " exceeds " + MAX_RANK + ", the most TensorFlow Lite's kernels and XNNPACK support";
    }
    // How much memory the declared shapes need is the memory budget's call (MemoryBudget, checked next).
    String quantization = quantization(tensor);
    if (quantization != null) {
      return quantization;
    }
    long data = graph.bufferSize(tensor.buffer());
    long bytes = tensor.elementBytes() == 0 || SUB_BYTE.contains(tensor.type()) ? 0 : tensor.bytes();
    if (data > 0 && bytes > data && !tensor.sparse()) {
      return "constant data has " + data + " bytes, its shape " + Arrays.toString(tensor.shape()) + " of "
          + typeName(tensor.type()) + " needs " + bytes;
    }
    return null;
  }

  private static String quantization(ModelGraph.Tensor tensor) {
    float[] scales = tensor.scales();
    long[] zeroPoints = tensor.zeroPoints();
    if (scales.length == 0 && zeroPoints.length == 0) {
      return null;
    }
    for (int i = 0; i < scales.length; i++) {
      if (!Float.isFinite(scales[i]) || scales[i] <= 0) {
        return "quantization scale " + i + " is " + scales[i] + "; scales must be finite and positive";
      }
    }
    if (zeroPoints.length != scales.length) {
      return "quantization has " + scales.length + " scales and " + zeroPoints.length
          + " zero points; they must be as many";
    }
    long[] range = zeroPointRange(tensor.type());
    for (int i = 0; i < zeroPoints.length; i++) {
      if (range != null && (zeroPoints[i] < range[0] || zeroPoints[i] > range[1])) {
        return "quantization zero point " + i + " is " + zeroPoints[i] + ", outside " + typeName(tensor.type())
            + "'s range [" + range[0] + ", " + range[1] + "]";
      }
    }
    if (scales.length > 1) {
      int dimension = tensor.quantizedDimension();
      int[] shape = tensor.shape();
      if (dimension < 0 || dimension >= shape.length) {
        return "per-channel quantization along dimension " + dimension + " of a rank-" + shape.length + " tensor";
      }
      if (shape[dimension] != scales.length) {
        return "per-channel quantization has " + scales.length + " scales for dimension " + dimension + " of size "
            + shape[dimension];
      }
    }
    return null;
  }

  /** @return the inclusive range a zero point of the type must lie in, or null when it is not an integer type */
  private static long[] zeroPointRange(int type) {
    return switch (type) {
      case INT8 -> new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE};
      case UINT8 -> new long[] {0, 255};
      case INT16 -> new long[] {Short.MIN_VALUE, Short.MAX_VALUE};
      case INT4 -> new long[] {-8, 7};
      case INT2 -> new long[] {-2, 1};
      default -> null;
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Operators and the subgraph's inputs and outputs

  private String operators(ModelGraph.Subgraph subgraph) {
    List<ModelGraph.Tensor> tensors = subgraph.tensors();
    int count = tensors.size();
    BitSet inputs = new BitSet(count);
    for (int i = 0; i < subgraph.inputs().length; i++) {
      int t = subgraph.inputs()[i];
      if (t < 0 || t >= count) {
        return "input " + i + " is tensor " + t + ", outside the subgraph's " + count + " tensors";
      }
      if (isConstant(tensors.get(t))) {
        return "input " + i + ", " + describe(tensors.get(t)) + ": a subgraph input cannot be a constant";
      }
      inputs.set(t);
    }
    // Tensors that hold a value before the first operator runs.
    BitSet available = (BitSet) inputs.clone();
    for (ModelGraph.Tensor tensor : tensors) {
      if (isConstant(tensor) || tensor.variable() || hasNoElements(tensor)) {
        available.set(tensor.index());
      }
    }
    BitSet written = new BitSet(count);
    BitSet read = new BitSet(count);
    for (ModelGraph.Operator operator : subgraph.operators()) {
      String problem = operator(operator, tensors, available, inputs, written, read);
      if (problem != null) {
        return "operator " + operator.index() + " (" + graph.operatorName(operator) + ")" + problem;
      }
    }
    BitSet outputs = new BitSet(count);
    for (int i = 0; i < subgraph.outputs().length; i++) {
      int t = subgraph.outputs()[i];
      if (t < 0 || t >= count) {
        return "output " + i + " is tensor " + t + ", outside the subgraph's " + count + " tensors";
      }
      if (!available.get(t)) {
        return "output " + i + ", " + describe(tensors.get(t)) + ": no operator produces it, and it is not a "
            + "constant, a variable or an input of the subgraph";
      }
      outputs.set(t);
    }
    for (ModelGraph.Operator operator : subgraph.operators()) {
      if (isDead(operator, tensors, read, outputs)) {
        return "operator " + operator.index() + " (" + graph.operatorName(operator) + "): none of its results is "
            + "used (no later operator reads them and none is an output of the subgraph)";
      }
    }
    return null;
  }

  /** @return what is wrong with one operator (starting with ", tensor ..." or ": ..."), or null */
  private String operator(ModelGraph.Operator operator, List<ModelGraph.Tensor> tensors, BitSet available,
      BitSet inputs, BitSet written, BitSet read) {
    ModelGraph.OperatorCode code = graph.code(operator);
    if (code == null) {
      return ": operator code index " + operator.opcodeIndex() + " is outside the model's "
          + graph.operatorCodes().size() + " operator codes";
    }
    if (code.isCustom() && (code.customName() == null || code.customName().isEmpty())) {
      return ": its operator code " + operator.opcodeIndex() + " is CUSTOM but names no custom operator";
    }
    if (code.isCustom() && CUSTOM_WITH_OPTIONS.contains(code.customName()) && !operator.hasCustomOptions()) {
      return ": this custom operator needs custom options and has none";
    }
    String name = code.isCustom() ? null : BuiltinOperators.name(code.builtinCode());
    int count = tensors.size();
    int[] ins = operator.inputs();
    if (name != null && ins.length < MIN_INPUTS.getOrDefault(name, 0)) {
      return ": has " + ins.length + " inputs; " + name + " reads " + MIN_INPUTS.get(name);
    }
    Integer constant = name == null ? null : CONSTANT_INPUT.get(name);
    if (constant != null && constant < ins.length && ins[constant] >= 0 && ins[constant] < tensors.size()
        && !isConstant(tensors.get(ins[constant]))) {
      return ", input " + constant + ", " + describe(tensors.get(ins[constant])) + ": " + name + "'s axis must be a "
          + "constant";
    }
    if (operator.padding() != ModelGraph.Operator.NO_PADDING && operator.padding() != 0 && operator.padding() != 1) {
      // An unknown padding passes CONV_2D's Prepare and then overruns its output in Eval (SIGSEGV in memset).
      return ": padding " + operator.padding() + " is neither SAME (0) nor VALID (1)";
    }
    if (name != null && operator.outputs().length == 0 && !NO_OUTPUTS.contains(name)) {
      return ": has no outputs; " + name + " writes at least one";
    }
    for (int i = 0; i < ins.length; i++) {
      int t = ins[i];
      if (t == -1) {
        // An optional input left out: only where the kernel checks for it (custom kernels are not known here).
        if (name != null && !MANY_OPTIONAL_INPUTS.contains(name)
            && !OPTIONAL_INPUTS.getOrDefault(name, Set.of()).contains(i)) {
          return ": input " + i + " is left out (-1), but " + name + " needs it";
        }
        continue;
      }
      if (t < 0 || t >= count) {
        return ": input " + i + " is tensor " + t + ", outside the subgraph's " + count + " tensors";
      }
      ModelGraph.Tensor tensor = tensors.get(t);
      if (!available.get(t)) {
        return ", input " + i + ", " + describe(tensor) + ": no earlier operator produces it, and it is not a "
            + "constant, a variable or an input of the subgraph";
      }
      if (name != null && ARITHMETIC.contains(name) && NOT_NUMERIC.contains(tensor.type())) {
        return ", input " + i + ", " + describe(tensor) + ": " + name + " cannot read " + typeName(tensor.type());
      }
      read.set(t);
    }
    int[] outs = operator.outputs();
    for (int i = 0; i < outs.length; i++) {
      int t = outs[i];
      if (t < 0 || t >= count) {
        return ": output " + i + " is tensor " + t + ", outside the subgraph's " + count + " tensors";
      }
      ModelGraph.Tensor tensor = tensors.get(t);
      String where = ", output " + i + ", " + describe(tensor) + ": ";
      if (isConstant(tensor)) {
        return where + "an operator cannot write into a constant";
      }
      if (inputs.get(t)) {
        return where + "an operator cannot write into an input of the subgraph";
      }
      if (written.get(t)) {
        return where + "another operator already writes this tensor";
      }
      if (name != null && ARITHMETIC.contains(name) && NOT_NUMERIC.contains(tensor.type())) {
        return where + name + " cannot write " + typeName(tensor.type());
      }
      if (name != null && (SAME_TYPE.contains(name) || COPIES.contains(name)) && ins.length > 0 && ins[0] >= 0
          && tensors.get(ins[0]).type() != tensor.type()) {
        return where + name + " writes the type it reads (" + typeName(tensors.get(ins[0]).type()) + "), not "
            + typeName(tensor.type());
      }
      // DENSIFY expands its sparse input into the output's memory, walking the input's sparsity over the output's
      // shape: another shape (a scalar, in a mutant of face_detection_full_range_sparse) wrote out of bounds.
      if ("DENSIFY".equals(name) && ins.length > 0 && ins[0] >= 0
          && !Arrays.equals(tensors.get(ins[0]).shape(), tensor.shape())) {
        return where + "DENSIFY writes the shape it reads (" + Arrays.toString(tensors.get(ins[0]).shape())
            + "), not " + Arrays.toString(tensor.shape());
      }
      if ("STRIDED_SLICE".equals(name) && i == 0) {
        String slice = slice(operator, tensors, tensor);
        if (slice != null) {
          return where + slice;
        }
      }
      written.set(t);
      available.set(t);
    }
    return null;
  }

  /**
   * @return why a STRIDED_SLICE's declared output is not the shape its constant begin, end and strides cut from its
   *     static input, or null when it is (or when that cannot be told from the file: {@link StridedSliceShape})
   */
  private String slice(ModelGraph.Operator operator, List<ModelGraph.Tensor> tensors, ModelGraph.Tensor output) {
    int[] ins = operator.inputs();
    for (int k = 0; k < 4; k++) {
      if (ins[k] < 0 || ins[k] >= tensors.size()) {
        return null; // reported with the inputs
      }
    }
    ModelGraph.Tensor input = tensors.get(ins[0]);
    if (input.shapeSignature() != null && InputShapes.hasDynamic(input.shapeSignature())) {
      return null; // the kernel sizes the output for each input shape; nothing here to compare it with
    }
    long[] begin = graph.integerConstant(tensors.get(ins[1]));
    long[] end = graph.integerConstant(tensors.get(ins[2]));
    long[] strides = graph.integerConstant(tensors.get(ins[3]));
    if (begin == null || end == null || strides == null) {
      return null;
    }
    int[] options = operator.sliceOptions() == null ? new int[6] : operator.sliceOptions();
    int[] shape = StridedSliceShape.of(input.shape(), begin, end, strides, options);
    if (shape == null || Arrays.equals(shape, output.shape())) {
      return null;
    }
    return "STRIDED_SLICE with begin " + Arrays.toString(begin) + ", end " + Arrays.toString(end) + " and strides "
        + Arrays.toString(strides) + " cuts " + Arrays.toString(shape) + " from its input "
        + Arrays.toString(input.shape()) + ", not the declared " + Arrays.toString(output.shape());
  }

  /** @return true when the operator has results and none is read, is an output, or is a variable */
  private static boolean isDead(ModelGraph.Operator operator, List<ModelGraph.Tensor> tensors, BitSet read,
      BitSet outputs) {
    if (operator.outputs().length == 0) {
      return false; // operators without outputs exist for their side effects (ASSIGN_VARIABLE, CALL_ONCE)
    }
    for (int t : operator.outputs()) {
      if (read.get(t) || outputs.get(t) || tensors.get(t).variable()) {
        return false;
      }
    }
    return true;
  }

  /** @return true for tensors with data in the file; variables may carry their initial value there too */
  private boolean isConstant(ModelGraph.Tensor tensor) {
    return !tensor.variable() && tensor.buffer() > 0 && graph.bufferSize(tensor.buffer()) > 0;
  }

  private static boolean hasNoElements(ModelGraph.Tensor tensor) {
    for (int dim : tensor.shape()) {
      if (dim == 0) {
        return true;
      }
    }
    return false;
  }

  private static String describe(ModelGraph.Tensor tensor) {
    return "tensor " + tensor.index() + " '" + tensor.name() + "'";
  }

  private static final String[] TYPE_NAMES = {"FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "STRING", "BOOL",
    "INT16", "COMPLEX64", "INT8", "FLOAT64", "COMPLEX128", "UINT64", "RESOURCE", "VARIANT", "UINT32", "UINT16",
    "INT4", "BFLOAT16", "UINT4", "INT2"};

  private static String typeName(int type) {
    return type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : "type " + type;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    java.util.HashSet<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
