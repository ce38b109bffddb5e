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

  /** Both decode a PNG with ImageIO; only the resize differs: OpenCV's 8-bit one is within its stated tolerance. */
  @Test
  void pngGivesTheSameInputsWithBothPathsWithinTheResizeTolerance() throws Exception {
    Path file = dir.resolve("a.png");
    ImageIO.write(TestImages.pattern(97, 61, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
    float[] imageio = preprocess(DecoderKind.IMAGEIO, file, 3);
    float[] opencv = preprocess(DecoderKind.OPENCV, file, 3);
    for (int i = 0; i < imageio.length; i++) {
      assertEquals(imageio[i], opencv[i], OpenCvResizer.TOLERANCE_LEVELS / 255 + 1e-6f, "at " + i);
    }
  }

  private static float[] preprocess(DecoderKind kind, DecodeScale scale, Path file) throws Exception {
    try (ImagePreprocessor preprocessor = new ImagePreprocessor(224, 224, 3, Normalization.raw(), kind, scale)) {
      assertEquals(scale, preprocessor.decodeScale());
      FloatBuffer slot = FloatBuffer.allocate(preprocessor.elements());
      preprocessor.write(file, slot);
      return slot.array();
    }
  }

  /**
   * DecodeScale.AUTO decodes the 450x450 JPEGs at 225x225 in the DCT domain: a smoothed image, close to the exact
   * path on average (the bound: 3 levels, where a wrong reduction or a shifted image moves tens of levels on these
   * textured images), further at edges. benchmarks/results/decode-scale-effect.md measures real photos and the
   * effect on trained models.
   */
  @Test
  void autoScaleDecodesJpegsReducedAndStaysCloseOnAverage() throws Exception {
    Path file = photo("auto.jpg", 7);
    float[] exact = preprocess(DecoderKind.OPENCV, DecodeScale.EXACT, file);
    float[] auto = preprocess(DecoderKind.OPENCV, DecodeScale.AUTO, file);
    double sum = 0;
    double max = 0;
    for (int i = 0; i < exact.length; i++) {
      double d = Math.abs(exact[i] - auto[i]);
      sum += d;
      max = Math.max(max, d);
    }
    double mean = sum / exact.length;
    assertTrue(mean > 0, "AUTO decoded at another size, so the inputs differ");
    assertTrue(mean < 3, "mean " + mean + " levels, max " + max);
  }

  /** Bytes already in memory (Spark's binaryFile rows) give what the file gives, on every path; errors name them. */
  @Test
  void bytesInMemoryGiveWhatTheFileGives() throws Exception {
    Path jpeg = photo("memory.jpg", 9);
    Path png = dir.resolve("memory.png");
    ImageIO.write(TestImages.pattern(97, 61, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
    for (DecoderKind kind : new DecoderKind[] {DecoderKind.IMAGEIO, DecoderKind.OPENCV}) {
      for (DecodeScale scale : DecodeScale.values()) {
        try (ImagePreprocessor preprocessor = new ImagePreprocessor(224, 224, 3, Normalization.unit(), kind, scale)) {
          for (Path file : new Path[] {jpeg, png}) {
            FloatBuffer fromFile = FloatBuffer.allocate(preprocessor.elements());
            FloatBuffer fromBytes = FloatBuffer.allocate(preprocessor.elements());
            preprocessor.write(file, fromFile);
            preprocessor.write(java.nio.file.Files.readAllBytes(file), "row 7", fromBytes);
            assertArrayEquals(fromFile.array(), fromBytes.array(), kind + ", " + scale + ", " + file);
          }
          java.io.IOException e = assertThrows(java.io.IOException.class,
              () -> preprocessor.write(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 1}, "row 8",
                  FloatBuffer.allocate(preprocessor.elements())));
          assertTrue(e.getMessage().startsWith("cannot decode image row 8: "), e.getMessage());
        }
      }
    }
  }

  /** ImageIO has no DCT-domain scaling, and other formats than JPEG have none: AUTO changes nothing there. */
  @Test
  void autoScaleChangesNothingForImageIoOrPng() throws Exception {
    Path jpeg = photo("imageio.jpg", 8);
    assertArrayEquals(preprocess(DecoderKind.IMAGEIO, DecodeScale.EXACT, jpeg),
        preprocess(DecoderKind.IMAGEIO, DecodeScale.AUTO, jpeg));
    Path png = dir.resolve("big.png");
    ImageIO.write(TestImages.pattern(900, 900, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
    assertArrayEquals(preprocess(DecoderKind.OPENCV, DecodeScale.EXACT, png),
        preprocess(DecoderKind.OPENCV, DecodeScale.AUTO, png));
  }

  /**
   * The whole preprocessing stage on the OpenCV path (read the file, check its structure, decode, resize, normalize
   * into a direct slot) allocates at most 1 KB of Java heap per image in steady state: what is left is the
   * FileChannel that opens the file and the small header JavaCPP returns from imdecode. Counting this thread's bytes
   * is exact, not a timing.
   */
  @Test
  void openCvPathAllocatesAtMostOneKilobytePerImage() throws Exception {
    Path[] files = {photo("a0.jpg", 10), photo("a1.jpg", 11)};
    java.nio.FloatBuffer slot = java.nio.ByteBuffer.allocateDirect(224 * 224 * 3 * 4)
        .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)
        java.lang.management.ManagementFactory.getThreadMXBean();
    for (DecodeScale scale : DecodeScale.values()) {
      try (ImagePreprocessor preprocessor = new ImagePreprocessor(224, 224, 3, Normalization.symmetric(),
          DecoderKind.OPENCV, scale)) {
        for (int i = 0; i < 20; i++) {
          preprocessor.write(files[i % 2], slot);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        int count = 100;
        for (int i = 0; i < count; i++) {
          preprocessor.write(files[i % 2], slot);
        }
        long perImage = (threads.getCurrentThreadAllocatedBytes() - before) / count;
        assertTrue(perImage <= 1024, perImage + " bytes per image with " + scale);
      }
    }
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
