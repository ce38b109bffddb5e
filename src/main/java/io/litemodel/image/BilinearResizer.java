package io.litemodel.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.FloatBuffer;

/**
 * Resizes an 8-bit BGR image to H x W with bilinear interpolation and writes normalized floats, in RGB (or grey)
 * order, straight into a batch slot.
 *
 * <p>The sampling matches TensorFlow's {@code tf.image.resize(..., "bilinear")} (half-pixel centres, no
 * antialiasing), so a Java pipeline and a tf.data pipeline see the same inputs. Column tables are computed once per
 * source width and reused; one output row is assembled in a scratch array and written with one bulk put.
 *
 * <p><b>Not thread-safe:</b> one instance per thread.
 */
public final class BilinearResizer {
  private final int height;
  private final int width;
  private final int channels;
  private final Normalization normalization;
  private final float[] row;
  private final int[] left;
  private final int[] right;
  private final float[] xWeight;
  private int tableWidth = -1;

  /**
   * @param height output height
   * @param width output width
   * @param channels 3 for RGB output, 1 for grey (ITU-R BT.601 luma, normalized with the red channel's settings)
   * @param normalization how channel values become floats
   */
  public BilinearResizer(int height, int width, int channels, Normalization normalization) {
    checkTarget(height, width, channels);
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.normalization = java.util.Objects.requireNonNull(normalization, "normalization");
    this.row = new float[width * channels];
    this.left = new int[width];
    this.right = new int[width];
    this.xWeight = new float[width];
  }

  /**
   * Checks an output size and channel count, for this resizer and the OpenCV one alike.
   *
   * @throws IllegalArgumentException when a dimension is not positive or the channels are neither 1 nor 3
   */
  static void checkTarget(int height, int width, int channels) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("output size must be positive, got " + height + "x" + width);
    }
    if (channels != 3 && channels != 1) {
      throw new IllegalArgumentException("images give 1 or 3 channels; the model wants " + channels);
    }
  }

  /** @return the values one image needs: height * width * channels */
  public int elements() {
    return height * width * channels;
  }

  /**
   * Resizes {@code image} into {@code slot} (from index 0, absolute puts; the slot's position is not used).
   *
   * @param image a {@link BufferedImage#TYPE_3BYTE_BGR} image as {@link ImageDecoder} returns
   * @param slot at least {@link #elements()} values
   * @throws IllegalArgumentException if the image is not 3-byte BGR or the slot is too small
   */
  public void resize(BufferedImage image, FloatBuffer slot) {
    if (image.getType() != BufferedImage.TYPE_3BYTE_BGR) {
      throw new IllegalArgumentException("expected a TYPE_3BYTE_BGR image, got type " + image.getType());
    }
    if (slot.limit() < elements()) {
      throw new IllegalArgumentException("slot holds " + slot.limit() + " values, the image needs " + elements());
    }
    byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    int srcWidth = image.getWidth();
    int srcHeight = image.getHeight();
    if (srcWidth != tableWidth) {
      columnTable(srcWidth);
    }
    int stride = srcWidth * 3;
    float scaleY = (float) srcHeight / height;
    for (int y = 0; y < height; y++) {
      float in = (y + 0.5f) * scaleY - 0.5f;
      int floor = (int) Math.floor(in);
      int top = Math.max(floor, 0) * stride;
      int bottom = Math.min(floor + 1, srcHeight - 1) * stride;
      float wy = in - floor;
      if (floor < 0) {
        wy = 0f;
      }
      if (channels == 3) {
        rgbRow(pixels, top, bottom, wy);
      } else {
        greyRow(pixels, top, bottom, wy);
      }
      slot.put(y * row.length, row, 0, row.length);
    }
  }

  private void rgbRow(byte[] pixels, int top, int bottom, float wy) {
    float scaleR = normalization.scale(0);
    float scaleG = normalization.scale(1);
    float scaleB = normalization.scale(2);
    float offsetR = normalization.offset(0);
    float offsetG = normalization.offset(1);
    float offsetB = normalization.offset(2);
    for (int x = 0, o = 0; x < width; x++, o += 3) {
      int a = left[x];
      int b = right[x];
      float wx = xWeight[x];
      // BGR in memory: +2 is red, +1 green, +0 blue.
      row[o] = lerp(pixels, top + a + 2, top + b + 2, bottom + a + 2, bottom + b + 2, wx, wy) * scaleR + offsetR;
      row[o + 1] = lerp(pixels, top + a + 1, top + b + 1, bottom + a + 1, bottom + b + 1, wx, wy) * scaleG + offsetG;
      row[o + 2] = lerp(pixels, top + a, top + b, bottom + a, bottom + b, wx, wy) * scaleB + offsetB;
    }
  }

  private void greyRow(byte[] pixels, int top, int bottom, float wy) {
    float scale = normalization.scale(0);
    float offset = normalization.offset(0);
    for (int x = 0; x < width; x++) {
      int a = left[x];
      int b = right[x];
      float wx = xWeight[x];
      float r = lerp(pixels, top + a + 2, top + b + 2, bottom + a + 2, bottom + b + 2, wx, wy);
      float g = lerp(pixels, top + a + 1, top + b + 1, bottom + a + 1, bottom + b + 1, wx, wy);
      float bl = lerp(pixels, top + a, top + b, bottom + a, bottom + b, wx, wy);
      row[x] = (0.299f * r + 0.587f * g + 0.114f * bl) * scale + offset;
    }
  }

  private static float lerp(byte[] p, int tl, int tr, int bl, int br, float wx, float wy) {
    float t = (p[tl] & 0xff) + ((p[tr] & 0xff) - (p[tl] & 0xff)) * wx;
    float b = (p[bl] & 0xff) + ((p[br] & 0xff) - (p[bl] & 0xff)) * wx;
    return t + (b - t) * wy;
  }

  /** Half-pixel-centre source columns (as byte offsets) and weights for each output column. */
  private void columnTable(int srcWidth) {
    float scaleX = (float) srcWidth / width;
    for (int x = 0; x < width; x++) {
      float in = (x + 0.5f) * scaleX - 0.5f;
      int floor = (int) Math.floor(in);
      left[x] = Math.max(floor, 0) * 3;
      right[x] = Math.min(floor + 1, srcWidth - 1) * 3;
      xWeight[x] = floor < 0 ? 0f : in - floor;
    }
    tableWidth = srcWidth;
  }
}
