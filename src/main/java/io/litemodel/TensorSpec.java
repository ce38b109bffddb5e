package io.litemodel;

import java.util.Arrays;

/**
 * An immutable description of one input or output tensor of a {@link LiteModel}: name, shape, type and quantization.
 *
 * <p>{@link #shape()} is the shape as currently allocated (its first dimension follows the batch size last used);
 * {@link #shapeSignature()} is the shape as the model declares it, with {@code -1} for dynamic dimensions.
 */
public final class TensorSpec {
  private final int index;
  private final String name;
  private final String tensorName;
  private final int[] shape;
  private final int[] shapeSignature;
  private final DataType dataType;
  private final float scale;
  private final int zeroPoint;
  private final long byteSize;

  public TensorSpec(
      int index,
      String name,
      String tensorName,
      int[] shape,
      int[] shapeSignature,
      DataType dataType,
      float scale,
      int zeroPoint,
      long byteSize) {
    this.index = index;
    this.name = name;
    this.tensorName = tensorName;
    this.shape = shape.clone();
    this.shapeSignature = shapeSignature.clone();
    this.dataType = dataType;
    this.scale = scale;
    this.zeroPoint = zeroPoint;
    this.byteSize = byteSize;
  }

  /**
   * Describes a float-or-other tensor of a runtime without quantization (the TensorFlow runtime's signatures).
   *
   * @param index position among the model's inputs (or outputs)
   * @param name the name users address it by (the signature key)
   * @param tensorName the graph's tensor name, e.g. {@code serving_default_input:0}
   * @param shape the shape as currently known (dynamic dimensions as declared)
   * @param shapeSignature the declared shape, {@code -1} for dynamic dimensions
   * @param dataType the element type
   * @return the description
   */
  public static TensorSpec unquantized(
      int index, String name, String tensorName, int[] shape, int[] shapeSignature, DataType dataType) {
    long elements = 1;
    for (int dim : shape) {
      elements *= Math.max(dim, 0);
    }
    return new TensorSpec(index, name, tensorName, shape, shapeSignature, dataType, 0f, 0,
        elements * dataType.byteSize());
  }

  /** @return the position of this tensor among the model's inputs (or outputs) */
  public int index() {
    return index;
  }

  /** @return the name users address the tensor by: the signature name when the model has one, else the tensor name */
  public String name() {
    return name;
  }

  /** @return the tensor's own name in the graph (for example {@code serving_default_features:0}) */
  public String tensorName() {
    return tensorName;
  }

  /** @return the allocated shape (a copy) */
  public int[] shape() {
    return shape.clone();
  }

  /** @return the declared shape with {@code -1} for dynamic dimensions (a copy) */
  public int[] shapeSignature() {
    return shapeSignature.clone();
  }

  /** @return the element type */
  public DataType dataType() {
    return dataType;
  }

  /** @return the quantization scale, or 0 when the tensor is not quantized */
  public float scale() {
    return scale;
  }

  /** @return the quantization zero point (0 when not quantized) */
  public int zeroPoint() {
    return zeroPoint;
  }

  /** @return true when the tensor carries a quantization scale */
  public boolean isQuantized() {
    return scale != 0f;
  }

  /** @return the allocated size in bytes */
  public long byteSize() {
    return byteSize;
  }

  /** @return the number of elements in the allocated shape */
  public long elementCount() {
    long count = 1;
    for (int dim : shape) {
      count *= dim;
    }
    return count;
  }

  /**
   * @return the number of elements in one row: the tensor without its first (batch) dimension, or the whole tensor
   *     when it has fewer than two dimensions
   */
  public int rowElements() {
    if (shape.length <= 1) {
      return (int) elementCount();
    }
    return shape[0] == 0 ? 0 : (int) (elementCount() / shape[0]);
  }

  /** @return true when the first dimension is declared dynamic ({@code -1}) and so can be resized for batching */
  public boolean hasDynamicBatch() {
    return shapeSignature.length > 0 && shapeSignature[0] == -1;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    text.append(name).append(' ').append(dataType).append(Arrays.toString(shapeSignature));
    if (isQuantized()) {
      text.append(" q(scale=").append(scale).append(", zero=").append(zeroPoint).append(')');
    }
    return text.toString();
  }
}
