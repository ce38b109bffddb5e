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
}
