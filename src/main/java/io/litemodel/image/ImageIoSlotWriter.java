package io.litemodel.image;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * The path without OpenCV: the JDK's ImageIO decodes ({@link ImageDecoder}) and a scalar Java loop resizes and
 * normalizes ({@link BilinearResizer}). Always decodes at full size.
 */
final class ImageIoSlotWriter implements SlotWriter {
  private final ImageDecoder decoder;
  private final BilinearResizer resizer;

  ImageIoSlotWriter(int height, int width, int channels, Normalization normalization, long maxPixels) {
    this.decoder = new ImageDecoder(maxPixels);
    this.resizer = new BilinearResizer(height, width, channels, normalization);
  }

  @Override
  public void write(Path file, FloatBuffer slot) throws IOException {
    resizer.resize(decoder.decode(file), slot);
  }

  @Override
  public void write(byte[] encoded, String name, FloatBuffer slot) throws IOException {
    resizer.resize(decoder.decode(encoded, name), slot);
  }

  @Override
  public void close() {
    decoder.close();
  }
}
