package io.litemodel.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Decodes an image file into a reused 8-bit BGR image: what {@link ImagePreprocessor} needs from a decoder. An
 * interface so that ImagePreprocessor does not link OpenCV classes when only ImageIO is used.
 */
interface BgrDecoder extends AutoCloseable {
  /**
   * @return a {@link BufferedImage#TYPE_3BYTE_BGR} image backed by a byte array, reused by the next call
   * @throws IOException if the file cannot be read or decoded (the message names the file)
   */
  BufferedImage decode(Path file) throws IOException;

  /** Releases native memory, if any; idempotent. */
  @Override
  void close();
}
