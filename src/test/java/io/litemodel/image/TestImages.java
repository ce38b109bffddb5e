package io.litemodel.image;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Deterministic test images for the decoder tests, and writing them with ImageIO. */
final class TestImages {
  private TestImages() {}

  /** @return an image whose every pixel differs from its neighbours, of the given {@link BufferedImage} type */
  static BufferedImage pattern(int width, int height, int type) {
    BufferedImage image = new BufferedImage(width, height, type);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, new Color((x * 40) % 256, (y * 50) % 256, (x * y * 9) % 256).getRGB());
      }
    }
    return image;
  }

  /** Writes {@code image} as {@code format} to {@code dir/name}. */
  static Path write(Path dir, BufferedImage image, String format, String name) throws IOException {
    Path file = dir.resolve(name);
    assertTrue(ImageIO.write(image, format, file.toFile()), "no writer for " + format);
    return file;
  }

  /** @return a committed decoder fixture (see src/test/python/make_decoder_expected.py for where each comes from) */
  static Path fixture(String name) {
    return Path.of("src/test/resources/io/litemodel/image/decoders", name);
  }

  /** @return the largest difference, in levels, between any channel of any pixel of the two images */
  static int maxDifference(BufferedImage expected, BufferedImage actual) {
    assertTrue(expected.getWidth() == actual.getWidth() && expected.getHeight() == actual.getHeight(),
        "sizes differ: " + expected.getWidth() + "x" + expected.getHeight() + " and " + actual.getWidth() + "x"
            + actual.getHeight());
    int max = 0;
    for (int y = 0; y < expected.getHeight(); y++) {
      for (int x = 0; x < expected.getWidth(); x++) {
        int e = expected.getRGB(x, y);
        int a = actual.getRGB(x, y);
        for (int shift = 0; shift < 24; shift += 8) {
          max = Math.max(max, Math.abs((e >> shift & 0xff) - (a >> shift & 0xff)));
        }
      }
    }
    return max;
  }

  /** @return the expected pixels stored beside a fixture, an 8-bit RGB PNG */
  static BufferedImage expected(String name) throws IOException {
    return ImageIO.read(fixture(name).toFile());
  }
}
