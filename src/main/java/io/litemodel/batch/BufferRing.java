package io.litemodel.batch;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Owns every batch buffer of a pipeline: allocates them up front, hands them out through a bounded queue (the
 * back-pressure: when all are in flight, preprocessing waits) and frees them all on {@link #close()}.
 */
final class BufferRing implements AutoCloseable {
  private final BatchBuffer[] all;
  private final ArrayBlockingQueue<BatchBuffer> free;
  private int live;

  BufferRing(int buffers, int capacity, int inputRow, int outputRow) {
    this.all = new BatchBuffer[buffers];
    this.free = new ArrayBlockingQueue<>(buffers);
    try {
      for (int i = 0; i < buffers; i++) {
        all[i] = new BatchBuffer(capacity, inputRow, outputRow);
        live++;
        free.add(all[i]);
      }
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** Blocks until a buffer is free. */
  BatchBuffer take() throws InterruptedException {
    return free.take();
  }

  /** @return a free buffer, or null if none is free right now */
  BatchBuffer poll() {
    return free.poll();
  }

  /** Returns a buffer after its batch was delivered. */
  void recycle(BatchBuffer buffer) {
    buffer.clearItems();
    free.add(buffer);
  }

  /** Puts every buffer back in the free queue; only when no pipeline thread is running. */
  void reclaimAll() {
    free.clear();
    for (BatchBuffer buffer : all) {
      if (buffer != null) {
        buffer.clearItems();
        free.add(buffer);
      }
    }
  }

  /** @return the number of buffers allocated and not yet freed */
  synchronized int live() {
    return live;
  }

  /** @return the number of buffers */
  int size() {
    return all.length;
  }

  /** Frees every buffer's native memory. Idempotent; only when no pipeline thread is running. */
  @Override
  public synchronized void close() {
    free.clear();
    for (int i = 0; i < all.length; i++) {
      if (all[i] != null) {
        all[i].free();
        all[i] = null;
        live--;
      }
    }
  }
}
