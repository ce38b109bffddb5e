package io.litemodel.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

class JpegStructureTest {
  private final JpegStructure structure = new JpegStructure();

  private void check(byte[] bytes, int length) throws IOException {
    structure.check(ByteBuffer.wrap(bytes), length);
  }

  /** Every cut of a real file, from just after SOI to one byte short, is reported as truncated. */
  private void assertEveryCutIsTruncated(byte[] jpeg) throws IOException {
    check(jpeg, jpeg.length);
    for (int cut = 2; cut < jpeg.length; cut += cut < 300 ? 1 : 37) {
      assertTruncated(jpeg, cut);
    }
    assertTruncated(jpeg, jpeg.length - 1);
  }

  private void assertTruncated(byte[] jpeg, int cut) {
    IOException error = assertThrows(IOException.class, () -> check(jpeg, cut), "cut at " + cut);
    assertEquals("truncated JPEG: the data ends at byte " + cut + ", before its end-of-image marker",
        error.getMessage());
  }

  @Test
  void baselineAndRestartMarkerFilesFromGoAreCompleteAndEveryCutIsNot() throws Exception {
    assertEveryCutIsTruncated(Files.readAllBytes(TestImages.fixture("video-001.jpeg")));
    assertEveryCutIsTruncated(Files.readAllBytes(TestImages.fixture("video-001.restart2.jpeg")));
    assertEquals(3, structure.components());
    assertEquals(-1, structure.adobeTransform());
  }

  @Test
  void progressiveFileWithManyScansIsWalkedToItsEnd() throws Exception {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      writer.write(null, new IIOImage(ImageIO.read(TestImages.fixture("basn2c16.png.pil.png").toFile()), null, null),
          param);
    }
    writer.dispose();
    assertEveryCutIsTruncated(bytes.toByteArray());
  }

  @Test
  void bytesAfterTheEndMarkerAreAllowed() throws Exception {
    byte[] jpeg = Files.readAllBytes(TestImages.fixture("video-001.jpeg"));
    byte[] padded = Arrays.copyOf(jpeg, jpeg.length + 100); // some cameras and tools append data
    check(padded, padded.length);
  }

  @Test
  void recordsComponentsAndTheAdobeTransform() throws Exception {
    byte[] cmyk = Files.readAllBytes(TestImages.fixture("video-001.cmyk.jpeg"));
    check(cmyk, cmyk.length);
    assertEquals(4, structure.components());
    assertEquals(0, structure.adobeTransform());
    byte[] ycck = Files.readAllBytes(TestImages.fixture("ycck.jpeg"));
    check(ycck, ycck.length);
    assertEquals(4, structure.components());
    assertEquals(2, structure.adobeTransform());
  }

  @Test
  void recordsTheFrameSizeThatImageIoReads() throws Exception {
    Path file = TestImages.fixture("video-001.jpeg");
    byte[] jpeg = Files.readAllBytes(file);
    check(jpeg, jpeg.length);
    java.awt.image.BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(image.getHeight(), structure.height());
    assertEquals(image.getWidth(), structure.width());
    assertEquals(103, structure.height());
    assertEquals(150, structure.width());
  }

  @Test
  void aSegmentWithoutItsMarkerIsCorrupt() throws Exception {
    byte[] jpeg = Files.readAllBytes(TestImages.fixture("video-001.jpeg"));
    int second = 2 + 2 + ((jpeg[4] & 0xff) << 8 | jpeg[5] & 0xff); // the marker after the first segment
    jpeg[second] = 0x12;
    IOException error = assertThrows(IOException.class, () -> check(jpeg, jpeg.length));
    assertTrue(error.getMessage().startsWith("corrupt JPEG: expected a marker at byte " + second), error.getMessage());
  }
}
