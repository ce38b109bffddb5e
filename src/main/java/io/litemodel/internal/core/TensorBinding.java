package io.litemodel.internal.core;

import io.litemodel.DataType;
import io.litemodel.LiteModelException;
import io.litemodel.TensorSpec;
import io.litemodel.internal.presets.LiteModelShim;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.TfLiteIntArray;
import org.bytedeco.tensorflowlite.TfLiteQuantizationParams;
import org.bytedeco.tensorflowlite.TfLiteTensor;
import org.bytedeco.tensorflowlite.global.tensorflowlite;

/**
 * One input or output tensor bound for the hot path: cached {@link ByteBuffer}/{@link FloatBuffer} views over the
 * tensor's native memory, and the quantization parameters the float API needs.
 *
 * <p>TensorFlow Lite may move tensor memory whenever tensors are (re)allocated, so the views are rebuilt by
 * {@link #refresh} after every allocation; between allocations, reading and writing costs no JNI crossing at all.
 * On LiteRT's GPU path the memory is LiteRT's host staging buffer instead, bound by {@link #bindHost} (float32).
 * The conversion loops touch only primitives and the cached views: no allocation. The call contract's checks
 * ({@link CallContract}) read it as a {@link CallTensor}.
 */
public final class TensorBinding implements CallTensor {
  private final int index;
  private final String name;
  private final String tensorName;
  private final int[] shapeSignature;
  private final DataType dataType;
  private final float scale;
  /** 1 / scale in double: multiplying is several times cheaper than dividing, per element of the hot path. */
  private final double inverseScale;
  private final int zeroPoint;

  private int[] shape;
  /** The tensor the views were made over, and its data address then (0 when unallocated). */
  private TfLiteTensor tensor;
  private long address;
  private int elementCount;
  private int rowElements;
  private long byteSize;
  private boolean stableAddress;
  private ByteBuffer bytes;
  private FloatBuffer floats;
  private ShortBuffer shorts;

  public TensorBinding(int index, String name, TfLiteTensor tensor) {
    this.index = index;
    this.name = name;
    this.tensorName = tensorflowlite.TfLiteTensorName(tensor).getString();
    this.dataType = DataType.fromCode(tensorflowlite.TfLiteTensorType(tensor));
    try (TfLiteQuantizationParams quantization = tensorflowlite.TfLiteTensorQuantizationParams(tensor)) {
      this.scale = quantization.scale();
      this.zeroPoint = quantization.zero_point();
    }
    this.inverseScale = scale != 0f ? 1.0 / scale : 0.0;
    this.shapeSignature = readSignature(tensor, readShape(tensor));
    refresh(tensor);
  }

  /**
   * A float32 tensor whose memory is a host buffer owned by another runtime (LiteRT's staging buffers), bound with
   * {@link #bindHost} after every (re)allocation.
   *
   * @param shapeSignature the declared shape, -1 for dynamic dimensions
   */
  public TensorBinding(int index, String name, String tensorName, int[] shapeSignature) {
    this.index = index;
    this.name = name;
    this.tensorName = tensorName;
    this.dataType = DataType.FLOAT32;
    this.scale = 0f;
    this.zeroPoint = 0;
    this.inverseScale = 0.0;
    this.shapeSignature = shapeSignature.clone();
    this.shape = shapeSignature.clone();
  }

  /**
   * Rebuilds the views over a host buffer of native memory that holds the tensor at {@code shape} (the buffer's owner
   * keeps it alive until the next bind). Not for the hot path.
   */
  public void bindHost(ByteBuffer memory, int[] shape) {
    long count = 1;
    for (int dim : shape) {
      count *= dim;
    }
    if (count * Float.BYTES != memory.capacity()) {
      throw new LiteModelException(LiteModelException.Status.ERROR, "tensor '" + name + "' of shape "
          + Arrays.toString(shape) + " came with " + memory.capacity() + " bytes of buffer");
    }
    this.shape = shape.clone();
    elementCount = (int) count;
    rowElements = shape.length <= 1 ? elementCount : (shape[0] == 0 ? 0 : elementCount / shape[0]);
    byteSize = memory.capacity();
    stableAddress = true;
    bytes = memory.duplicate().order(ByteOrder.nativeOrder());
    floats = bytes.asFloatBuffer();
    shorts = null;
  }

