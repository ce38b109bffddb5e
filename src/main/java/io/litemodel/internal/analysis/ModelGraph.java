package io.litemodel.internal.analysis;

import io.litemodel.ExecutionReport;
import io.litemodel.LiteModelException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The structure of a TensorFlow Lite model, read straight from its flatbuffer: operator codes, subgraphs with their
 * tensors and operators, buffer sizes and signatures. LiteModel reads it once per loaded model to know what the
 * model is before any interpreter is built: which subgraph runs, which subgraphs are control-flow bodies or init
 * graphs, which operators are custom, and what shapes the tensors declare.
 *
 * <p>Read through {@link FlatbufferReader} (which follows and bounds-checks every offset), with field numbers as in
 * {@code tensorflow/lite/schema/schema.fbs}. It is read only after the flatbuffer verifier and {@code tflite::Verify}
 * accepted the bytes; a model that still points outside itself fails with
 * {@link LiteModelException.Status#INVALID_MODEL}.
 */
public final class ModelGraph {
  /** Builtin code of operators whose code lives in {@link OperatorCode#customName()}. */
  public static final int BUILTIN_CUSTOM = 32;
  static final int BUILTIN_IF = 118;
  static final int BUILTIN_WHILE = 119;
  static final int BUILTIN_CALL_ONCE = 129;
  static final int BUILTIN_VAR_HANDLE = 142;
  static final int BUILTIN_STABLEHLO_WHILE = 200;
  static final int BUILTIN_STABLEHLO_COMPOSITE = 206;
  static final int BUILTIN_STABLEHLO_CASE = 209;

  // Model
  private static final int MODEL_OPERATOR_CODES = 1;
  private static final int MODEL_SUBGRAPHS = 2;
  private static final int MODEL_BUFFERS = 4;
  private static final int MODEL_SIGNATURE_DEFS = 7;
  // OperatorCode
  private static final int CODE_DEPRECATED_BUILTIN = 0;
  private static final int CODE_CUSTOM = 1;
  private static final int CODE_VERSION = 2;
  private static final int CODE_BUILTIN = 3;
  // SubGraph
  private static final int SUBGRAPH_TENSORS = 0;
  private static final int SUBGRAPH_INPUTS = 1;
  private static final int SUBGRAPH_OUTPUTS = 2;
  private static final int SUBGRAPH_OPERATORS = 3;
  private static final int SUBGRAPH_NAME = 4;
  // Tensor
  private static final int TENSOR_SHAPE = 0;
  private static final int TENSOR_TYPE = 1;
  private static final int TENSOR_BUFFER = 2;
  private static final int TENSOR_NAME = 3;
  private static final int TENSOR_QUANTIZATION = 4;
  private static final int TENSOR_IS_VARIABLE = 5;
  private static final int TENSOR_SPARSITY = 6;
  private static final int TENSOR_SHAPE_SIGNATURE = 7;
  // QuantizationParameters
  private static final int QUANT_SCALE = 2;
  private static final int QUANT_ZERO_POINT = 3;
  private static final int QUANT_DIMENSION = 6;
  // Operator
  private static final int OP_OPCODE_INDEX = 0;
  private static final int OP_INPUTS = 1;
  private static final int OP_OUTPUTS = 2;
  private static final int OP_BUILTIN_OPTIONS = 4;
  private static final int OP_CUSTOM_OPTIONS = 5;
  private static final int OP_BUILTIN_OPTIONS_2 = 12;
  // Buffer
  private static final int BUFFER_DATA = 0;
  private static final int BUFFER_SIZE = 2;
  /** BuiltinOptions type of StridedSliceOptions. */
  private static final int STRIDED_SLICE_OPTIONS = 32;
  /**
   * Buffers up to this many bytes keep their data, for the checks that read small constants (STRIDED_SLICE's begin,
   * end and strides: at most 6 int64 values each); larger ones keep only their size.
   */
  private static final int SMALL_BUFFER_BYTES = 48;
  // SignatureDef, TensorMap
  private static final int SIGNATURE_INPUTS = 0;
  private static final int SIGNATURE_OUTPUTS = 1;
  private static final int SIGNATURE_KEY = 2;
  private static final int SIGNATURE_SUBGRAPH_INDEX = 4;
  private static final int TENSOR_MAP_NAME = 0;
  private static final int TENSOR_MAP_TENSOR_INDEX = 1;

  /** An entry of the model's operator-code table. */
  public record OperatorCode(int builtinCode, String customName, int version) {
    /** @return the custom name for custom operators, else the builtin operator's name */
    String displayName() {
      return builtinCode == BUILTIN_CUSTOM && customName != null ? customName : BuiltinOperators.name(builtinCode);
    }

    public boolean isCustom() {
      return builtinCode == BUILTIN_CUSTOM;
    }
  }

  /** A tensor as declared in the file. {@code shapeSignature} is null when the file has none (all static). */
  public record Tensor(int index, String name, int type, int[] shape, int[] shapeSignature, int buffer, boolean variable,
      float[] scales, long[] zeroPoints, int quantizedDimension, boolean sparse) {
    /** @return the declared shape with {@code -1} for dynamic dimensions */
    public int[] declaredShape() {
      return shapeSignature != null && shapeSignature.length == shape.length ? shapeSignature : shape;
    }

    /** @return true when some dimension is declared dynamic, or the file declares no signature at all */
    boolean mayResize() {
      return shapeSignature == null || InputShapes.hasDynamic(shapeSignature);
    }

    /** @return bytes of one element of this tensor's type (0 for strings, resources and variants: not sized) */
    int elementBytes() {
      return type >= 0 && type < ELEMENT_BYTES.length ? ELEMENT_BYTES[type] : 4;
    }

    /** @return bytes of the tensor at its stored shape, saturating at {@link Long#MAX_VALUE} */
    long bytes() {
      return TensorMemory.saturatingBytes(shape, elementBytes());
    }
  }

  /**
   * Bytes per element by schema {@code TensorType}: FLOAT32, FLOAT16, INT32, UINT8, INT64, STRING, BOOL, INT16,
   * COMPLEX64, INT8, FLOAT64, COMPLEX128, UINT64, RESOURCE, VARIANT, UINT32, UINT16, INT4 (held unpacked, one byte
   * each), BFLOAT16. Unknown types count 4 bytes, the common case.
   */
  private static final int INT32_TYPE = 2;
  private static final int INT64_TYPE = 4;

  private static final int[] ELEMENT_BYTES = {4, 2, 4, 1, 8, 0, 1, 2, 8, 1, 8, 16, 8, 0, 0, 4, 2, 1, 2};

  /**
   * An operator, with the subgraphs it calls (control flow, init graphs, decompositions), its padding option and,
   * for STRIDED_SLICE, its masks ({@code sliceOptions}: begin, end, ellipsis, new-axis and shrink-axis masks, then
   * the offset flag as 0 or 1; null for operators without StridedSliceOptions).
   */
  public record Operator(int index, int opcodeIndex, int[] inputs, int[] outputs, int[] calledSubgraphs,
      boolean hasCustomOptions, int padding, int[] sliceOptions) {
    /** {@link #padding()} of operators whose options have no padding field. */
    static final int NO_PADDING = Integer.MIN_VALUE;

    /** An operator without a padding option or slice options. */
    Operator(int index, int opcodeIndex, int[] inputs, int[] outputs, int[] calledSubgraphs,
        boolean hasCustomOptions) {
      this(index, opcodeIndex, inputs, outputs, calledSubgraphs, hasCustomOptions, NO_PADDING, null);
    }
  }

  /** A subgraph: its tensors, its inputs and outputs (tensor indices) and its operators in execution order. */
  public record Subgraph(int index, String name, List<Tensor> tensors, int[] inputs, int[] outputs,
      List<Operator> operators) {}

  /** A signature: its key, the subgraph it runs, and its named inputs and outputs (tensor indices). */
  public record Signature(String key, int subgraph, List<String> inputNames, int[] inputTensors, List<String> outputNames,
      int[] outputTensors) {}

  private final List<OperatorCode> operatorCodes;
  private final List<Subgraph> subgraphs;
  private final long[] bufferSizes;
  private final byte[][] smallBuffers;
  private final List<Signature> signatures;

  private ModelGraph(List<OperatorCode> operatorCodes, List<Subgraph> subgraphs, long[] bufferSizes,
      byte[][] smallBuffers, List<Signature> signatures) {
    this.operatorCodes = operatorCodes;
    this.subgraphs = subgraphs;
    this.bufferSizes = bufferSizes;
    this.smallBuffers = smallBuffers;
    this.signatures = signatures;
  }

  /**
   * Reads the structure of a model.
   *
   * @param model the model bytes (position to limit), already accepted by the flatbuffer verifier
   * @param source where the bytes came from, for messages
   * @throws LiteModelException with {@link LiteModelException.Status#INVALID_MODEL} if a field points outside the file
   */
  public static ModelGraph read(ByteBuffer model, String source) {
    try {
      return new Reader(model).read();
    } catch (IndexOutOfBoundsException | IllegalArgumentException | NegativeArraySizeException e) {
      throw new LiteModelException(LiteModelException.Status.INVALID_MODEL,
          "model " + source + " has a table that points outside the file (" + e.getClass().getSimpleName() + ")");
    }
  }

  public List<OperatorCode> operatorCodes() {
    return operatorCodes;
  }

  public List<Subgraph> subgraphs() {
    return subgraphs;
  }

  public List<Signature> signatures() {
    return signatures;
  }

  /** @return the size in bytes of buffer {@code index}'s data (0 for an empty or out-of-range buffer) */
  long bufferSize(int index) {
    return index >= 0 && index < bufferSizes.length ? bufferSizes[index] : 0;
  }

  /**
   * @return the values of a small INT32 or INT64 constant (a vector of up to 6 values, as STRIDED_SLICE's
   *     parameters), or null when the tensor is not such a constant or its data does not match its shape
   */
  long[] integerConstant(Tensor tensor) {
    int buffer = tensor.buffer();
    byte[] data = buffer > 0 && buffer < smallBuffers.length ? smallBuffers[buffer] : null;
    int width = tensor.type() == INT32_TYPE ? 4 : tensor.type() == INT64_TYPE ? 8 : 0;
    if (data == null || width == 0 || tensor.variable() || tensor.shape().length != 1
        || (long) tensor.shape()[0] * width != data.length) {
      return null;
    }
    ByteBuffer values = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    long[] result = new long[tensor.shape()[0]];
    for (int i = 0; i < result.length; i++) {
      result[i] = width == 4 ? values.getInt(4 * i) : values.getLong(8 * i);
    }
    return result;
  }

  /** @return the operator code of {@code operator}, or null when its index is out of range */
  OperatorCode code(Operator operator) {
    int index = operator.opcodeIndex();
    return index >= 0 && index < operatorCodes.size() ? operatorCodes.get(index) : null;
  }

  /** @return the operator's name: its builtin name, or the custom operator's own name */
  public String operatorName(Operator operator) {
    OperatorCode code = code(operator);
    return code == null ? "opcode #" + operator.opcodeIndex() : code.displayName();
  }

  /**
   * @return true when some operator creates a resource variable ({@code VAR_HANDLE}): state that lives in the
   *     interpreter and that only a new interpreter resets
   */
  public boolean hasResourceVariables() {
    for (Subgraph subgraph : subgraphs) {
      for (Operator operator : subgraph.operators()) {
        OperatorCode code = code(operator);
        if (code != null && code.builtinCode() == BUILTIN_VAR_HANDLE) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * @param signatureKey the signature that runs, or null for the main graph
   * @return the index of the subgraph that runs
   */
  public int primarySubgraph(String signatureKey) {
    if (signatureKey != null) {
      for (Signature signature : signatures) {
        if (signature.key().equals(signatureKey)) {
          return signature.subgraph();
        }
      }
    }
    return 0;
  }

  /**
   * @param signatureKey the signature that runs, or null for the main graph
   * @return the role of every subgraph, by index
   */
  public ExecutionReport.Role[] roles(String signatureKey) {
    ExecutionReport.Role[] roles = new ExecutionReport.Role[subgraphs.size()];
    Arrays.fill(roles, ExecutionReport.Role.OTHER);
    for (Signature signature : signatures) {
      if (signature.subgraph() >= 0 && signature.subgraph() < roles.length) {
        roles[signature.subgraph()] = ExecutionReport.Role.SIGNATURE;
      }
    }
    for (Subgraph subgraph : subgraphs) {
      for (Operator operator : subgraph.operators()) {
        OperatorCode code = code(operator);
        ExecutionReport.Role role = code != null && code.builtinCode() == BUILTIN_CALL_ONCE
            ? ExecutionReport.Role.INIT : ExecutionReport.Role.CONTROL_FLOW;
        for (int called : operator.calledSubgraphs()) {
          if (called >= 0 && called < roles.length && roles[called] != ExecutionReport.Role.SIGNATURE) {
            roles[called] = role;
          }
        }
      }
    }
    int primary = primarySubgraph(signatureKey);
    if (primary >= 0 && primary < roles.length) {
      roles[primary] = ExecutionReport.Role.PRIMARY;
    }
    return roles;
  }

  /** Walks the schema's tables through one {@link FlatbufferReader}; one instance per model. */
  private static final class Reader {
    private final FlatbufferReader in;

    Reader(ByteBuffer model) {
      this.in = new FlatbufferReader(model);
    }

    public ModelGraph read() {
      int root = in.root();
      List<OperatorCode> codes = new ArrayList<>();
      int codeVector = in.vector(root, MODEL_OPERATOR_CODES);
      for (int i = 0; i < in.length(codeVector); i++) {
        int code = in.element(codeVector, i);
        int deprecated = in.int8(code, CODE_DEPRECATED_BUILTIN, 0);
        int builtin = in.int32(code, CODE_BUILTIN, 0);
        // TensorFlow Lite's GetBuiltinCode: the larger of the two fields (old files set only the deprecated one).
        codes.add(new OperatorCode(Math.max(builtin, deprecated), in.string(code, CODE_CUSTOM),
            in.int32(code, CODE_VERSION, 1)));
      }
      List<Subgraph> graphs = new ArrayList<>();
      int subgraphVector = in.vector(root, MODEL_SUBGRAPHS);
      for (int s = 0; s < in.length(subgraphVector); s++) {
        graphs.add(subgraph(s, in.element(subgraphVector, s)));
      }
      int bufferVector = in.vector(root, MODEL_BUFFERS);
      long[] sizes = new long[in.length(bufferVector)];
      byte[][] small = new byte[sizes.length][];
      // Buffers of a crafted file may all point at the same bytes: one copy per data vector, not per buffer.
      Map<Integer, byte[]> copies = new HashMap<>();
      for (int b = 0; b < sizes.length; b++) {
        int buffer = in.element(bufferVector, b);
        int data = in.vector(buffer, BUFFER_DATA);
        // Large models (over 2 GB) keep buffers outside the flatbuffer, with an offset and a size instead.
        sizes[b] = data != 0 ? in.length(data) : in.uint64(buffer, BUFFER_SIZE);
        if (data != 0 && sizes[b] > 0 && sizes[b] <= SMALL_BUFFER_BYTES) {
          small[b] = copies.computeIfAbsent(data, in::byteVector);
        }
      }
      List<Signature> signatures = new ArrayList<>();
      int signatureVector = in.vector(root, MODEL_SIGNATURE_DEFS);
      for (int s = 0; s < in.length(signatureVector); s++) {
        int signature = in.element(signatureVector, s);
        List<String> inputNames = new ArrayList<>();
        List<String> outputNames = new ArrayList<>();
        int[] inputTensors = tensorMaps(in.vector(signature, SIGNATURE_INPUTS), inputNames);
        int[] outputTensors = tensorMaps(in.vector(signature, SIGNATURE_OUTPUTS), outputNames);
        String key = in.string(signature, SIGNATURE_KEY);
        signatures.add(new Signature(key == null ? "" : key, (int) in.uint32(signature, SIGNATURE_SUBGRAPH_INDEX),
            List.copyOf(inputNames), inputTensors, List.copyOf(outputNames), outputTensors));
      }
      return new ModelGraph(List.copyOf(codes), List.copyOf(graphs), sizes, small, List.copyOf(signatures));
    }

    private int[] tensorMaps(int vector, List<String> names) {
      int[] tensors = new int[in.length(vector)];
      for (int m = 0; m < tensors.length; m++) {
        int map = in.element(vector, m);
        String name = in.string(map, TENSOR_MAP_NAME);
        names.add(name == null ? "" : name);
        tensors[m] = (int) in.uint32(map, TENSOR_MAP_TENSOR_INDEX);
      }
      return tensors;
    }

    private Subgraph subgraph(int index, int table) {
      List<Tensor> tensors = new ArrayList<>();
      int tensorVector = in.vector(table, SUBGRAPH_TENSORS);
      for (int t = 0; t < in.length(tensorVector); t++) {
        tensors.add(tensor(t, in.element(tensorVector, t)));
      }
      List<Operator> operators = new ArrayList<>();
      int operatorVector = in.vector(table, SUBGRAPH_OPERATORS);
      for (int o = 0; o < in.length(operatorVector); o++) {
        operators.add(operator(o, in.element(operatorVector, o)));
      }
      String name = in.string(table, SUBGRAPH_NAME);
      return new Subgraph(index, name == null ? "" : name, List.copyOf(tensors),
          in.ints(in.vector(table, SUBGRAPH_INPUTS)), in.ints(in.vector(table, SUBGRAPH_OUTPUTS)),
          List.copyOf(operators));
    }

    private Tensor tensor(int index, int table) {
      int[] shape = in.ints(in.vector(table, TENSOR_SHAPE));
      int signatureVector = in.vector(table, TENSOR_SHAPE_SIGNATURE);
      int[] signature = signatureVector == 0 ? null : in.ints(signatureVector);
      float[] scales = new float[0];
      long[] zeroPoints = new long[0];
      int quantizedDimension = 0;
      int quantization = in.table(table, TENSOR_QUANTIZATION);
      if (quantization != 0) {
        scales = in.floats(in.vector(quantization, QUANT_SCALE));
        zeroPoints = in.longs(in.vector(quantization, QUANT_ZERO_POINT));
        quantizedDimension = in.int32(quantization, QUANT_DIMENSION, 0);
      }
      String name = in.string(table, TENSOR_NAME);
      return new Tensor(index, name == null ? "" : name, in.int8(table, TENSOR_TYPE, 0), shape, signature,
          (int) in.uint32(table, TENSOR_BUFFER), in.int8(table, TENSOR_IS_VARIABLE, 0) != 0, scales, zeroPoints,
          quantizedDimension, in.table(table, TENSOR_SPARSITY) != 0);
    }

    private Operator operator(int index, int table) {
      int opcodeIndex = (int) in.uint32(table, OP_OPCODE_INDEX);
      return new Operator(index, opcodeIndex, in.ints(in.vector(table, OP_INPUTS)),
          in.ints(in.vector(table, OP_OUTPUTS)), calledSubgraphs(table), in.vector(table, OP_CUSTOM_OPTIONS) != 0,
          padding(table), sliceOptions(table));
    }

    /** StridedSliceOptions' five masks (int32 fields 0 to 4) and its offset flag (bool field 5), or null. */
    private int[] sliceOptions(int table) {
      int options = in.table(table, OP_BUILTIN_OPTIONS);
      if (options == 0 || in.uint8(table, OP_BUILTIN_OPTIONS - 1) != STRIDED_SLICE_OPTIONS) {
        return null;
      }
      return new int[] {in.int32(options, 0, 0), in.int32(options, 1, 0), in.int32(options, 2, 0),
          in.int32(options, 3, 0), in.int32(options, 4, 0), in.int8(options, 5, 0) != 0 ? 1 : 0};
    }

    /**
     * The padding enum (SAME 0, VALID 1) of the options that have one, all as field 0: Conv2DOptions (options type
     * 1), DepthwiseConv2DOptions (2), Pool2DOptions (5), TransposeConvOptions (49), Conv3DOptions (106).
     */
    private int padding(int table) {
      int options = in.table(table, OP_BUILTIN_OPTIONS);
      int type = in.uint8(table, OP_BUILTIN_OPTIONS - 1);
      if (options == 0) {
        return Operator.NO_PADDING;
      }
      return switch (type) {
        case 1, 2, 5, 49, 106 -> in.int8(options, 0, 0);
        default -> Operator.NO_PADDING;
      };
    }

    /**
     * Subgraph indices an operator refers to through its options: IF (then, else), WHILE (cond, body), CALL_ONCE
     * (init), and StableHLO's while, case and composite decomposition. The options table is read by the field
     * layout of each of those option types, which all keep their subgraph indices as int32 fields.
     */
    private int[] calledSubgraphs(int table) {
      int options = in.table(table, OP_BUILTIN_OPTIONS);
      int options2 = in.table(table, OP_BUILTIN_OPTIONS_2);
      int type = in.uint8(table, OP_BUILTIN_OPTIONS - 1);
      int type2 = in.uint8(table, OP_BUILTIN_OPTIONS_2 - 1);
      if (options != 0) {
        switch (type) {
          case 92, 93: // IfOptions (then, else), WhileOptions (cond, body)
            return new int[] {in.int32(options, 0, -1), in.int32(options, 1, -1)};
          case 103: // CallOnceOptions (init)
            return new int[] {in.int32(options, 0, -1)};
          default:
            break;
        }
      }
      if (options2 != 0) {
        switch (type2) {
          case 15: // StablehloWhileOptions (cond, body)
            return new int[] {in.int32(options2, 0, -1), in.int32(options2, 1, -1)};
          case 21: // StableHLOCompositeOptions (name, decomposition_subgraph_index, ...)
            return new int[] {in.int32(options2, 1, -1)};
          case 23: // StablehloCaseOptions (branch_subgraph_indices)
            return in.ints(in.vector(options2, 0));
          default:
            break;
        }
      }
      return new int[0];
    }
  }
}
