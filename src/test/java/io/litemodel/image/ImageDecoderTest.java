package io.litemodel.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
  @TempDir
  Path dir;

  private final ImageDecoder decoder = new ImageDecoder();

  private static BufferedImage pattern(int width, int height, int type) {
    return TestImages.pattern(width, height, type);
  }

  private Path write(BufferedImage image, String format, String name) throws IOException {
    return TestImages.write(dir, image, format, name);
  }

  private static void assertSameRgb(BufferedImage expected, BufferedImage actual) {
    assertEquals(expected.getWidth(), actual.getWidth());
    assertEquals(expected.getHeight(), actual.getHeight());
    for (int y = 0; y < expected.getHeight(); y++) {
      for (int x = 0; x < expected.getWidth(); x++) {
        assertEquals(expected.getRGB(x, y) & 0xffffff, actual.getRGB(x, y) & 0xffffff, "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void pngDecodesExactlyToBgr() throws Exception {
    BufferedImage source = pattern(13, 9, BufferedImage.TYPE_INT_RGB);
    BufferedImage decoded = decoder.decode(write(source, "png", "a.png"));
    assertEquals(BufferedImage.TYPE_3BYTE_BGR, decoded.getType());
    assertSameRgb(source, decoded);
  }

  @Test
  void jpegDecodesToBgrCloseToTheSource() throws Exception {
    BufferedImage source = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = source.createGraphics();
    g.setColor(new Color(200, 60, 30));
    g.fillRect(0, 0, 32, 24);
    g.dispose();
    BufferedImage decoded = decoder.decode(write(source, "jpg", "a.jpg"));
    assertEquals(BufferedImage.TYPE_3BYTE_BGR, decoded.getType());
    assertEquals(32, decoded.getWidth());
    Color centre = new Color(decoded.getRGB(16, 12));
    // Lossy, but a flat colour survives within a few levels.
    assertTrue(Math.abs(centre.getRed() - 200) <= 4 && Math.abs(centre.getGreen() - 60) <= 4
        && Math.abs(centre.getBlue() - 30) <= 4, centre.toString());
  }

  @Test
  void sameSizeReusesTheDestinationImage() throws Exception {
    BufferedImage first = decoder.decode(write(pattern(10, 8, BufferedImage.TYPE_INT_RGB), "jpg", "1.jpg"));
    BufferedImage second = decoder.decode(write(pattern(10, 8, BufferedImage.TYPE_INT_RGB), "jpg", "2.jpg"));
    assertSame(first, second);
    BufferedImage other = decoder.decode(write(pattern(11, 8, BufferedImage.TYPE_INT_RGB), "jpg", "3.jpg"));
    assertEquals(11, other.getWidth());
  }

  @Test
  void greyAlphaAndOtherFormatsBecomeBgr() throws Exception {
    BufferedImage grey = pattern(6, 5, BufferedImage.TYPE_BYTE_GRAY);
    BufferedImage decodedGrey = decoder.decode(write(grey, "png", "grey.png"));
    assertEquals(BufferedImage.TYPE_3BYTE_BGR, decodedGrey.getType());
    // The grey levels stored in the file become R = G = B, as Python decoders give them (no gamma conversion).
    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 6; x++) {
        int level = grey.getRaster().getSample(x, y, 0);
        assertEquals(level * 0x010101, decodedGrey.getRGB(x, y) & 0xffffff, "pixel " + x + "," + y);
      }
    }

    BufferedImage alpha = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
    alpha.setRGB(0, 0, 0x00ff0000); // fully transparent red: black after compositing over black
    alpha.setRGB(1, 0, 0xff00ff00); // opaque green
    BufferedImage decodedAlpha = decoder.decode(write(alpha, "png", "alpha.png"));
    assertEquals(BufferedImage.TYPE_3BYTE_BGR, decodedAlpha.getType());
    assertEquals(0x000000, decodedAlpha.getRGB(0, 0) & 0xffffff);
    assertEquals(0x00ff00, decodedAlpha.getRGB(1, 0) & 0xffffff);

    BufferedImage bmp = pattern(7, 3, BufferedImage.TYPE_3BYTE_BGR);
    assertSameRgb(bmp, decoder.decode(write(bmp, "bmp", "c.bmp"))); // neither JPEG nor PNG: ImageIO.read
  }

  @Test
  void unreadableFilesFailWithTheirName() throws Exception {
    Path broken = Files.write(dir.resolve("broken.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3, 4});
    IOException error = assertThrows(IOException.class, () -> decoder.decode(broken));
    assertTrue(error.getMessage().contains("broken.jpg"), error.getMessage());
    Path text = Files.writeString(dir.resolve("notes.png"), "not an image at all");
    error = assertThrows(IOException.class, () -> decoder.decode(text));
    assertTrue(error.getMessage().contains("notes.png") && error.getMessage().contains("not a JPEG, PNG"),
        error.getMessage());
    assertThrows(IOException.class, () -> decoder.decode(dir.resolve("missing.png")));
    // The decoder still works after failures.
    BufferedImage source = pattern(3, 3, BufferedImage.TYPE_INT_RGB);
    assertSameRgb(source, decoder.decode(write(source, "png", "ok.png")));
  }

  @Test
  void largeFilesGrowTheByteBuffer() throws Exception {
    // A noisy PNG well over the initial 64 KiB buffer.
    BufferedImage noise = new BufferedImage(300, 300, BufferedImage.TYPE_INT_RGB);
    java.util.Random random = new java.util.Random(3);
    for (int y = 0; y < 300; y++) {
      for (int x = 0; x < 300; x++) {
        noise.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    Path file = write(noise, "png", "noise.png");
    assertTrue(Files.size(file) > 1 << 16);
    assertSameRgb(noise, decoder.decode(file));
  }

  /** The case: a JPEG cut to its first 5,000 bytes used to decode silently, its missing part grey. */
  @Test
  void truncatedJpegIsAnErrorNamingTheFile() throws Exception {
    byte[] jpeg = Files.readAllBytes(TestImages.fixture("video-001.jpeg"));
    Path cut = Files.write(dir.resolve("cut.jpg"), java.util.Arrays.copyOf(jpeg, 5000));
    IOException error = assertThrows(IOException.class, () -> decoder.decode(cut));
    assertEquals("cannot decode image " + cut + ": truncated JPEG: the data ends at byte 5000, before its "
        + "end-of-image marker", error.getMessage());
  }

  @Test
  void bytesInMemoryDecodeLikeTheFileAndErrorsNameTheGivenName() throws Exception {
    // The public fixture and a PNG larger than the initial buffer: same pixels as decoding the files.
    Path fixture = TestImages.fixture("video-001.jpeg");
    BufferedImage fromFile = copy(new ImageDecoder().decode(fixture));
    assertSameRgb(fromFile, decoder.decode(Files.readAllBytes(fixture), "row 7"));
    BufferedImage noise = new BufferedImage(300, 300, BufferedImage.TYPE_INT_RGB);
    java.util.Random random = new java.util.Random(5);
    for (int y = 0; y < 300; y++) {
      for (int x = 0; x < 300; x++) {
        noise.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    byte[] png = Files.readAllBytes(write(noise, "png", "noise.png"));
    assertTrue(png.length > 1 << 16);
    assertSameRgb(noise, decoder.decode(png, "noise"));
    byte[] cut = java.util.Arrays.copyOf(Files.readAllBytes(fixture), 5000);
    IOException error = assertThrows(IOException.class, () -> decoder.decode(cut, "s3://bucket/cut.jpg"));
    assertEquals("cannot decode image s3://bucket/cut.jpg: truncated JPEG: the data ends at byte 5000, before its "
        + "end-of-image marker", error.getMessage());
  }

  private static BufferedImage copy(BufferedImage image) {
    BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), image.getType());
    copy.setData(image.getData());
    return copy;
  }

  @Test
  void truncatedPngIsAnErrorNamingTheFile() throws Exception {
    BufferedImage source = pattern(40, 30, BufferedImage.TYPE_INT_RGB);
    byte[] png = Files.readAllBytes(write(source, "png", "whole.png"));
    // Cut inside the image data, and after it (only IEND missing: ImageIO alone decodes that without a word).
    for (int length : new int[] {png.length / 2, png.length - 12}) {
      Path cut = Files.write(dir.resolve("cut" + length + ".png"), java.util.Arrays.copyOf(png, length));
      IOException error = assertThrows(IOException.class, () -> decoder.decode(cut));
      assertTrue(error.getMessage().startsWith("cannot decode image " + cut + ": truncated PNG: "),
          error.getMessage());
    }
  }

  /** Damage inside the compressed data keeps the marker structure; libjpeg's warning about it becomes the error. */
  @Test
  void corruptJpegDataIsAnError() throws Exception {
    byte[] jpeg = Files.readAllBytes(TestImages.fixture("video-001.jpeg"));
    int middle = jpeg.length / 2;
    java.util.Arrays.fill(jpeg, middle, middle + 2000, (byte) 0);
    Path damaged = Files.write(dir.resolve("damaged.jpg"), jpeg);
    IOException error = assertThrows(IOException.class, () -> decoder.decode(damaged));
    assertTrue(error.getMessage().startsWith("cannot decode image " + damaged + ": corrupt JPEG data: "),
        error.getMessage());
    // The next, good file decodes: the warning of the last one is not carried over.
    assertEquals(0, TestImages.maxDifference(TestImages.expected("video-001.cmyk.jpeg.pil.png"),
        decoder.decode(TestImages.fixture("video-001.cmyk.jpeg"))));
  }
}
