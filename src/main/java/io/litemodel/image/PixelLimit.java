package io.litemodel.image;

import java.io.IOException;

/**
 * The most pixels a decoder accepts, checked against the size a file's header declares before anything is allocated
 * for its pixels.
 *
 * <p>Why: decoders allocate the whole image from the declared size first and read the pixel data after, so a file of
 * a few kilobytes that declares 12000 x 12000 pixels costs 432 MB as BGR before it fails on its missing data.
 */
final class PixelLimit {
  private PixelLimit() {}

  /**
   * @param maxPixels the limit to validate
   * @return {@code maxPixels}
   * @throws IllegalArgumentException if it is not positive
   */
  static long validate(long maxPixels) {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
    }
    return maxPixels;
  }

  /**
   * @param format the file's format, for the message
   * @param width the declared width, an unsigned 32-bit value at most (a PNG's)
   * @param height the declared height, likewise
   * @throws IOException naming the declared size and the limit when {@code width * height} exceeds {@code maxPixels}
   */
  static void check(String format, long width, long height, long maxPixels) throws IOException {
    // Two unsigned 32-bit factors: the product fits 64 bits unsigned, and is compared and printed as such.
    long pixels = width * height;
    if (Long.compareUnsigned(pixels, maxPixels) > 0) {
      throw new IOException(format + " declares " + width + "x" + height + " = " + Long.toUnsignedString(pixels)
          + " pixels, over the limit of " + maxPixels + " pixels (raise it with the decoder's maxPixels)");
    }
  }
}
