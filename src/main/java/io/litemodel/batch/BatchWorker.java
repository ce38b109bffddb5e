package io.litemodel.batch;

import io.litemodel.InferenceModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One batch runner of a {@link MicroBatcher}, either an inference thread's body or a combiner slot that callers take
 * turns at: takes the run of ready requests at the shared cursor (up to the
 * largest batch, after waiting up to the batching window for more), claims it with one compare-and-set, runs it on
 * its own models straight from the request ring's rows, and hands the results back. Allocates nothing per batch.
 */
final class BatchWorker implements Runnable {
  private final RequestRing ring;
  private final AtomicLong cursor;
  private final AtomicBoolean closed;
  private final AtomicInteger sleepers;
  private final BatchSizes sizes;
  /** One model per batch size, each resized to its size once. */
  private final InferenceModel[] models;
  private final long maxWaitNanos;
  private final FloatBuffer input;
  private final FloatBuffer output;
  /** Output of a padded batch, of which only the real rows are copied to the ring. */
  private final FloatBuffer padded;
  private final int inputRow;
  private final int outputRow;
  /** Batches and records run, for statistics: written only by the thread holding this runner, read racily. */
  private long batches;
  private long records;

  BatchWorker(RequestRing ring, AtomicLong cursor, AtomicBoolean closed, AtomicInteger sleepers, BatchSizes sizes,
      InferenceModel[] models, long maxWaitNanos) {
    this.ring = ring;
    this.cursor = cursor;
    this.closed = closed;
    this.sleepers = sleepers;
    this.sizes = sizes;
    this.models = models;
    this.maxWaitNanos = maxWaitNanos;
    this.input = ring.inputView();
    this.output = ring.outputView();
    this.inputRow = ring.inputRow();
    this.outputRow = ring.outputRow();
    this.padded = ByteBuffer.allocateDirect(sizes.largest() * outputRow * Float.BYTES).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  /** Serves batches until the batcher is closed and no ready request is left at the cursor (thread mode). */
  @Override
  public void run() {
    int round = 0;
    while (true) {
      if (serveOnce()) {
        round = 0;
        continue;
      }
      if (closed.get()) {
        return;
      }
      round = Backoff.IDLE_WORKER.pause(round);
      if (Backoff.IDLE_WORKER.parked(round)) {
        sleep(cursor.get());
        round = 0;
      }
    }
  }

  /**
   * Takes the run of ready requests at the cursor (after the batching window, if any), and runs it unless another
   * runner claimed it first. Used by the inference threads and by combining callers alike.
   *
   * @return false if no request was ready at the cursor
   */
  boolean serveOnce() {
    long first = cursor.get();
    int ready = ring.readyRun(first, sizes.maxRun());
    if (ready == 0) {
      return false;
    }
    if (ready < sizes.maxRun() && maxWaitNanos > 0) {
      ready = gather(first, ready);
    }
    if (cursor.compareAndSet(first, first + ready)) {
      runBatch(first, ready);
    }
    return true;
  }

  /** Waits, spinning (a timed park would overshoot by the timer slack), up to the window for more requests. */
  private int gather(long first, int ready) {
    long deadline = System.nanoTime() + maxWaitNanos;
    int n = ready;
    while (n < sizes.maxRun() && System.nanoTime() - deadline < 0) {
      Thread.onSpinWait();
      n = Math.max(n, ring.readyRun(first, sizes.maxRun()));
    }
    return n;
  }

  /** Parks until a caller publishes (callers unpark workers while {@code sleepers} is non-zero) or close. */
  private void sleep(long first) {
    sleepers.incrementAndGet();
    try {
      // Checked after announcing the sleep: a caller that published before this check is seen here, and one that
      // publishes after it sees the sleeper count and unparks this thread.
      if (ring.readyRun(first, 1) == 0 && !closed.get() && cursor.get() == first) {
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

  private void runBatch(long first, int count) {
    batches++;
    records += count;
    int slot = ring.slot(first);
    try {
      for (int done = 0; done < count; ) {
        int rows = Math.min(count - done, sizes.largest());
        int index = sizes.indexFor(rows);
        int size = sizes.size(index);
        int row = slot + done;
        // Rows past the run (other callers' rows, or the ring's zero slack) pad the batch: rows are independent,
        // and their outputs go to the padding buffer, never to another caller's slot.
        input.limit(input.capacity()).position(row * inputRow);
        if (size == rows) {
          output.limit(output.capacity()).position(row * outputRow);
          models[index].predict(input, output, size);
        } else {
          padded.clear();
          models[index].predict(input, padded, size);
          output.put(row * outputRow, padded, 0, rows * outputRow);
        }
        done += rows;
      }
      ring.complete(first, count, null);
    } catch (Throwable e) { // every caller of the batch must hear of it, whatever it is
      ring.complete(first, count, e);
    }
  }
}
