package io.litemodel.spark;

import io.litemodel.image.BilinearResizer;
import io.litemodel.image.ImageDecoder;
import io.litemodel.image.Normalization;
import java.nio.FloatBuffer;
import org.apache.spark.sql.Row;

/**
 * Images from a binary column: decoded with {@link ImageDecoder} (ImageIO, as the {@code predict} command's jar
 * does, with the same checks for cut and damaged files), resized bilinearly and normalized into the slot.
 */
final class ImageInput implements RowInput {
  private final int content;
  private final int path;
  private final String contentName;
  private final ImageDecoder decoder = new ImageDecoder();
  private final BilinearResizer resizer;

  /** @param path the position of the column that names the image in messages, or -1 */
  ImageInput(int content, String contentName, int path, int[] hwc, Normalization normalization) {
    this.content = content;
    this.contentName = contentName;
    this.path = path;
    this.resizer = new BilinearResizer(hwc[0], hwc[1], hwc[2], normalization);
  }

  @Override
  public void write(Row row, FloatBuffer slot) throws Exception {
    if (row.isNullAt(content)) {
      throw new IllegalArgumentException("image column '" + contentName + "' is null");
    }
    byte[] encoded = (byte[]) row.get(content);
    String name = describe(row);
    resizer.resize(decoder.decode(encoded, name == null ? "in column '" + contentName + "'" : name), slot);
  }

  @Override
  public String describe(Row row) {
    return path >= 0 && !row.isNullAt(path) ? row.get(path).toString() : null;
  }
}
