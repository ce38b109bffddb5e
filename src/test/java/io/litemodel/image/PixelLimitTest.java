package io.litemodel.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decoders refuse a header that declares more pixels than their limit, before allocating the pixels. */
class PixelLimitTest {
  @TempDir
  Path dir;

  /** A PNG of signature, IHDR (8-bit RGB) and IEND, with valid CRCs and no image data. */
  static byte[] headerOnlyPng(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2).array());
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** A JPEG of SOI, a baseline frame header (SOF0, 3 components) and EOI, with no tables or scan. */
  static byte[] headerOnlyJpeg(int width, int height) {
    ByteBuffer jpeg = ByteBuffer.allocate(2 + 19 + 2);
    jpeg.put((byte) 0xff).put((byte) 0xd8);
    jpeg.put((byte) 0xff).put((byte) 0xc0).putShort((short) 17).put((byte) 8).putShort((short) height)
        .putShort((short) width).put((byte) 3);
    for (int component = 1; component <= 3; component++) {
      jpeg.put((byte) component).put((byte) 0x11).put((byte) 0);
    }
    jpeg.put((byte) 0xff).put((byte) 0xd9);
    return jpeg.array();
  }

  @Test
  void aPngDeclaringOverTheDefaultLimitIsRefusedByItsHeader() throws Exception {
    Path file = dir.resolve("big.png");
    Files.write(file, headerOnlyPng(12000, 12000));
    IOException e = assertThrows(IOException.class, () -> new ImageDecoder().decode(file));
    assertEquals("cannot decode image " + file + ": PNG declares 12000x12000 = 144000000 pixels, over the limit of "
        + "100000000 pixels (raise it with the decoder's maxPixels)", e.getMessage());
  }

  @Test
  void aJpegDeclaringOverTheDefaultLimitIsRefusedByItsHeader() {
    IOException e = assertThrows(IOException.class,
        () -> new ImageDecoder().decode(headerOnlyJpeg(12000, 12000), "big.jpg"));
    assertEquals("cannot decode image big.jpg: JPEG declares 12000x12000 = 144000000 pixels, over the limit of "
        + "100000000 pixels (raise it with the decoder's maxPixels)", e.getMessage());
  }

  @Test
  void theLimitIsTheUsersToSet() {
    IOException refused = assertThrows(IOException.class,
        () -> new ImageDecoder(199).decode(headerOnlyPng(20, 10), "small.png"));
    assertEquals("cannot decode image small.png: PNG declares 20x10 = 200 pixels, over the limit of 199 pixels "
        + "(raise it with the decoder's maxPixels)", refused.getMessage());
    // At the limit the header passes, and the missing image data is what fails.
    IOException decoded = assertThrows(IOException.class,
        () -> new ImageDecoder(200).decode(headerOnlyPng(20, 10), "small.png"));
    assertFalse(decoded.getMessage().contains("over the limit"), decoded.getMessage());
    IOException jpeg = assertThrows(IOException.class,
        () -> new ImageDecoder(199).decode(headerOnlyJpeg(20, 10), "small.jpg"));
    assertEquals("cannot decode image small.jpg: JPEG declares 20x10 = 200 pixels, over the limit of 199 pixels "
        + "(raise it with the decoder's maxPixels)", jpeg.getMessage());
  }

  @Test
  void theOpenCvDecoderChecksTheSameLimit() throws Exception {
    Path jpeg = dir.resolve("big.jpg");
    Files.write(jpeg, headerOnlyJpeg(12000, 12000));
    Path png = dir.resolve("small.png");
    Files.write(png, headerOnlyPng(20, 10));
    try (OpenCvImageDecoder openCv = new OpenCvImageDecoder(199)) {
      IOException e = assertThrows(IOException.class, () -> openCv.decode(jpeg));
      assertEquals("cannot decode image " + jpeg + ": JPEG declares 12000x12000 = 144000000 pixels, over the limit "
          + "of 199 pixels (raise it with the decoder's maxPixels)", e.getMessage());
      // PNGs go to its ImageIO decoder, which has the same limit.
      IOException other = assertThrows(IOException.class, () -> openCv.decode(png));
      assertEquals("cannot decode image " + png + ": PNG declares 20x10 = 200 pixels, over the limit of 199 pixels "
          + "(raise it with the decoder's maxPixels) (decoded with ImageIO: not a JPEG)", other.getMessage());
    }
  }

  @Test
  void thePreprocessorPassesItsLimitToTheDecoder() throws Exception {
    try (ImagePreprocessor preprocessor = new ImagePreprocessor(4, 4, 3, Normalization.symmetric(),
        DecoderKind.IMAGEIO, DecodeScale.EXACT, 199)) {
      IOException e = assertThrows(IOException.class, () -> preprocessor.write(headerOnlyPng(20, 10), "small.png",
          java.nio.FloatBuffer.allocate(48)));
      assertEquals("cannot decode image small.png: PNG declares 20x10 = 200 pixels, over the limit of 199 pixels "
          + "(raise it with the decoder's maxPixels)", e.getMessage());
    }
  }

  @Test
  void theLargestPngHeaderDoesNotOverflow() {
    IOException e = assertThrows(IOException.class,
        () -> new ImageDecoder(Long.MAX_VALUE).decode(headerOnlyPng(-1, -1), "huge.png"));
    assertEquals("cannot decode image huge.png: PNG declares 4294967295x4294967295 = 18446744065119617025 pixels, "
        + "over the limit of 9223372036854775807 pixels (raise it with the decoder's maxPixels)", e.getMessage());
  }

  @Test
  void aLimitMustBePositive() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ImageDecoder(0));
    assertEquals("maxPixels must be positive, got 0", e.getMessage());
  }

  /** A later header must not stand in for the first, which is the one the decoders size the image from. */
  @Test
  void aSecondFrameHeaderIsRefusedNotCheckedInsteadOfTheFirst() throws Exception {
    byte[] big = headerOnlyJpeg(12000, 12000);
    byte[] small = headerOnlyJpeg(16, 16);
    ByteBuffer twoFrames = ByteBuffer.allocate(big.length + small.length - 4);
    twoFrames.put(big, 0, big.length - 2).put(small, 2, small.length - 2); // SOI, SOF 12000x12000, SOF 16x16, EOI
    Path file = dir.resolve("two-frames.jpg");
    Files.write(file, twoFrames.array());
    IOException e = assertThrows(IOException.class, () -> new ImageDecoder().decode(file));
    assertEquals("cannot decode image " + file + ": corrupt JPEG: a second frame header (SOF0) at byte 23",
        e.getMessage());
    try (OpenCvImageDecoder openCv = new OpenCvImageDecoder()) {
      IOException fromOpenCv = assertThrows(IOException.class, () -> openCv.decode(file));
      assertEquals(e.getMessage(), fromOpenCv.getMessage());
    }
  }

  @Test
  void anIhdrAfterTheFirstChunkIsRefused() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] big = headerOnlyPng(12000, 12000);
    out.write(big, 0, big.length - 12); // signature and the 12000x12000 IHDR, without IEND
    chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(1).putInt(1).put((byte) 8).put((byte) 2).array());
    chunk(out, "IEND", new byte[0]);
    Path file = dir.resolve("two-headers.png");
    Files.write(file, out.toByteArray());
    IOException e = assertThrows(IOException.class, () -> new ImageDecoder().decode(file));
    assertEquals("cannot decode image " + file + ": corrupt PNG: chunk IHDR at byte 33 is not the first chunk",
        e.getMessage());
  }
}
