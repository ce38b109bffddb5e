package io.litemodel.image;

import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An {@link javax.imageio.stream.ImageInputStream} over a byte array the caller reuses. Written by hand because
 * the JDK's {@code MemoryCacheImageInputStream} copies the bytes again into its own cache blocks; here the decoder
 * reads the file's bytes where they already are.
 */
final class ByteArrayImageInput extends ImageInputStreamImpl {
  private final byte[] data;
  private final int length;

  ByteArrayImageInput(byte[] data, int length) {
    this.data = data;
    this.length = length;
  }

  @Override
  public int read() {
    bitOffset = 0;
    return streamPos < length ? data[(int) streamPos++] & 0xff : -1;
  }

  @Override
  public int read(byte[] target, int offset, int count) {
    bitOffset = 0;
    if (count == 0) {
      return 0;
    }
    int available = (int) Math.min(count, length - streamPos);
    if (available <= 0) {
      return -1;
    }
    System.arraycopy(data, (int) streamPos, target, offset, available);
    streamPos += available;
    return available;
  }

  @Override
  public long length() {
    return length;
  }
}
