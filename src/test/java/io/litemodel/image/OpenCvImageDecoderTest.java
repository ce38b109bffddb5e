package io.litemodel.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenCvImageDecoderTest {
  @TempDir
  Path dir;

  private final OpenCvImageDecoder decoder = new OpenCvImageDecoder();

  @AfterEach
  void close() {
    decoder.close();
  }

  private static BufferedImage pattern(int width, int height, int type) {
    return TestImages.pattern(width, height, type);
  }

  private Path write(BufferedImage image, String format, String name) throws IOException {
    return TestImages.write(dir, image, format, name);
  }

  private static byte[] bytes(BufferedImage image) {
    return ((DataBufferByte) image.getRaster().getDataBuffer()).getData().clone();
  }

  @Test
  void pngDecodesToTheSameBgrBytesAsImageIo() throws Exception {
    Path file = write(pattern(13, 9, BufferedImage.TYPE_INT_RGB), "png", "a.png");
    BufferedImage decoded = decoder.decode(file);
    assertEquals(BufferedImage.TYPE_3BYTE_BGR, decoded.getType());
    assertEquals(13, decoded.getWidth());
    assertEquals(9, decoded.getHeight());
    assertArrayEquals(bytes(new ImageDecoder().decode(file)), bytes(decoded));
  }

  @Test
  void greyPngBecomesThreeEqualChannelsLikeImageIo() throws Exception {
    Path file = write(pattern(10, 7, BufferedImage.TYPE_BYTE_GRAY), "png", "grey.png");
    byte[] decoded = bytes(decoder.decode(file));
    for (int i = 0; i < decoded.length; i += 3) {
      assertEquals(decoded[i], decoded[i + 1]);
      assertEquals(decoded[i], decoded[i + 2]);
    }
    assertArrayEquals(bytes(new ImageDecoder().decode(file)), decoded);
  }

  @Test
  void jpegIsWithinAFewLevelsOfImageIo() throws Exception {
    BufferedImage source = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = source.createGraphics();
    g.setPaint(new java.awt.GradientPaint(0, 0, Color.RED, 64, 48, Color.BLUE));
    g.fillRect(0, 0, 64, 48);
    g.setColor(Color.GREEN);
    g.fillOval(10, 10, 30, 20);
    g.dispose();
    Path file = write(source, "jpg", "a.jpg");
    byte[] expected = bytes(new ImageDecoder().decode(file));
    byte[] actual = bytes(decoder.decode(file));
    assertEquals(expected.length, actual.length);
    int max = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs((expected[i] & 0xff) - (actual[i] & 0xff)));
    }
    // Both decode with libjpeg(-turbo) family code, but IDCT and chroma upsampling settings may differ.
    assertTrue(max <= 8, "max difference " + max);
  }

  private static void assertCloseToImageIo(Path jpeg, byte[] actual) throws IOException {
    byte[] expected = bytes(new ImageDecoder().decode(jpeg));
    assertEquals(expected.length, actual.length, jpeg.toString());
    for (int i = 0; i < expected.length; i++) {
      assertTrue(Math.abs((expected[i] & 0xff) - (actual[i] & 0xff)) <= 8, jpeg + " byte " + i);
    }
  }

  @Test
  void jpegsOfDifferentSizesInTurnDecodeCorrectly() throws Exception {
    // OpenCV reallocates its pixels when the size changes: each decode must read the current ones.
    Path big = write(pattern(40, 30, BufferedImage.TYPE_INT_RGB), "jpg", "big.jpg");
    Path small = write(pattern(17, 11, BufferedImage.TYPE_INT_RGB), "jpg", "small.jpg");
    assertCloseToImageIo(big, bytes(decoder.decode(big)));
    assertCloseToImageIo(small, bytes(decoder.decode(small)));
    assertCloseToImageIo(big, bytes(decoder.decode(big)));
    assertCloseToImageIo(big, bytes(decoder.decode(big)));
  }

  /** Not JPEG: decoded by ImageIO inside, so transparency is drawn over black, as on the ImageIO path. */
  @Test
  void transparentPngMatchesTheImageIoPathExactly() throws Exception {
    BufferedImage argb = new BufferedImage(4, 3, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, 0x00ff0000); // fully transparent red: black on the ImageIO path
    argb.setRGB(1, 0, 0xff00ff00);
    argb.setRGB(2, 0, 0x800000ff);
    Path file = write(argb, "png", "alpha.png");
    assertArrayEquals(bytes(new ImageDecoder().decode(file)), bytes(decoder.decode(file)));
  }

  @Test
  void fileLargerThanTheInitialBufferDecodes() throws Exception {
    BufferedImage noisy = new BufferedImage(600, 600, BufferedImage.TYPE_INT_RGB);
    java.util.Random random = new java.util.Random(1);
    for (int y = 0; y < 600; y++) {
      for (int x = 0; x < 600; x++) {
        noisy.setRGB(x, y, random.nextInt(0xffffff));
      }
    }
    Path file = write(noisy, "jpg", "noisy.jpg");
    assertTrue(Files.size(file) > 1 << 16, "test file must outgrow the 64 KiB initial buffer");
    assertCloseToImageIo(file, bytes(decoder.decode(file)));
    Path small = write(pattern(17, 11, BufferedImage.TYPE_INT_RGB), "jpg", "small.jpg");
    assertCloseToImageIo(small, bytes(decoder.decode(small)));
  }

  @Test
  void badFilesFailWithTheFileNameAndTheDecoderGoesOn() throws Exception {
    Path text = dir.resolve("notes.jpg");
    Files.writeString(text, "not an image at all");
    IOException e = assertThrows(IOException.class, () -> decoder.decode(text));
    assertTrue(e.getMessage().contains("notes.jpg"), e.getMessage());
    Path empty = Files.createFile(dir.resolve("empty.png"));
    e = assertThrows(IOException.class, () -> decoder.decode(empty));
    assertTrue(e.getMessage().contains("empty.png") && e.getMessage().contains("empty"), e.getMessage());
    IOException missing = assertThrows(IOException.class, () -> decoder.decode(dir.resolve("missing.png")));
    assertTrue(missing.getMessage().contains("missing.png"), missing.getMessage());
    Path good = write(pattern(5, 4, BufferedImage.TYPE_INT_RGB), "png", "good.png");
    assertArrayEquals(bytes(new ImageDecoder().decode(good)), bytes(decoder.decode(good)));
  }

  /** A failed decode after a good one must fail: OpenCV leaves the reused Mat holding the previous image. */
  @Test
  void brokenFileAfterAGoodOneStillFails() throws Exception {
    Path good = write(pattern(8, 6, BufferedImage.TYPE_INT_RGB), "jpg", "first.jpg");
    decoder.decode(good);
    Path broken = dir.resolve("broken.jpg");
    Files.write(broken, new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3, 4, 5});
    IOException e = assertThrows(IOException.class, () -> decoder.decode(broken));
    assertTrue(e.getMessage().contains("broken.jpg"), e.getMessage());
  }

  @Test
  void closeIsIdempotentAndDecodeAfterCloseFails() throws Exception {
    Path file = write(pattern(5, 4, BufferedImage.TYPE_INT_RGB), "png", "a.png");
    decoder.close();
    decoder.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> decoder.decode(file));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void steadyStateDecodingAllocatesLittleJavaHeap() throws Exception {
    // ImageIO allocates about 1.3 MB per 450x450 JPEG; this decoder should allocate only small headers. Counting
    // this thread's bytes is exact (not a timing); the bound leaves room for JDK internals of FileChannel.open.
    Path file = write(pattern(450, 450, BufferedImage.TYPE_INT_RGB), "jpg", "big.jpg");
    for (int i = 0; i < 20; i++) {
      decoder.decode(file);
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 50; i++) {
      decoder.decode(file);
    }
    long perDecode = (threads.getCurrentThreadAllocatedBytes() - before) / 50;
    assertTrue(perDecode < 8192, perDecode + " bytes per decode");
  }

  /** imdecode alone fills a cut JPEG's missing part grey; the structure check makes it an error. */
  @Test
  void truncatedJpegIsAnErrorNamingTheFile() throws Exception {
    byte[] jpeg = Files.readAllBytes(TestImages.fixture("video-001.jpeg"));
    for (int length : new int[] {5000, jpeg.length - 2, jpeg.length - 1}) {
      Path cut = Files.write(dir.resolve("cut" + length + ".jpg"), java.util.Arrays.copyOf(jpeg, length));
      IOException error = assertThrows(IOException.class, () -> decoder.decode(cut));
      assertEquals("cannot decode image " + cut + ": truncated JPEG: the data ends at byte " + length
          + ", before its end-of-image marker", error.getMessage());
    }
    decoder.decode(TestImages.fixture("video-001.jpeg")); // and goes on
  }

  /** PNGs go to ImageIO inside this decoder; its errors say so, since the user chose OpenCV. */
  @Test
  void errorsFromFilesImageIoDecodedSaySo() throws Exception {
    byte[] png = Files.readAllBytes(write(pattern(40, 30, BufferedImage.TYPE_INT_RGB), "png", "whole.png"));
    Path cut = Files.write(dir.resolve("cut.png"), java.util.Arrays.copyOf(png, png.length / 2));
    IOException error = assertThrows(IOException.class, () -> decoder.decode(cut));
    assertTrue(error.getMessage().startsWith("cannot decode image " + cut + ": truncated PNG: "), error.getMessage());
    assertTrue(error.getMessage().endsWith(" (decoded with ImageIO: not a JPEG)"), error.getMessage());
  }
}
