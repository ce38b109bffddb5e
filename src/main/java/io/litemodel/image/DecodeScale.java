package io.litemodel.image;

import java.util.Locale;

/**
 * At what size {@link ImagePreprocessor} decodes a JPEG before resizing it to the model's input.
 *
 * <p>libjpeg-turbo can decode a JPEG straight to 1/2, 1/4 or 1/8 of its size by scaling in the DCT domain, which
 * skips most of the inverse transform and the colour conversion of pixels the resize would throw away. The reduced
 * image is a box-filtered version of the full one, so the model sees a slightly smoother (less aliased) input than
 * from {@code tf.image.resize(..., antialias=False)} of the full image; {@code docs/performance.md} gives the
 * measured pixel differences and the effect on trained models. TensorFlow offers the same shortcut as
 * {@code tf.io.decode_jpeg(..., ratio=k)}.
 *
 * <p>Applies to JPEGs decoded by OpenCV ({@link DecoderKind#OPENCV}); ImageIO, and every other format, always decode
 * at full size.
 */
public enum DecodeScale {
  /** Decode at full size, then resize: what {@code tf.image.resize} of {@code tf.io.decode_jpeg} sees. The default. */
  EXACT,
  /**
   * Decode at the smallest of 1/8, 1/4, 1/2 and 1/1 of the JPEG's size that is still at least the model's input
   * height and width, then resize.
   */
  AUTO;

  /** The reductions libjpeg offers in the DCT domain, largest first. */
  private static final int[] REDUCTIONS = {8, 4, 2};

  /**
   * @param sourceHeight the JPEG's height
   * @param sourceWidth the JPEG's width
   * @param height the model's input height
   * @param width the model's input width
   * @return the divisor to decode at: 1 for {@link #EXACT}; for {@link #AUTO} the largest of 8, 4, 2 whose decoded
   *     size (libjpeg rounds up) is at least {@code height} x {@code width}, else 1
   */
  int reduction(int sourceHeight, int sourceWidth, int height, int width) {
    if (this == EXACT) {
      return 1;
    }
    for (int k : REDUCTIONS) {
      if (ceilDiv(sourceHeight, k) >= height && ceilDiv(sourceWidth, k) >= width) {
        return k;
      }
    }
    return 1;
  }

  private static int ceilDiv(int value, int divisor) {
    return (value + divisor - 1) / divisor;
  }

  /**
   * Parses a command-line spelling, case-insensitively: {@code exact} or {@code auto}.
   *
   * @throws IllegalArgumentException if the text is neither
   */
  public static DecodeScale parse(String text) {
    for (DecodeScale scale : values()) {
      if (scale.name().equals(text.toUpperCase(Locale.ROOT))) {
        return scale;
      }
    }
    throw new IllegalArgumentException("unknown decode scale '" + text + "'; use exact or auto");
  }
}
