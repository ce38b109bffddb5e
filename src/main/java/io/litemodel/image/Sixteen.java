package io.litemodel.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;

/**
 * Turns a 16-bit image (grey, grey + alpha, RGB or RGBA, as ImageIO decodes 16-bit PNGs) into 8-bit BGR by keeping
 * each sample's high byte, as {@code tf.image.decode_png(..., dtype=tf.uint8)} and PIL's RGB modes do. Alpha is
 * drawn over black, as {@link ImageDecoder} does for 8-bit images. (PIL's grey {@code I;16} to RGB clips at 255
 * instead, so nearly every pixel of a 16-bit grey image becomes white there; that is a PIL quirk, not a conversion
 * to copy, and tf.image is the reference for grey.)
 */
final class Sixteen {
  private Sixteen() {}

  /**
   * @param raster 16-bit samples, 1 to 4 bands
   * @param destination a {@link BufferedImage#TYPE_3BYTE_BGR} image of the raster's size, filled and returned
   */
  static BufferedImage toBgr(Raster raster, BufferedImage destination) {
    int width = raster.getWidth();
    int height = raster.getHeight();
    int bands = raster.getNumBands();
    if (bands < 1 || bands > 4) {
      throw new IllegalArgumentException("a 16-bit image with " + bands + " channels is not supported");
    }
    byte[] out = ((DataBufferByte) destination.getRaster().getDataBuffer()).getData();
    int[] row = new int[width * bands];
    boolean alpha = bands == 2 || bands == 4;
    for (int y = 0; y < height; y++) {
      raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
      int o = y * width * 3;
      for (int x = 0; x < width * bands; x += bands) {
        int r = row[x] >> 8;
        int g = bands >= 3 ? row[x + 1] >> 8 : r;
        int b = bands >= 3 ? row[x + 2] >> 8 : r;
        if (alpha) {
          int a = row[x + bands - 1] >> 8;
          r = over(r, a);
          g = over(g, a);
          b = over(b, a);
        }
        out[o++] = (byte) b;
        out[o++] = (byte) g;
        out[o++] = (byte) r;
      }
    }
    return destination;
  }

  /** @return {@code value} drawn over black with opacity {@code alpha}, rounded */
  private static int over(int value, int alpha) {
    return (value * alpha + 127) / 255;
  }
}
