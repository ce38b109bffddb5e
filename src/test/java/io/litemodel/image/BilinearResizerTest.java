package io.litemodel.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.io.NpyArray;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Checks the resizer against TensorFlow's {@code tf.image.resize(method="bilinear", antialias=False)}. The expected
 * arrays in {@code src/test/resources/io/litemodel/image/} were made once by
 * {@code src/test/python/make_bilinear_expected.py} from the same 7x5 image as {@link #image()}.
 */
class BilinearResizerTest {
  private static final int WIDTH = 7;
  private static final int HEIGHT = 5;
  private static final Path RESOURCES = Path.of("src/test/resources/io/litemodel/image");

  /** Must match {@code pixel} in make_bilinear_expected.py. */
  private static int[] pixel(int x, int y) {
    return new int[] {(x * 37 + y * 61 + 11) % 256, (x * 13 + y * 101 + 97) % 256, (x * x * 7 + y * 29 + 3) % 256};
  }

  private static BufferedImage image() {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        int[] rgb = pixel(x, y);
        image.setRGB(x, y, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
      }
    }
    return image;
  }

  /** @return TensorFlow's resize, [height * width * 3] in 0..255 */
  private static float[] expected(int height, int width) throws Exception {
    // Read from the source tree, like the tests' models/ files (the pom's test resources list only models/).
    Path file = RESOURCES.resolve("bilinear_" + height + "x" + width + ".npy");
    NpyArray array = NpyArray.open(file);
    assertArrayEquals(new long[] {height, width, 3}, array.shape());
    float[] values = new float[height * width * 3];
    FloatBuffer row = FloatBuffer.wrap(values);
    for (int y = 0; y < height; y++) {
      array.readRow(y, row.slice(y * width * 3, width * 3));
    }
    return values;
  }

  private static float[] resize(int height, int width, int channels, Normalization normalization) {
    BilinearResizer resizer = new BilinearResizer(height, width, channels, normalization);
    FloatBuffer slot = FloatBuffer.allocate(resizer.elements());
    resizer.resize(image(), slot);
    return slot.array();
  }

  @Test
  void matchesTensorFlowBilinearWhenShrinkingAndEnlarging() throws Exception {
    for (int[] size : new int[][] {{3, 4}, {9, 11}}) {
      float[] expected = expected(size[0], size[1]);
      for (int i = 0; i < expected.length; i++) {
        expected[i] /= 255f;
      }
      assertArrayEquals(expected, resize(size[0], size[1], 3, Normalization.unit()), 1e-5f,
          size[0] + "x" + size[1]);
    }
  }

  @Test
  void greyIsTheLumaOfTheBilinearColours() throws Exception {
    // Luma is linear, so the luma of TensorFlow's resized colours is the resize of the luma image.
    float[] rgb = expected(9, 11);
    float[] grey = new float[9 * 11];
    for (int p = 0; p < grey.length; p++) {
      grey[p] = (0.299f * rgb[3 * p] + 0.587f * rgb[3 * p + 1] + 0.114f * rgb[3 * p + 2]) / 255f;
    }
    assertArrayEquals(grey, resize(9, 11, 1, Normalization.unit()), 1e-5f);
  }

  @Test
  void sameSizeIsTheImageItselfNormalized() {
    float[] values = resize(HEIGHT, WIDTH, 3, Normalization.symmetric());
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        int[] rgb = pixel(x, y);
        for (int c = 0; c < 3; c++) {
          assertEquals(rgb[c] * 2f / 255f - 1f, values[(y * WIDTH + x) * 3 + c], 1e-6f, x + "," + y + "," + c);
        }
      }
    }
  }

  @Test
  void writesWithAbsolutePutsAndReusesItsTablesAcrossSourceSizes() {
    BilinearResizer resizer = new BilinearResizer(3, 4, 3, Normalization.unit());
    FloatBuffer slot = FloatBuffer.allocate(resizer.elements() + 2);
    slot.position(2);
    resizer.resize(image(), slot);
    assertEquals(2, slot.position());
    float[] first = java.util.Arrays.copyOf(slot.array(), resizer.elements());
    // A different source width rebuilds the column table; the same one again gives the same result.
    resizer.resize(new BufferedImage(20, 3, BufferedImage.TYPE_3BYTE_BGR), slot);
    resizer.resize(image(), slot);
    assertArrayEquals(first, java.util.Arrays.copyOf(slot.array(), resizer.elements()));
  }

  @Test
  void rejectsBadSettingsAndInputs() {
    assertThrows(IllegalArgumentException.class, () -> new BilinearResizer(0, 4, 3, Normalization.unit()));
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> new BilinearResizer(4, 4, 2, Normalization.unit()));
    assertTrue(error.getMessage().contains("1 or 3 channels"), error.getMessage());
    BilinearResizer resizer = new BilinearResizer(3, 4, 3, Normalization.unit());
    error = assertThrows(IllegalArgumentException.class,
        () -> resizer.resize(new BufferedImage(5, 5, BufferedImage.TYPE_INT_RGB), FloatBuffer.allocate(36)));
    assertTrue(error.getMessage().contains("TYPE_3BYTE_BGR"), error.getMessage());
    error = assertThrows(IllegalArgumentException.class, () -> resizer.resize(image(), FloatBuffer.allocate(35)));
    assertTrue(error.getMessage().contains("slot holds 35 values, the image needs 36"), error.getMessage());
  }
}
