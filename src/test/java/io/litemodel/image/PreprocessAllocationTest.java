package io.litemodel.image;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The pipeline's preprocessing stage in steady state: decoding an encoded JPEG with OpenCV, resizing and normalizing it
 * into a batch slot allocates (almost) nothing on the Java heap per image, at either decode scale.
 */
class PreprocessAllocationTest {
  private static final int IMAGES = 200;
  /** JavaCPP's pointer bookkeeping may allocate a little per call; an image-sized array would be 600 KB. */
  private static final long MOST_BYTES_PER_IMAGE = 1024;

  @ParameterizedTest
  @EnumSource(DecodeScale.class)
  void decodingResizingAndNormalizingIntoTheSlotAllocatesUnderOneKilobytePerImage(DecodeScale scale)
      throws IOException {
    byte[][] jpegs = {jpeg(noisy(450, 450, 1)), jpeg(noisy(450, 450, 2)), jpeg(noisy(450, 450, 3))};
    FloatBuffer slot = ByteBuffer.allocateDirect(224 * 224 * 3 * Float.BYTES).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    try (ImagePreprocessor preprocessor =
        new ImagePreprocessor(224, 224, 3, Normalization.symmetric(), DecoderKind.OPENCV, scale)) {
      for (int i = 0; i < IMAGES; i++) { // warm-up: the JIT, OpenCV's first calls, the reused images
        preprocessor.write(jpegs[i % jpegs.length], "warm-up", slot);
      }
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < IMAGES; i++) {
        preprocessor.write(jpegs[i % jpegs.length], "image", slot);
      }
      long perImage = (threads.getCurrentThreadAllocatedBytes() - before) / IMAGES;
      System.out.printf("preprocessing, OpenCV, %s decoding: %d bytes allocated per image over %d images%n", scale,
          perImage, IMAGES);
      assertTrue(perImage <= MOST_BYTES_PER_IMAGE, scale + ": " + perImage + " bytes per image");
    }
  }

  private static BufferedImage noisy(int width, int height, long seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    new Random(seed).nextBytes(((DataBufferByte) image.getRaster().getDataBuffer()).getData());
    return image;
  }

  private static byte[] jpeg(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", out);
    return out.toByteArray();
  }
}
