package io.litemodel.spark;

/** What the input columns of a {@link ModelTransformer} hold. */
public enum InputKind {
  /**
   * Numeric features: one {@code array<float>} (or {@code array<double>}) column holding a whole input row, or
   * several numeric columns, one value each, in the model's input order.
   */
  FEATURES,
  /**
   * Encoded images in a binary column (Spark's {@code binaryFile} source: {@code content}, named by its
   * {@code path} column), decoded, resized and normalized as the {@code predict} command does.
   */
  IMAGE
}
