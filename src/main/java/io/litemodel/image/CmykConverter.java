package io.litemodel.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;

/**
 * Turns the raw four channels of a CMYK or YCCK JPEG into 8-bit BGR exactly as PIL's {@code convert("RGB")} does, so a
 * model sees the pixels it was trained on in Python.
 *
 * <p>PIL's rules: a file with an Adobe APP14 marker stores its inks inverted (Photoshop's convention); one without
 * stores them as they are. Each colour is {@code (255 - ink) * (255 - black) / 255}, rounded. A YCCK file (Adobe
 * transform 2) first turns its Y, Cb, Cr into (inverted) C, M, Y with libjpeg's fixed-point YCbCr arithmetic, as
 * libjpeg does for PIL. PIL is the reference: tf.image.decode_jpeg with its default fast IDCT is up to 11 levels from
 * PIL on video-001.cmyk.jpeg (20 on the plain JPEG video-001.jpeg), and with {@code dct_method="INTEGER_ACCURATE"}
 * within 1 level on CMYK (mean 0.24) and equal on YCCK.
 */
final class CmykConverter {
  private static final int SCALE = 16;
  private static final int HALF = 1 << (SCALE - 1);
  /** libjpeg's jdcolor.c tables: the colour offsets for each Cb/Cr value. */
  private static final int[] CR_R = new int[256];
  private static final int[] CB_B = new int[256];
  private static final int[] CR_G = new int[256];
  private static final int[] CB_G = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int x = i - 128;
      CR_R[i] = (fix(1.40200) * x + HALF) >> SCALE;
      CB_B[i] = (fix(1.77200) * x + HALF) >> SCALE;
      CR_G[i] = -fix(0.71414) * x;
      CB_G[i] = -fix(0.34414) * x + HALF;
    }
  }

  private CmykConverter() {}

  private static int fix(double value) {
    return (int) (value * (1 << SCALE) + 0.5);
  }

  /**
   * @param raw the JPEG's decoded channels (C, M, Y, K or Y, Cb, Cr, K), 8 bits each, as ImageIO's readRaster gives
   * @param adobeTransform the APP14 transform (2 = YCCK), or -1 when the file has no Adobe marker
   * @param destination a {@link BufferedImage#TYPE_3BYTE_BGR} image of the raster's size, filled and returned
   */
  static BufferedImage toBgr(Raster raw, int adobeTransform, BufferedImage destination) {
    int width = raw.getWidth();
    int height = raw.getHeight();
    byte[] out = ((DataBufferByte) destination.getRaster().getDataBuffer()).getData();
    int[] row = new int[width * 4];
    boolean ycck = adobeTransform == 2;
    boolean inverted = adobeTransform >= 0;
    for (int y = 0; y < height; y++) {
      raw.getPixels(raw.getMinX(), raw.getMinY() + y, width, 1, row);
      int o = y * width * 3;
      for (int x = 0; x < width * 4; x += 4) {
        int c = row[x];
        int m = row[x + 1];
        int k = row[x + 3];
        int ye = row[x + 2];
        if (ycck) {
          // libjpeg's ycck_cmyk_convert: C, M, Y = 255 - R, G, B of the YCbCr triple (clamped)
          int luma = c;
          int cb = m;
          int cr = ye;
          c = 255 - clamp(luma + CR_R[cr]);
          m = 255 - clamp(luma + ((CB_G[cb] + CR_G[cr]) >> SCALE));
          ye = 255 - clamp(luma + CB_B[cb]);
        }
        if (!inverted) {
          c = 255 - c;
          m = 255 - m;
          ye = 255 - ye;
          k = 255 - k;
        }
        // Inverted values v = 255 - ink, so colour = v * v_black / 255, rounded as PIL's MULDIV255.
        out[o++] = (byte) multiply(ye, k);
        out[o++] = (byte) multiply(m, k);
        out[o++] = (byte) multiply(c, k);
      }
    }
    return destination;
  }

  private static int clamp(int value) {
    return value < 0 ? 0 : Math.min(value, 255);
  }

  /** @return round(a * b / 255) for 8-bit a and b, PIL's MULDIV255 */
  private static int multiply(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  }
}
