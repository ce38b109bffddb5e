package io.litemodel.spark;

import io.litemodel.image.DecodeScale;
import io.litemodel.image.DecoderKind;
import io.litemodel.image.ImagePreprocessor;
import io.litemodel.image.Normalization;
import java.nio.FloatBuffer;
import org.apache.spark.sql.Row;

/**
 * Images from a binary column, through the batch pipeline's {@link ImagePreprocessor}: decoded (OpenCV where it
 * loads, else ImageIO, with the same checks for cut and damaged files as the {@code predict} command), resized and
 * normalized straight into the slot. One preprocessor per partition, reusing its decoder, images and resize tables
 * for every row, and closed (freeing OpenCV's native memory) when the partition ends.
 */
final class ImageInput implements RowInput {
  private final int content;
  private final int path;
  private final String contentName;
  /** How messages name an image without a path: built once, not per row. */
  private final String unnamed;
  private final ImagePreprocessor preprocessor;

  /**
   * @param path the position of the column that names the image in messages, or -1
   * @throws IllegalStateException if {@code decoder} is {@link DecoderKind#OPENCV} and OpenCV does not load here
   */
  ImageInput(int content, String contentName, int path, int[] hwc, Normalization normalization, DecoderKind decoder,
      DecodeScale scale) {
    this.content = content;
    this.path = path;
    this.contentName = contentName;
    this.unnamed = "in column '" + contentName + "'";
    this.preprocessor = new ImagePreprocessor(hwc[0], hwc[1], hwc[2], normalization, decoder, scale);
  }

  @Override
  public void write(Row row, FloatBuffer slot) throws Exception {
    if (row.isNullAt(content)) {
      throw new IllegalArgumentException("image column '" + contentName + "' is null");
    }
    String name = describe(row);
    preprocessor.write((byte[]) row.get(content), name == null ? unnamed : name, slot);
  }

  @Override
  public String describe(Row row) {
    return path >= 0 && !row.isNullAt(path) ? row.get(path).toString() : null;
  }

  @Override
  public void close() {
    preprocessor.close();
  }
}
