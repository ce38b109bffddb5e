package io.litemodel.serving;

import io.litemodel.InferenceModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One batch runner of a {@link MicroBatcher}, either an inference thread's body or a runner slot that combining
 * callers take turns at: takes every published request it finds in the ring (up to the largest batch, after waiting
 * up to the batching window for more), copying their rows into its own batch buffer, runs the batch on its own
 * models, and hands the results back. Allocates nothing per batch.
 */
final class BatchWorker implements Runnable {
  private final RequestRing ring;
  private final AtomicBoolean closed;
  private final AtomicInteger sleepers;
  private final BatchSizes sizes;
  /** One model per batch size, each resized to its size once. */
  private final InferenceModel[] models;
  private final long maxWaitNanos;
  /** This runner's batch: the rows it took, in the order of {@code taken}. */
  private final FloatBuffer input;
  private final FloatBuffer output;
  private final long[] taken;
  private final int inputRow;
  private final int outputRow;
  /** Batches and records run, for statistics: written only by the thread holding this runner, read racily. */
  private long batches;
  private long records;

  BatchWorker(RequestRing ring, AtomicBoolean closed, AtomicInteger sleepers, BatchSizes sizes,
      InferenceModel[] models, long maxWaitNanos) {
    this.ring = ring;
    this.closed = closed;
    this.sleepers = sleepers;
    this.sizes = sizes;
    this.models = models;
    this.maxWaitNanos = maxWaitNanos;
    this.inputRow = ring.inputRow();
    this.outputRow = ring.outputRow();
    this.input = floats((long) sizes.maxRun() * inputRow);
    this.output = floats((long) sizes.maxRun() * outputRow);
    this.taken = new long[sizes.maxRun()];
  }

  private static FloatBuffer floats(long count) {
    return ByteBuffer.allocateDirect(Math.toIntExact(count * Float.BYTES)).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  /** Serves batches until the batcher is closed and no ready request is left (thread mode). */
  @Override
  public void run() {
    int round = 0;
    while (true) {
      if (serveOnce()) {
        round = 0;
        continue;
      }
      if (closed.get()) {
        // A caller may have published between the empty serveOnce above and close: run what is there, since close
        // promises to run every request published before it.
        while (serveOnce()) {
          // one batch per pass
        }
        return;
      }
      round = Backoff.IDLE_WORKER.pause(round);
      if (Backoff.IDLE_WORKER.parked(round)) {
        sleep();
        round = 0;
      }
    }
  }

  /**
   * Takes the published requests (after the batching window, if any) and runs them as one batch. Used by the
   * inference threads and by combining callers alike.
   *
   * @return false if no request was ready
   */
  boolean serveOnce() {
    int count = ring.takeReady(taken, 0, sizes.maxRun(), input);
    if (count == 0) {
      return false;
    }
    if (count < sizes.maxRun() && maxWaitNanos > 0) {
      count = gather(count);
    }
    runBatch(count);
    return true;
  }

  /**
   * Waits, spinning (a timed park would overshoot by the timer slack), up to the window for more requests; what it
   * has taken is this runner's meanwhile, and other runners take the rest.
   */
  private int gather(int count) {
    long deadline = System.nanoTime() + maxWaitNanos;
    int n = count;
    while (n < sizes.maxRun() && System.nanoTime() - deadline < 0) {
      Thread.onSpinWait();
      n += ring.takeReady(taken, n, sizes.maxRun(), input);
    }
    return n;
  }

  /** Parks until a caller publishes (callers unpark workers while {@code sleepers} is non-zero) or close. */
  private void sleep() {
    sleepers.incrementAndGet();
    try {
      // Checked after announcing the sleep: a caller that published before this check is seen here, and one that
      // publishes after it sees the sleeper count and unparks this thread.
      if (!ring.anyReady() && !closed.get()) {
        LockSupport.park(this);
      }
    } finally {
      sleepers.decrementAndGet();
    }
  }

  long batches() {
    return batches;
  }

  long records() {
    return records;
  }

  private void runBatch(int count) {
    batches++;
    records += count;
    Throwable error = null;
    try { // only the model is guarded: complete runs once, with the error or without, so no slot is completed twice
      for (int done = 0; done < count; ) {
        int rows = Math.min(count - done, sizes.largest());
        int index = sizes.indexFor(rows);
        int size = sizes.size(index);
        // Rows past the batch's own (left from earlier batches, or zeros) pad it to a size the model takes: rows
        // are independent, and their outputs are never handed to anyone.
        input.limit(input.capacity()).position(done * inputRow);
        output.limit(output.capacity()).position(done * outputRow);
        models[index].predict(input, output, size);
        done += rows;
      }
    } catch (Throwable e) { // every caller of the batch must hear of it, whatever it is
      error = e;
    }
    ring.complete(taken, count, output, error);
  }
}