  /** @return the tensor's declared shape with -1 for dynamic dimensions ({@code shape} when it declares none) */
  public static int[] readSignature(TfLiteTensor tensor, int[] shape) {
    TfLiteIntArray signature = tensorflowlite.TfLiteTensorGetDimsSignature(tensor);
    if (signature == null || signature.isNull() || signature.size() == 0) {
      return shape;
    }
    int[] declared = new int[signature.size()];
    for (int i = 0; i < declared.length; i++) {
      declared[i] = signature.data(i);
    }
    return declared;
  }

  /** @return the tensor's current shape */
  public static int[] readShape(TfLiteTensor tensor) {
    int[] dims = new int[tensorflowlite.TfLiteTensorNumDims(tensor)];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = tensorflowlite.TfLiteTensorDim(tensor, i);
    }
    return dims;
  }

  /** Rebuilds the cached views after the tensor was (re)allocated. Not for the hot path. */
  public void refresh(TfLiteTensor tensor) {
    shape = readShape(tensor);
    long count = 1;
    for (int dim : shape) {
      count *= dim;
    }
    if (count > Integer.MAX_VALUE) {
      throw new LiteModelException(LiteModelException.Status.ERROR,
          "tensor '" + name + "' has " + count + " elements, more than a Java buffer can address");
    }
    elementCount = (int) count;
    rowElements = shape.length <= 1 ? elementCount : (shape[0] == 0 ? 0 : elementCount / shape[0]);
    this.tensor = tensor;
    byteSize = tensorflowlite.TfLiteTensorByteSize(tensor);
    Pointer data = tensorflowlite.TfLiteTensorData(tensor);
    address = data == null ? 0 : data.address();
    int strategy = tensorflowlite.TfLiteTensorGetAllocationStrategy(tensor);
    stableAddress = data != null && !data.isNull() && (strategy == tensorflowlite.kTfLiteAllocationStrategyArena
        || strategy == tensorflowlite.kTfLiteAllocationStrategyMMap);
    if (data == null || data.isNull() || byteSize == 0) {
      bytes = null;
      floats = null;
      shorts = null;
      return;
    }
    bytes = new BytePointer(data).capacity(byteSize).asByteBuffer().order(ByteOrder.nativeOrder());
    floats = dataType == DataType.FLOAT32 ? bytes.asFloatBuffer() : null;
    shorts = (dataType == DataType.FLOAT16 || dataType == DataType.INT16) ? bytes.asShortBuffer() : null;
  }

  int index() {
    return index;
  }

  /**
   * Rebuilds the views when the tensor's memory moved or changed size since they were made (a graph with dynamic
   * tensors may move its whole arena during an invocation). One JNI call that allocates nothing when nothing moved.
   *
   * @return true when the views were rebuilt
   */
  public boolean refreshIfMoved() {
    if (tensor == null || LiteModelShim.lm_tensor_changed(tensor, address, byteSize) == 0) {
      return false;
    }
    refresh(tensor);
    return true;
  }

  /**
   * @return true when the tensor lives in the interpreter's arena (or the model's mapped memory), so its address only
   *     changes when tensors are reallocated; false when {@code Invoke} may (re)allocate it
   */
  public boolean stableAddress() {
    return stableAddress;
  }

  @Override
  public String name() {
    return name;
  }

  /** @return the tensor's own name in the graph (may differ from {@link #name()}, a signature name) */
  public String tensorName() {
    return tensorName;
  }

  DataType dataType() {
    return dataType;
  }

  /** @return elements in the whole allocated tensor */
  int elementCount() {
    return elementCount;
  }

  /** @return elements in one row (the tensor without its first dimension) */
  int rowElements() {
    return rowElements;
  }

  /** @return {@link #rowElements()}: always known, at the shape the tensor is allocated at */
  @Override
  public long elementsPerRow() {
    return rowElements;
  }

  /** @return the allocated shape and the declared one, e.g. {@code [1, 256], declared [-1, 256]} */
  @Override
  public String shapeText() {
    return Arrays.toString(shape) + ", declared " + Arrays.toString(shapeSignature);
  }

  @Override
  public String declaredShapeText() {
    return Arrays.toString(shapeSignature);
  }

  public int[] shapeView() {
    return shape;
  }

  public int[] shapeSignatureView() {
    return shapeSignature;
  }

  /** @return true when the first dimension is declared {@code -1} */
  public boolean dynamicBatch() {
    return shapeSignature.length > 0 && shapeSignature[0] == -1;
  }

  /** @return the cached native-order view of the whole tensor (null if unallocated); callers must not keep it */
  ByteBuffer bytes() {
    return bytes;
  }

  /**
   * @param kind {@code "input"} or {@code "output"}, for messages
   * @return the names {@code bindings} are addressed by: signature names, and tensor names that shadow none of them
   */
  public static NameIndex nameIndex(TensorBinding[] bindings, String kind) {
    String[] names = new String[bindings.length];
    String[] tensorNames = new String[bindings.length];
    for (int i = 0; i < bindings.length; i++) {
      names[i] = bindings[i].name;
      tensorNames[i] = bindings[i].tensorName;
    }
    return new NameIndex(kind, names, tensorNames);
  }

  public TensorSpec spec() {
    return new TensorSpec(index, name, tensorName, shape, shapeSignature, dataType, scale, zeroPoint, byteSize);
  }

  /** Throws unless the float API can convert this tensor's type. */
  void requireFloatConvertible() {
    CallContract.requireFloat(this);
  }

  /** @return why the float API cannot read or write this tensor, or null when it can */
  @Override
  public String floatApiProblem() {
    if (!dataType.isFloatConvertible()) {
      return "tensor '" + name + "' holds " + dataType
          + ", which the float API cannot convert; use setInputBytes()/getOutputBytes() for raw access";
    }
    boolean integer = dataType == DataType.INT8 || dataType == DataType.UINT8 || dataType == DataType.INT16;
    if (integer && scale == 0f) {
      return "tensor '" + name + "' holds " + dataType + " without quantization parameters, so its values have "
          + "no float meaning; use setInputBytes()/getOutputBytes() for raw access";
    }
    return null;
  }

  /** Drops the cached views (after a failed reallocation), so any use fails cleanly until the next refresh. */
  public void invalidate() {
    bytes = null;
    floats = null;
    shorts = null;
  }

  private ByteBuffer checkedBytes() {
    if (bytes == null) {
      throw new LiteModelException(LiteModelException.Status.OUTPUT_SHAPE_NOT_KNOWN,
          "tensor '" + name + "' has no allocated memory");
    }
    return bytes;
  }

  /**
   * Writes {@code length} floats from {@code src[srcOffset..]} into elements {@code [offset, offset+length)},
   * quantizing or narrowing to the tensor's type. Bounds are the caller's duty.
   */
  void write(float[] src, int srcOffset, int offset, int length) {
    checkedBytes();
    switch (dataType) {
      case FLOAT32:
        floats.put(offset, src, srcOffset, length);
        break;
      case INT8:
        for (int i = 0; i < length; i++) {
          bytes.put(offset + i, (byte) quantize(src[srcOffset + i], -128, 127));
        }
        break;
      case UINT8:
        for (int i = 0; i < length; i++) {
          bytes.put(offset + i, (byte) quantize(src[srcOffset + i], 0, 255));
        }
        break;
      case INT16:
        for (int i = 0; i < length; i++) {
          shorts.put(offset + i, (short) quantize(src[srcOffset + i], -32768, 32767));
        }
        break;
      case FLOAT16:
        for (int i = 0; i < length; i++) {
          shorts.put(offset + i, Float16.fromFloat(src[srcOffset + i]));
        }
        break;
      default:
        requireFloatConvertible();
    }
  }

  /** Like {@link #write(float[], int, int, int)}, from a buffer's absolute positions. */
  void write(FloatBuffer src, int srcOffset, int offset, int length) {
    checkedBytes();
    if (dataType == DataType.FLOAT32) {
      floats.put(offset, src, srcOffset, length);
      return;
    }
    for (int i = 0; i < length; i++) {
      float value = src.get(srcOffset + i);
      switch (dataType) {
        case INT8 -> bytes.put(offset + i, (byte) quantize(value, -128, 127));
        case UINT8 -> bytes.put(offset + i, (byte) quantize(value, 0, 255));
        case INT16 -> shorts.put(offset + i, (short) quantize(value, -32768, 32767));
        case FLOAT16 -> shorts.put(offset + i, Float16.fromFloat(value));
        default -> requireFloatConvertible();
      }
    }
  }

  /** Reads elements {@code [offset, offset+length)} into {@code dst[dstOffset..]}, dequantizing as needed. */
  void read(int offset, float[] dst, int dstOffset, int length) {
    checkedBytes();
    switch (dataType) {
      case FLOAT32:
        floats.get(offset, dst, dstOffset, length);
        break;
      case INT8:
        for (int i = 0; i < length; i++) {
          dst[dstOffset + i] = (bytes.get(offset + i) - zeroPoint) * scale;
        }
        break;
      case UINT8:
        for (int i = 0; i < length; i++) {
          dst[dstOffset + i] = ((bytes.get(offset + i) & 0xff) - zeroPoint) * scale;
        }
        break;
      case INT16:
        for (int i = 0; i < length; i++) {
          dst[dstOffset + i] = (shorts.get(offset + i) - zeroPoint) * scale;
        }
        break;
      case FLOAT16:
        for (int i = 0; i < length; i++) {
          dst[dstOffset + i] = Float16.toFloat(shorts.get(offset + i));
        }
        break;
      default:
        requireFloatConvertible();
    }
  }

  /** Like {@link #read(int, float[], int, int)}, into a buffer's absolute positions. */
  void read(int offset, FloatBuffer dst, int dstOffset, int length) {
    checkedBytes();
    if (dataType == DataType.FLOAT32) {
      dst.put(dstOffset, floats, offset, length);
      return;
    }
    for (int i = 0; i < length; i++) {
      float value = switch (dataType) {
        case INT8 -> (bytes.get(offset + i) - zeroPoint) * scale;
        case UINT8 -> ((bytes.get(offset + i) & 0xff) - zeroPoint) * scale;
        case INT16 -> (shorts.get(offset + i) - zeroPoint) * scale;
        case FLOAT16 -> Float16.toFloat(shorts.get(offset + i));
        default -> {
          requireFloatConvertible();
          yield 0f;
        }
      };
      dst.put(dstOffset + i, value);
    }
  }

  /** Fills elements {@code [offset, offset+length)} with the encoding of 0.0 (used to pad fixed-size batches). */
  void clear(int offset, int length) {
    int elementBytes = dataType.byteSize();
    byte fill = (dataType == DataType.INT8 || dataType == DataType.UINT8) ? (byte) zeroPoint : 0;
    ByteBuffer target = checkedBytes();
    for (int i = offset * elementBytes, end = (offset + length) * elementBytes; i < end; i++) {
      target.put(i, fill);
    }
    if (dataType == DataType.INT16 && zeroPoint != 0) {
      for (int i = 0; i < length; i++) {
        shorts.put(offset + i, (short) zeroPoint);
      }
    }
  }

  /**
   * Affine quantization with TensorFlow Lite's rounding: round half away from zero of {@code x / scale}, plus the
   * zero point, saturated to the type's range. Computed in double (with the inverse scale, see its field) so that
   * huge values and infinities saturate instead of overflowing an int; NaN maps to the zero point.
   */
  private int quantize(float value, int min, int max) {
    if (value != value) {
      return clamp(zeroPoint, min, max);
    }
    double scaled = value * inverseScale;
    double q = (scaled < 0 ? -Math.floor(-scaled + 0.5) : Math.floor(scaled + 0.5)) + zeroPoint;
    return q <= min ? min : (q >= max ? max : (int) q);
  }

  private static int clamp(int value, int min, int max) {
    return value < min ? min : (value > max ? max : value);
  }
}
