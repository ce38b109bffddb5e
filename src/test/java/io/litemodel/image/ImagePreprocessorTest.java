package io.litemodel.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.LiteModel;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Random;
import java.util.function.Supplier;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagePreprocessorTest {
  private static final Path CNN = Path.of("models/image_cnn.tflite");

  @TempDir
  Path dir;

  /** A photo-like 450x450 JPEG (quality 0.9): gradient, translucent shapes, fine noise, as the benchmark uses. */
  private Path photo(String name, long seed) throws Exception {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(450, 450, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt(0xffffff)), 450, 450,
        new Color(random.nextInt(0xffffff))));
    g.fillRect(0, 0, 450, 450);
    for (int s = 0; s < 12; s++) {
      g.setColor(new Color(random.nextInt(0xffffff) | 0x60000000, true));
      g.fillOval(random.nextInt(400), random.nextInt(400), 20 + random.nextInt(200), 20 + random.nextInt(200));
    }
    g.dispose();
    byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    for (int p = 0; p < pixels.length; p++) {
      pixels[p] = (byte) Math.max(0, Math.min(255, (pixels[p] & 0xff) + random.nextInt(17) - 8));
    }
    Path file = dir.resolve(name);
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    ImageWriter writer = writers.next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.9f);
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return file;
  }

  private static float[] preprocess(DecoderKind kind, Path file, int channels) throws Exception {
    try (ImagePreprocessor preprocessor = new ImagePreprocessor(224, 224, channels, Normalization.unit(), kind)) {
      assertEquals(kind, preprocessor.decoder());
      FloatBuffer slot = FloatBuffer.allocate(preprocessor.elements());
      preprocessor.write(file, slot);
      return slot.array();
    }
  }

  /**
   * The same JPEGs through both decoders give nearly the same model inputs. Measured here (Debian's OpenJDK 17,
   * whose ImageIO uses the system libjpeg-turbo, vs OpenCV 4.13's bundled libjpeg-turbo): identical floats, since both
   * use the same integer IDCT and chroma upsampling. Other builds may differ (a JDK with its bundled libjpeg 6b, an
   * OpenCV built with another IDCT): JPEG decoders disagree by a few levels on some pixels, which the bilinear resize
   * then averages. Bounds: mean under 1/255 (a systematic mistake such as swapped channels or a shifted row moves the
   * mean by tens of levels on these textured images), max under 8/255 (the worst IDCT / upsampling disagreement we
   * accept).
   */
  @Test
  void jpegGivesTheSameInputsWithBothDecodersUpToRounding() throws Exception {
    for (int seed = 0; seed < 3; seed++) {
      Path file = photo("photo" + seed + ".jpg", seed);
      for (int channels : new int[] {3, 1}) {
        float[] imageio = preprocess(DecoderKind.IMAGEIO, file, channels);
        float[] opencv = preprocess(DecoderKind.OPENCV, file, channels);
        double sum = 0;
        double max = 0;
        for (int i = 0; i < imageio.length; i++) {
          double d = Math.abs(imageio[i] - opencv[i]);
          sum += d;
          max = Math.max(max, d);
        }
        double mean = sum / imageio.length;
        String what = String.format("seed %d, %d channel(s): mean %.3f levels, max %.3f levels", seed, channels,
            mean * 255, max * 255);
        assertTrue(spread(imageio) > 0.1f, "a textured image, so that the comparison means something");
        assertTrue(mean < 1.0 / 255, what);
        assertTrue(max < 8.0 / 255, what);
      }
    }
  }

  private static float spread(float[] values) {
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    for (float v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return max - min;
  }

  @Test
  void pngGivesExactlyTheSameInputsWithBothDecoders() throws Exception {
    Path file = dir.resolve("a.png");
    ImageIO.write(TestImages.pattern(97, 61, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
    assertArrayEquals(preprocess(DecoderKind.IMAGEIO, file, 3), preprocess(DecoderKind.OPENCV, file, 3));
  }

  @Test
  void autoPicksOpenCvWhenItIsOnTheClasspath() {
    // The test classpath has OpenCV and its linux-x86_64 natives (pom.xml); AUTO without them: DecoderResolverTest.
    try (ImagePreprocessor preprocessor = new ImagePreprocessor(8, 8, 3, Normalization.unit())) {
      assertEquals(DecoderKind.OPENCV, preprocessor.decoder());
    }
  }

  @Test
  void factoryResolvesTheDecoderOnceForEverySupplierCall() throws Exception {
    try (LiteModel model = LiteModel.load(CNN)) {
      Supplier<ImagePreprocessor> imageio = ImagePreprocessor.factory(model, Normalization.unit(), DecoderKind.IMAGEIO);
      Supplier<ImagePreprocessor> auto = ImagePreprocessor.factory(model, Normalization.unit());
      try (ImagePreprocessor a = imageio.get(); ImagePreprocessor b = auto.get()) {
        assertEquals(DecoderKind.IMAGEIO, a.decoder());
        assertEquals(DecoderKind.OPENCV, b.decoder());
        assertEquals(224 * 224 * 3, a.elements());
      }
    }
  }

  @Test
  void closedOpenCvPreprocessorRefusesWork() throws Exception {
    Path file = dir.resolve("a.png");
    ImageIO.write(TestImages.pattern(9, 9, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
    ImagePreprocessor preprocessor = new ImagePreprocessor(4, 4, 3, Normalization.unit(), DecoderKind.OPENCV);
    preprocessor.close();
    preprocessor.close();
    assertThrows(IllegalStateException.class, () -> preprocessor.write(file, FloatBuffer.allocate(48)));
  }
}
