package io.litemodel.image;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Walks a JPEG's marker segments and entropy-coded data up to its end-of-image marker, without decoding: a file
 * cut short fails here with a clear message, whichever decoder would have decoded it. Decoders cannot be trusted
 * with this: the JDK's ImageIO and OpenCV's {@code imdecode} both turn a JPEG cut to its first few kilobytes into a
 * whole image whose missing part is grey, with at most a warning on stderr. Also records what the decoders need to
 * convert colours like PIL (the number of components and the Adobe APP14 colour transform) and the frame size
 * that {@link DecodeScale#AUTO} chooses a reduced decoding size from.
 *
 * <p>Reads the buffer with absolute gets only and allocates nothing. One instance per decoder; not thread-safe.
 */
final class JpegStructure {
  private static final int SOS = 0xda;
  private static final int EOI = 0xd9;
  private static final int APP14 = 0xee;

  private ByteBuffer data;
  private int length;
  private int components;
  private int frameHeight;
  private int frameWidth;
  private boolean frameSeen;
  private int adobeTransform;

  /**
   * Checks {@code data[0, length)}, a JPEG starting with its SOI marker, for a complete marker structure ending in
   * EOI.
   *
   * @throws IOException if the data ends before the end-of-image marker ("truncated") or a segment is malformed
   *     ("corrupt"); the message gives the byte offset
   */
  void check(ByteBuffer data, int length) throws IOException {
    this.data = data;
    this.length = length;
    components = 0;
    frameHeight = 0;
    frameWidth = 0;
    frameSeen = false;
    adobeTransform = -1;
    int at = 2; // after SOI, which the caller has seen
    while (true) {
      need(at, 2);
      if (u8(at) != 0xff) {
        throw new IOException("corrupt JPEG: expected a marker at byte " + at + ", found 0x"
            + Integer.toHexString(u8(at)));
      }
      int marker = u8(at + 1);
      if (marker == 0xff) {
        at++; // fill byte before a marker
        continue;
      }
      at += 2;
      if (marker == EOI) {
        return;
      }
      if (marker == 0x01 || marker >= 0xd0 && marker <= 0xd7) {
        continue; // TEM and RSTn carry no length
      }
      need(at, 2);
      int segment = u8(at) << 8 | u8(at + 1);
      if (segment < 2) {
        throw new IOException("corrupt JPEG: marker 0x" + Integer.toHexString(marker) + " at byte " + (at - 2)
            + " has length " + segment);
      }
      need(at, segment);
      record(marker, at, segment);
      at += segment;
      if (marker == SOS) {
        at = skipEntropyCodedData(at);
      }
    }
  }

  /** @return the position of the marker that ends the scan's entropy-coded data */
  private int skipEntropyCodedData(int at) throws IOException {
    while (true) {
      // Tight loop to the next 0xff: this is nearly every byte of the file.
      ByteBuffer bytes = data;
      int end = length;
      while (at < end && bytes.get(at) != (byte) 0xff) {
        at++;
      }
      need(at, 2);
      int next = u8(at + 1);
      if (next == 0 || next >= 0xd0 && next <= 0xd7) {
        at += 2; // a stuffed 0xff data byte, or a restart marker inside the scan
      } else if (next == 0xff) {
        at++;
      } else {
        return at;
      }
    }
  }

  private void record(int marker, int at, int segment) throws IOException {
    boolean startOfFrame = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
    if (startOfFrame && frameSeen) {
      // Decoders size the image from the first frame header (libjpeg rejects a second one); a later one must not
      // stand in for it when the declared size is checked against the pixel limit.
      throw new IOException("corrupt JPEG: a second frame header (SOF" + (marker - 0xc0) + ") at byte " + at);
    }
    if (startOfFrame && segment >= 8) {
      frameSeen = true;
      frameHeight = u8(at + 3) << 8 | u8(at + 4);
      frameWidth = u8(at + 5) << 8 | u8(at + 6);
      components = u8(at + 7);
    } else if (marker == APP14 && segment >= 14 && u8(at + 2) == 'A' && u8(at + 3) == 'd' && u8(at + 4) == 'o'
        && u8(at + 5) == 'b' && u8(at + 6) == 'e') {
      adobeTransform = u8(at + 13);
    }
  }

  private void need(int at, int bytes) throws IOException {
    if (at + bytes > length) {
      throw new IOException("truncated JPEG: the data ends at byte " + length + ", before its end-of-image marker");
    }
  }

  private int u8(int at) {
    return data.get(at) & 0xff;
  }

  /** @return the frame's component count from the last check (1 grey, 3 colour, 4 CMYK or YCCK; 0 if none) */
  int components() {
    return components;
  }

  /** @return the frame's height in pixels from the last check (0 without a frame header) */
  int height() {
    return frameHeight;
  }

  /** @return the frame's width in pixels from the last check (0 without a frame header) */
  int width() {
    return frameWidth;
  }

  /** @return the Adobe APP14 transform from the last check (0 none/CMYK, 1 YCbCr, 2 YCCK), or -1 without one */
  int adobeTransform() {
    return adobeTransform;
  }
}
