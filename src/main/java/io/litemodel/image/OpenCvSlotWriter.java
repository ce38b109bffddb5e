package io.litemodel.image;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * The OpenCV path: {@link OpenCvImageDecoder} decodes into a reused {@code Mat} (JPEGs at the size
 * {@link DecodeScale} chooses), and {@link OpenCvResizer} resizes and normalizes it straight into the slot's memory.
 */
final class OpenCvSlotWriter implements SlotWriter {
  private final OpenCvImageDecoder decoder;
  private final OpenCvResizer resizer;
  private final DecodeScale scale;
  private final int height;
  private final int width;

  OpenCvSlotWriter(int height, int width, int channels, Normalization normalization, DecodeScale scale,
      long maxPixels) {
    this.decoder = new OpenCvImageDecoder(maxPixels);
    this.resizer = new OpenCvResizer(height, width, channels, normalization);
    this.scale = scale;
    this.height = height;
    this.width = width;
  }

  @Override
  public void write(Path file, FloatBuffer slot) throws IOException {
    resizer.resize(decoder.decodeMat(file, scale, height, width), slot);
  }

  @Override
  public void write(byte[] encoded, String name, FloatBuffer slot) throws IOException {
    resizer.resize(decoder.decodeMat(encoded, name, scale, height, width), slot);
  }

  @Override
  public void close() {
    decoder.close();
    resizer.close();
  }
}
