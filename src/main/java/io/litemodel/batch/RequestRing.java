package io.litemodel.batch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@link MicroBatcher}'s preallocated request ring, in the manner of the LMAX Disruptor's multi-producer
 * sequencer: callers claim increasing sequence numbers with one atomic increment, sequence {@code s} owns slot
 * {@code s & mask}, and each slot's life is one {@code long} state word that names both the sequence and the phase,
 * so that no flag can be mistaken for one of an earlier lap.
 *
 * <p>Phases of sequence {@code s} in its slot ({@code state = 4 * s + phase}):
 * <ol>
 *   <li>{@link #FREE}: the caller holding {@code s} may write its input row;
 *   <li>{@link #PUBLISHED}: the row is written; a worker may run it;
 *   <li>{@link #DONE}: the output row (or the error) is written; the caller reads it and frees the slot for
 *       {@code s + capacity};
 *   <li>{@link #ABANDONED}: the caller gave up (interrupted, or the batcher closed): the worker that completes it
 *       frees the slot instead.
 * </ol>
 *
 * <p>Rows live where a batch needs them: slot {@code i}'s input row is row {@code i} of one direct buffer, so a run of
 * consecutive sequences is already a batch in memory and is handed to the model without a copy. The input buffer has
 * {@code slackRows} zero rows after the last slot, so a worker may read a padded batch that starts near the end.
 *
 * <p>State words sit {@value #PAD} longs (128 bytes) apart so that callers spinning on neighbouring slots do not share
 * a cache line.
 */
final class RequestRing {
  static final int FREE = 0;
  static final int PUBLISHED = 1;
  static final int DONE = 2;
  static final int ABANDONED = 3;
  /** Longs between two slots' state words (and ints between their park flags): 128 bytes, two cache lines. */
  private static final int PAD = 16;
  private static final int INT_PAD = 32;

  private final int capacity;
  private final int mask;
  private final int inputRow;
  private final int outputRow;
  private final FloatBuffer input;
  private final FloatBuffer output;
  private final AtomicLongArray state;
  private final AtomicIntegerArray parked;
  private final Thread[] waiters;
  private final Throwable[] errors;
  private final AtomicLong claimed = new AtomicLong();
  /** Requests completed (delivered or abandoned): {@code claimed - finished} are queued or running. */
  private final AtomicLong finished = new AtomicLong();

  /**
   * @param capacity slots, a power of two
   * @param slackRows zero input rows after the last slot
   */
  RequestRing(int capacity, int inputRow, int outputRow, int slackRows) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("ring capacity must be a power of two, got " + capacity);
    }
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.inputRow = inputRow;
    this.outputRow = outputRow;
    this.input = floats((long) (capacity + slackRows) * inputRow);
    this.output = floats((long) capacity * outputRow);
    this.state = new AtomicLongArray(capacity * PAD);
    this.parked = new AtomicIntegerArray(capacity * INT_PAD);
    this.waiters = new Thread[capacity];
    this.errors = new Throwable[capacity];
    for (int i = 0; i < capacity; i++) {
      state.set(i * PAD, word(i, FREE));
    }
  }

  private static FloatBuffer floats(long count) {
    if (count * Float.BYTES > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("ring of " + count + " floats is too large for one buffer; use fewer slots");
    }
    return ByteBuffer.allocateDirect((int) count * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  static long word(long sequence, int phase) {
    return sequence * 4 + phase;
  }

  int capacity() {
    return capacity;
  }

  int slot(long sequence) {
    return (int) (sequence & mask);
  }

  /** A private view of the input rows (for one worker: its position and limit are its own). */
  FloatBuffer inputView() {
    return input.duplicate(); // a float view keeps its byte order
  }

  /** A private view of the output rows. */
  FloatBuffer outputView() {
    return output.duplicate();
  }

  // ---- caller side

  /** @return the caller's sequence number */
  long claim() {
    return claimed.getAndIncrement();
  }

  /** @return sequences claimed so far */
  long claimedCount() {
    return claimed.get();
  }

  /** @return requests queued or running: claimed and not yet completed */
  long outstanding() {
    return claimed.get() - finished.get();
  }

  /** @return true when the slot of {@code sequence} is free for it */
  boolean isFree(long sequence) {
    return state.get(slot(sequence) * PAD) == word(sequence, FREE);
  }

  /** Writes the caller's row and hands it to the workers. */
  void publish(long sequence, float[] row) {
    int slot = slot(sequence);
    input.put(slot * inputRow, row, 0, inputRow);
    waiters[slot] = Thread.currentThread();
    state.set(slot * PAD, word(sequence, PUBLISHED)); // volatile: releases the row to the worker that reads it
  }

  boolean isDone(long sequence) {
    return state.get(slot(sequence) * PAD) == word(sequence, DONE);
  }

  /** Tells the worker that the caller may park; it must check {@link #isDone(long)} again afterwards. */
  void markParked(long sequence) {
    parked.set(slot(sequence) * INT_PAD, 1);
  }

  /**
   * Gives up on a published request whose result has not come.
   *
   * @return true if abandoned (the worker frees the slot); false if the result came first
   */
  boolean abandon(long sequence) {
    return state.compareAndSet(slot(sequence) * PAD, word(sequence, PUBLISHED), word(sequence, ABANDONED));
  }

  /**
   * Reads a done request's output row and frees its slot for the next lap.
   *
   * @return the batch's error, or null when {@code row} holds the result
   */
  Throwable take(long sequence, float[] row) {
    int slot = slot(sequence);
    Throwable error = errors[slot];
    if (error == null) {
      output.get(slot * outputRow, row, 0, outputRow);
    }
    errors[slot] = null;
    waiters[slot] = null;
    parked.set(slot * INT_PAD, 0);
    state.set(slot * PAD, word(sequence + capacity, FREE));
    return error;
  }

  // ---- worker side

  boolean isPublished(long sequence) {
    long word = state.get(slot(sequence) * PAD);
    return word == word(sequence, PUBLISHED) || word == word(sequence, ABANDONED);
  }

  /**
   * @return how many consecutive sequences from {@code first} are ready to run, at most {@code limit} and never past
   *     the ring's end (so that a batch is one contiguous run of rows)
   */
  int readyRun(long first, int limit) {
    int max = Math.min(limit, capacity - slot(first));
    int n = 0;
    while (n < max && isPublished(first + n)) {
      n++;
    }
    return n;
  }

  /**
   * Hands results (or {@code error}) to the callers of {@code count} sequences from {@code first}, waking those that
   * parked, and frees the slots of abandoned ones.
   */
  void complete(long first, int count, Throwable error) {
    for (long s = first; s < first + count; s++) {
      int slot = slot(s);
      errors[slot] = error;
      if (state.compareAndSet(slot * PAD, word(s, PUBLISHED), word(s, DONE))) {
        if (parked.get(slot * INT_PAD) == 1) {
          // The caller may have freed the slot by now and a new one parked there: an extra unpark is harmless,
          // because every park sits in a loop that checks the state word.
          Thread waiter = waiters[slot];
          if (waiter != null) {
            LockSupport.unpark(waiter);
          }
        }
      } else {
        errors[slot] = null;
        waiters[slot] = null;
        parked.set(slot * INT_PAD, 0);
        state.set(slot * PAD, word(s + capacity, FREE));
      }
    }
    finished.addAndGet(count);
  }

  /**
   * Wakes the caller of the first request from {@code first} that is ready and still wanted, so that it takes over
   * running batches; abandoned requests have no caller to wake and are skipped.
   */
  void wakeFirstWaiting(long first) {
    for (long s = first; s < first + capacity; s++) {
      long word = state.get(slot(s) * PAD);
      if (word == word(s, PUBLISHED)) {
        Thread waiter = waiters[slot(s)];
        if (waiter != null) {
          LockSupport.unpark(waiter);
        }
        return;
      }
      if (word != word(s, ABANDONED)) {
        return;
      }
    }
  }

  /** Wakes every caller parked on a result (at close, after the workers stopped). */
  void wakeAllParked() {
    for (int slot = 0; slot < capacity; slot++) {
      if (parked.get(slot * INT_PAD) == 1) {
        Thread waiter = waiters[slot];
        if (waiter != null) {
          LockSupport.unpark(waiter);
        }
      }
    }
  }

  /** Row offset helpers for the workers. */
  int inputRow() {
    return inputRow;
  }

  int outputRow() {
    return outputRow;
  }
}
