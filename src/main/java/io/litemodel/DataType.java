package io.litemodel;

/**
 * Element types of TensorFlow Lite tensors, with the codes of the C API's {@code TfLiteType}.
 *
 * <p>The float API of {@link LiteModel} accepts {@link #FLOAT32}, {@link #FLOAT16} and the quantized integer types
 * ({@link #INT8}, {@link #UINT8}, {@link #INT16}), converting on the fly; every other type is reachable only through
 * the raw {@code ByteBuffer} API.
 */
public enum DataType {
  /** No type (an unset tensor). */
  NO_TYPE(0, 0),
  /** 32-bit IEEE float. */
  FLOAT32(1, 4),
  /** 32-bit signed integer. */
  INT32(2, 4),
  /** 8-bit unsigned integer, usually quantized. */
  UINT8(3, 1),
  /** 64-bit signed integer. */
  INT64(4, 8),
  /** Variable-length strings. */
  STRING(5, 0),
  /** Boolean, one byte each. */
  BOOL(6, 1),
  /** 16-bit signed integer, usually quantized. */
  INT16(7, 2),
  /** Complex of two 32-bit floats. */
  COMPLEX64(8, 8),
  /** 8-bit signed integer, usually quantized. */
  INT8(9, 1),
  /** 16-bit IEEE half-precision float. */
  FLOAT16(10, 2),
  /** 64-bit IEEE float. */
  FLOAT64(11, 8),
  /** Complex of two 64-bit floats. */
  COMPLEX128(12, 16),
  /** 64-bit unsigned integer. */
  UINT64(13, 8),
  /** Resource handle. */
  RESOURCE(14, 0),
  /** Variant handle. */
  VARIANT(15, 0),
  /** 32-bit unsigned integer. */
  UINT32(16, 4),
  /** 16-bit unsigned integer. */
  UINT16(17, 2),
  /** 4-bit signed integer, packed. */
  INT4(18, 0),
  /** bfloat16. */
  BFLOAT16(19, 2);

  private static final DataType[] BY_CODE = values();

  private final int code;
  private final int byteSize;

  DataType(int code, int byteSize) {
    this.code = code;
    this.byteSize = byteSize;
  }

  /** @return the {@code TfLiteType} code */
  public int code() {
    return code;
  }

  /** @return bytes per element, or 0 for types without a fixed element size */
  public int byteSize() {
    return byteSize;
  }

  /** @return true when the float API of {@link LiteModel} can read and write tensors of this type */
  public boolean isFloatConvertible() {
    return this == FLOAT32 || this == FLOAT16 || this == INT8 || this == UINT8 || this == INT16;
  }

  /**
   * @param code a {@code TfLiteType} code
   * @return the matching type
   * @throws IllegalArgumentException for an unknown code
   */
  public static DataType fromCode(int code) {
    if (code < 0 || code >= BY_CODE.length || BY_CODE[code].code != code) {
      throw new IllegalArgumentException("unknown TfLiteType code " + code);
    }
    return BY_CODE[code];
  }
}
