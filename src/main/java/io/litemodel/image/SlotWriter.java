package io.litemodel.image;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * Decodes an image file and writes it, resized and normalized, into a batch slot: the two ways
 * {@link ImagePreprocessor} works ({@link ImageIoSlotWriter}, {@link OpenCvSlotWriter}). An interface so that
 * ImagePreprocessor links OpenCV classes only when OpenCV is chosen.
 */
interface SlotWriter extends AutoCloseable {
  /**
   * @param file the image file
   * @param slot at least height * width * channels values, written from index 0 with absolute puts
   * @throws IOException if the file cannot be read or decoded (the message names the file)
   */
  void write(Path file, FloatBuffer slot) throws IOException;

  /**
   * @param encoded an image file's bytes, already in memory (not kept)
   * @param name what error messages call the image
   * @param slot as for {@link #write(Path, FloatBuffer)}
   * @throws IOException if the bytes are not a decodable image (the message names {@code name})
   */
  void write(byte[] encoded, String name, FloatBuffer slot) throws IOException;

  /** Frees native memory, if any; idempotent. */
  @Override
  void close();
}
