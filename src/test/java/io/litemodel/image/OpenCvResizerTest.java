package io.litemodel.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenCvResizerTest {
  private final java.util.List<AutoCloseable> toClose = new java.util.ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  /** A noisy BGR image: every value differs from its neighbours, so any sampling mistake shows. */
  private static BufferedImage noise(int width, int height, long seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    new Random(seed).nextBytes(((DataBufferByte) image.getRaster().getDataBuffer()).getData());
    return image;
  }

  private Mat mat(BufferedImage image) {
    Mat mat = new Mat(image.getHeight(), image.getWidth(), opencv_core.CV_8UC3);
    toClose.add(mat);
    try (BytePointer data = mat.data()) {
      data.put(((DataBufferByte) image.getRaster().getDataBuffer()).getData());
    }
    return mat;
  }

  private OpenCvResizer resizer(int height, int width, int channels, Normalization normalization) {
    OpenCvResizer resizer = new OpenCvResizer(height, width, channels, normalization);
    toClose.add(resizer);
    return resizer;
  }

  private static FloatBuffer direct(int values) {
    return ByteBuffer.allocateDirect(values * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  private static float[] values(FloatBuffer buffer, int count) {
    float[] values = new float[count];
    buffer.get(0, values);
    return values;
  }

  /**
   * The tolerance {@link OpenCvResizer#TOLERANCE_LEVELS} against the float bilinear resize, which samples as
   * {@code tf.image.resize(..., "bilinear", antialias=False)} does ({@code benchmarks/results/preprocess-accuracy.md}
   * measures both against TensorFlow itself): downscaling, upscaling, non-square, odd sizes, per-channel and uniform
   * normalizations, grey. Differences are compared in levels (0..255), whatever the normalization's scale.
   */
  @Test
  void staysWithinToleranceOfTheFloatBilinearResize() {
    int[][] cases = {{450, 450, 224, 224}, {61, 97, 224, 224}, {300, 451, 128, 96}, {224, 224, 224, 224},
        {1000, 700, 256, 256}, {5, 3, 7, 9}};
    Normalization[] normalizations = {Normalization.unit(), Normalization.symmetric(), Normalization.imagenet()};
    for (int[] c : cases) {
      BufferedImage image = noise(c[1], c[0], c[0] * 31L + c[1]);
      Mat mat = mat(image);
      for (Normalization normalization : normalizations) {
        for (int channels : new int[] {3, 1}) {
          int elements = c[2] * c[3] * channels;
          FloatBuffer expected = FloatBuffer.allocate(elements);
          new BilinearResizer(c[2], c[3], channels, normalization).resize(image, expected);
          FloatBuffer actual = direct(elements);
          resizer(c[2], c[3], channels, normalization).resize(mat, actual);
          double max = 0;
          for (int i = 0; i < elements; i++) {
            int channel = channels == 1 ? 0 : i % 3;
            max = Math.max(max, Math.abs(expected.get(i) - actual.get(i)) / normalization.scale(channel));
          }
          String what = c[0] + "x" + c[1] + " -> " + c[2] + "x" + c[3] + ", " + channels + " channel(s), "
              + normalization + ": max " + max + " levels";
          assertTrue(max <= OpenCvResizer.TOLERANCE_LEVELS + 1e-3, what);
        }
      }
    }
  }

  @Test
  void sameSizeNeedsNoResizeAndNormalizesExactly() {
    BufferedImage image = noise(6, 4, 1);
    byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    for (Normalization normalization : new Normalization[] {Normalization.symmetric(), Normalization.imagenet()}) {
      FloatBuffer slot = direct(4 * 6 * 3);
      resizer(4, 6, 3, normalization).resize(mat(image), slot);
      float[] expected = new float[bgr.length];
      for (int p = 0; p < bgr.length; p += 3) {
        for (int c = 0; c < 3; c++) { // RGB out of BGR
          expected[p + c] = (bgr[p + 2 - c] & 0xff) * normalization.scale(c) + normalization.offset(c);
        }
      }
      assertArrayEquals(expected, values(slot, expected.length), 1e-6f, normalization.toString());
    }
  }

  /** The slot is written in place: nothing before or after it in the batch memory, and its position stays. */
  @Test
  void writesOnlyItsSlotOfTheBatchMemory() {
    int row = 8 * 8 * 3;
    FloatBuffer batch = direct(3 * row);
    for (int i = 0; i < batch.capacity(); i++) {
      batch.put(i, -7f);
    }
    FloatBuffer slot = batch.slice(row, row);
    OpenCvResizer resizer = resizer(8, 8, 3, Normalization.unit());
    Mat image = mat(noise(20, 20, 2));
    resizer.resize(image, slot);
    assertEquals(0, slot.position());
    for (int i = 0; i < row; i++) {
      assertEquals(-7f, batch.get(i), "before the slot, at " + i);
      assertEquals(-7f, batch.get(2 * row + i), "after the slot, at " + i);
      assertTrue(slot.get(i) >= 0 && slot.get(i) <= 1, "in the slot, at " + i);
    }
    FloatBuffer heap = FloatBuffer.allocate(row);
    resizer.resize(image, heap);
    assertArrayEquals(heap.array(), values(slot, row), "a heap slot goes through the scratch copy, same values");
    assertEquals(0, heap.position());
  }

  /** Counting this thread's allocated bytes is exact, not a timing: the resize stage allocates nothing per image. */
  @Test
  void steadyStateAllocatesNothingPerImage() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Mat[] images = {mat(noise(450, 450, 3)), mat(noise(450, 450, 4))};
    FloatBuffer[] slots = {direct(224 * 224 * 3), direct(224 * 224 * 3)};
    for (Normalization normalization : new Normalization[] {Normalization.symmetric(), Normalization.imagenet()}) {
      OpenCvResizer resizer = resizer(224, 224, 3, normalization);
      for (int i = 0; i < 20; i++) {
        resizer.resize(images[i % 2], slots[i % 2]);
      }
      long before = threads.getCurrentThreadAllocatedBytes();
      int count = 200;
      for (int i = 0; i < count; i++) {
        resizer.resize(images[i % 2], slots[i % 2]);
      }
      long perImage = (threads.getCurrentThreadAllocatedBytes() - before) / count;
      assertTrue(perImage <= 16, perImage + " bytes per image with " + normalization);
    }
  }

  @Test
  void rejectsWrongImagesAndSmallSlots() {
    OpenCvResizer resizer = resizer(4, 4, 3, Normalization.unit());
    Mat grey = new Mat(4, 4, opencv_core.CV_8UC1);
    toClose.add(grey);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> resizer.resize(grey, direct(48)));
    assertEquals("expected an 8-bit BGR Mat (type 16), got type 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> resizer.resize(mat(noise(4, 4, 5)), direct(47)));
    assertEquals("slot holds 47 values, the image needs 48", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new OpenCvResizer(4, 4, 2, Normalization.unit()));
    assertEquals("images give 1 or 3 channels; the model wants 2", e.getMessage());
  }

  @Test
  void closeIsIdempotentAndResizeAfterCloseFails() {
    OpenCvResizer resizer = new OpenCvResizer(4, 4, 3, Normalization.unit());
    resizer.close();
    resizer.close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> resizer.resize(mat(noise(4, 4, 6)), direct(48)));
    assertEquals("resizer is closed", e.getMessage());
  }
}
