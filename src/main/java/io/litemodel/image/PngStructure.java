package io.litemodel.image;

import java.io.IOException;
import java.util.zip.CRC32;

/**
 * Walks a PNG's chunks up to IEND, checking each chunk's CRC, without decoding: a file cut short or with damaged
 * bytes fails here with a clear message. ImageIO's PNG reader does not check CRCs, and a file cut after its image
 * data (IEND missing) decodes without complaint; PIL, by contrast, rejects both.
 *
 * <p>Allocates nothing per call (the CRC is reset and reused). One instance per decoder; not thread-safe.
 */
final class PngStructure {
  private static final int SIGNATURE = 8;
  private static final int IEND = 'I' << 24 | 'E' << 16 | 'N' << 8 | 'D';
  private static final int IHDR = 'I' << 24 | 'H' << 16 | 'D' << 8 | 'R';

  private final CRC32 crc = new CRC32();
  private long width;
  private long height;

  /**
   * Checks {@code data[0, length)}, a PNG starting with its 8-byte signature.
   *
   * @throws IOException if the data ends before IEND ("truncated") or a chunk fails its CRC ("corrupt"); the
   *     message names the chunk and its byte offset
   */
  void check(byte[] data, int length) throws IOException {
    width = 0;
    height = 0;
    int at = SIGNATURE;
    while (true) {
      if (at + 12 > length) {
        throw new IOException("truncated PNG: the data ends at byte " + length + ", before its IEND chunk");
      }
      long size = u32(data, at);
      int type = (int) u32(data, at + 4);
      if (size > length - at - 12) {
        throw new IOException("truncated PNG: chunk " + name(type) + " at byte " + at + " needs " + size
            + " data bytes, the file ends at byte " + length);
      }
      int end = at + 8 + (int) size;
      crc.reset();
      crc.update(data, at + 4, 4 + (int) size);
      if (crc.getValue() != u32(data, end)) {
        throw new IOException("corrupt PNG: chunk " + name(type) + " at byte " + at + " fails its CRC check");
      }
      if (type == IHDR && at != SIGNATURE) {
        // The image's size is the first chunk's; a later IHDR must not stand in for it against the pixel limit.
        throw new IOException("corrupt PNG: chunk IHDR at byte " + at + " is not the first chunk");
      }
      if (type == IHDR && size >= 8) {
        width = u32(data, at + 8);
        height = u32(data, at + 12);
      }
      if (type == IEND) {
        return;
      }
      at = end + 4;
    }
  }

  /** @return the width the IHDR chunk declares, from the last check (0 without one) */
  long width() {
    return width;
  }

  /** @return the height the IHDR chunk declares, from the last check (0 without one) */
  long height() {
    return height;
  }

  private static long u32(byte[] data, int at) {
    return (data[at] & 0xffL) << 24 | (data[at + 1] & 0xff) << 16 | (data[at + 2] & 0xff) << 8 | data[at + 3] & 0xff;
  }

  /** @return the chunk type as text, for messages (cold path) */
  private static String name(int type) {
    char[] letters = {(char) (type >>> 24 & 0xff), (char) (type >>> 16 & 0xff), (char) (type >>> 8 & 0xff),
        (char) (type & 0xff)};
    return new String(letters);
  }
}
