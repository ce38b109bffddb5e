package io.litemodel.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file channel on a disk that holds {@code capacity} bytes: like Linux on a full file system, a write that does not
 * fit writes what fits and returns the short count, and the next one throws "No space left on device". Truncating
 * frees space again. For tests where a real small file system (a tmpfs mount) is not available.
 */
final class FullDiskChannel extends FileChannel {
  private final FileChannel file;
  private final long capacity;

  private FullDiskChannel(FileChannel file, long capacity) {
    this.file = file;
    this.capacity = capacity;
  }

  /** @return an opener whose files each fit in {@code capacity} bytes */
  static PredictSink.Opener opener(long capacity) {
    return path -> new FullDiskChannel(FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ),
        capacity);
  }

  /** Trims {@code source} to what fits at {@code at}; throws when nothing does. */
  private int fit(ByteBuffer source, long at) throws IOException {
    long room = Math.max(capacity, file.size()) - at;
    if (room <= 0 && source.hasRemaining()) {
      throw new IOException("No space left on device");
    }
    return (int) Math.min(source.remaining(), room);
  }

  @Override
  public int write(ByteBuffer source, long at) throws IOException {
    int fits = fit(source, at);
    ByteBuffer part = source.duplicate();
    part.limit(part.position() + fits);
    int written = file.write(part, at);
    source.position(source.position() + written);
    return written;
  }

  @Override
  public int write(ByteBuffer source) throws IOException {
    int written = write(source, file.position());
    file.position(file.position() + written);
    return written;
  }

  @Override
  public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      total += write(sources[i]);
    }
    return total;
  }

  @Override
  public int read(ByteBuffer target) throws IOException {
    return file.read(target);
  }

  @Override
  public long read(ByteBuffer[] targets, int offset, int length) throws IOException {
    return file.read(targets, offset, length);
  }

  @Override
  public int read(ByteBuffer target, long at) throws IOException {
    return file.read(target, at);
  }

  @Override
  public long position() throws IOException {
    return file.position();
  }

  @Override
  public FileChannel position(long at) throws IOException {
    file.position(at);
    return this;
  }

  @Override
  public long size() throws IOException {
    return file.size();
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    file.truncate(size);
    return this;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    file.force(metaData);
  }

  @Override
  public long transferTo(long at, long count, WritableByteChannel target) throws IOException {
    return file.transferTo(at, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel source, long at, long count) {
    throw new UnsupportedOperationException("not used by the sinks");
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long at, long size) {
    throw new UnsupportedOperationException("not used by the sinks");
  }

  @Override
  public FileLock lock(long at, long size, boolean shared) throws IOException {
    return file.lock(at, size, shared);
  }

  @Override
  public FileLock tryLock(long at, long size, boolean shared) throws IOException {
    return file.tryLock(at, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    file.close();
  }
}
