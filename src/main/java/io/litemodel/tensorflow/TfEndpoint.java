package io.litemodel.tensorflow;

import io.litemodel.DataType;
import io.litemodel.TensorSpec;
import io.litemodel.internal.core.CallTensor;
import java.util.Arrays;

/**
 * One input or output of a loaded TensorFlow graph: the name users address it by, the graph operation and output
 * index it stands for, its element type (TensorFlow's {@code TF_DataType} code) and its declared shape ({@code -1}
 * for a dynamic dimension; null when even the rank is unknown). The call contract's checks read it as a
 * {@link CallTensor}.
 */
final class TfEndpoint implements CallTensor {
  /** {@code TF_FLOAT}: the only element type this runtime feeds and reads. */
  static final int TF_FLOAT = 1;

  final String key;
  final String operation;
  final int outputIndex;
  final int dtype;
  final long[] dims;
  /** The values in one row, or -1 when a dimension after the batch is not known. */
  private final long row;
  /** Why the float API cannot feed or read this endpoint (it is not float32), or null. */
  private final String floatProblem;

  /**
   * @param role {@code "input"} or {@code "output"}, for messages
   */
  TfEndpoint(String key, String operation, int outputIndex, int dtype, long[] dims, String role) {
    this.key = key;
    this.operation = operation;
    this.outputIndex = outputIndex;
    this.dtype = dtype;
    this.dims = dims == null ? null : dims.clone();
    this.row = rowElements(this.dims);
    this.floatProblem = dtype == TF_FLOAT ? null : role + " '" + key + "' is " + dataType()
        + "; the TensorFlow runtime feeds and reads FLOAT32 tensors only";
  }

  @Override
  public String name() {
    return key;
  }

  /** @return the tensor name in TensorFlow's {@code operation:index} form */
  String tensorName() {
    return operation + ":" + outputIndex;
  }

  /** @return true when the first dimension is dynamic (or the rank unknown), so any batch size may be fed */
  boolean dynamicBatch() {
    return dims == null || (dims.length > 0 && dims[0] < 0);
  }

  /** @return the values in one row (all dimensions after the first), or -1 when one of them is not known */
  @Override
  public long elementsPerRow() {
    return row;
  }

  /** @return TensorFlow's message when this endpoint is not float32, else null */
  @Override
  public String floatApiProblem() {
    return floatProblem;
  }

  private static long rowElements(long[] dims) {
    if (dims == null) {
      return -1;
    }
    long count = 1;
    for (int i = 1; i < dims.length; i++) {
      if (dims[i] < 0) {
        return -1;
      }
      count *= dims[i];
    }
    return count;
  }

  /** @return the declared shape with the batch dimension set to {@code rows} (the shape of a fed tensor) */
  long[] withBatch(int rows) {
    long[] shape = dims.clone();
    if (shape.length > 0) {
      shape[0] = rows;
    }
    return shape;
  }

  /** @return the element type as LiteModel names it ({@link DataType#NO_TYPE} for types it does not know) */
  DataType dataType() {
    switch (dtype) {
      case 1: return DataType.FLOAT32;
      case 2: return DataType.FLOAT64;
      case 3: return DataType.INT32;
      case 4: return DataType.UINT8;
      case 5: return DataType.INT16;
      case 6: return DataType.INT8;
      case 7: return DataType.STRING;
      case 8: return DataType.COMPLEX64;
      case 9: return DataType.INT64;
      case 10: return DataType.BOOL;
      case 14: return DataType.BFLOAT16;
      case 17: return DataType.UINT16;
      case 18: return DataType.COMPLEX128;
      case 19: return DataType.FLOAT16;
      case 20: return DataType.RESOURCE;
      case 21: return DataType.VARIANT;
      case 22: return DataType.UINT32;
      case 23: return DataType.UINT64;
      default: return DataType.NO_TYPE;
    }
  }

  /**
   * @return the public description; its current shape is the declared one with a dynamic batch shown as one row
   *     (as LiteModel allocates a dynamic batch before the first call), so that row sizes read the same
   */
  TensorSpec spec(int index) {
    int[] signature = dims == null ? new int[0] : Arrays.stream(dims).mapToInt(d -> (int) d).toArray();
    int[] shape = signature.clone();
    if (shape.length > 0 && shape[0] < 0) {
      shape[0] = 1;
    }
    return TensorSpec.unquantized(index, key, tensorName(), shape, signature, dataType());
  }

  /**
   * @return the declared shape as text, e.g. {@code [-1, 256]}, or {@code <unknown rank>}: the shape a message names,
   *     since tensors are fed at the declared shape with the batch filled in
   */
  @Override
  public String shapeText() {
    return declaredShapeText();
  }

  @Override
  public String declaredShapeText() {
    return dims == null ? "<unknown rank>" : Arrays.toString(dims);
  }
}
