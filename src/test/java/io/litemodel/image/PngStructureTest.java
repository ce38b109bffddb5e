package io.litemodel.image;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class PngStructureTest {
  private final PngStructure structure = new PngStructure();

  @Test
  void everyCutOfAPngSuiteFileIsTruncated() throws Exception {
    byte[] png = Files.readAllBytes(TestImages.fixture("basn2c16.png"));
    structure.check(png, png.length);
    for (int cut = 8; cut < png.length; cut++) {
      int length = cut;
      IOException error = assertThrows(IOException.class, () -> structure.check(png, length), "cut at " + cut);
      assertTrue(error.getMessage().startsWith("truncated PNG: "), error.getMessage());
      assertTrue(error.getMessage().contains("" + cut), error.getMessage());
    }
  }

  @Test
  void aChangedByteFailsItsChunkCrc() throws Exception {
    byte[] png = Files.readAllBytes(TestImages.fixture("basn2c16.png"));
    for (int at = 12; at < png.length; at += 7) {
      byte[] damaged = png.clone();
      damaged[at] ^= 0x10;
      IOException error = assertThrows(IOException.class, () -> structure.check(damaged, damaged.length),
          "byte " + at);
      assertTrue(error.getMessage().startsWith("corrupt PNG: chunk ") || error.getMessage().startsWith(
          "truncated PNG: "), error.getMessage()); // a changed length field reads as a cut
    }
  }
}
