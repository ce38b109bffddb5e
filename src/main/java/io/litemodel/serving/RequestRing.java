package io.litemodel.serving;

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
 * <p>Phases of sequence {@code s} in its slot ({@code state = 8 * s + phase}; words only grow):
 * <ol>
 *   <li>{@link #FREE}: the caller holding {@code s} may fill the slot;
 *   <li>{@link #PUBLISHED}: the caller's row is there; any runner may take it;
 *   <li>{@link #ABANDONED}: the caller gave up before a runner took it (interrupted, or the batcher closed); the
 *       next runner that scans past it frees the slot;
 *   <li>{@link #TAKEN}: one runner took it (a compare-and-set, so exactly one) into the batch it is gathering;
 *   <li>{@link #DONE}: the output row (or the error) is written; the caller reads it and frees the slot for
 *       {@code s + capacity}.
 * </ol>
 *
 * <p><b>No caller can stall the others.</b> Runners do not advance one cursor in sequence order: each scans every
 * claimed sequence from the cursor up to {@code claimed} and takes every published request it finds, stepping over
 * sequences whose caller has claimed but not yet published (a thread descheduled between the two, which on a machine
 * with more runnable threads than cores happens all the time and lasts a scheduler time slice, milliseconds). The
 * scan goes past one ring lap when it must: a slot still holding an older lap's word compares below this lap's
 * {@code PUBLISHED} and is stepped over like an unpublished one. The one request such a caller does delay is the one
 * a lap later that needs its slot ({@code s + capacity}), which waits in the caller's thread for the slot. The shared
 * {@code cursor} is only a lower bound on where pending requests start, moved past the prefix that is taken or
 * finished, so scans stay short. Since the rows a runner takes are not contiguous, it copies each into its own batch buffer: one row copy,
 * small beside an invocation.
 *
 * <p><b>Rows stay in the callers' arrays.</b> A slot holds references to the caller's input and output arrays (set
 * before publishing; the caller waits in {@code predictSingle} until the slot is done, so they stay valid), so the
 * input is copied once, straight into the batch buffer, and the output once, straight into the caller's array.
 * An abandoned request is never taken, so no runner writes to the array of a caller that has returned.
 *
 * <p>State words sit {@value #PAD} longs (128 bytes) apart so that callers spinning on neighbouring slots do not share
 * a cache line.
 */
final class RequestRing {
  static final int FREE = 0;
  static final int PUBLISHED = 1;
  static final int ABANDONED = 2;
  static final int TAKEN = 3;
  static final int DONE = 4;
  /** Longs between two slots' state words (and ints between their park flags): 128 bytes, two cache lines. */
  private static final int PAD = 16;
  private static final int INT_PAD = 32;

  private final int capacity;
  private final int mask;
  private final int inputRow;
  private final int outputRow;
  private final AtomicLongArray state;
  private final AtomicIntegerArray parked;
  private final Thread[] waiters;
  private final float[][] inputs;
  private final float[][] outputs;
  private final Throwable[] errors;
  private final AtomicLong claimed = new AtomicLong();
  /** Requests completed (done or abandoned): {@code claimed - finished} are queued or running. */
  private final AtomicLong finished = new AtomicLong();
  /** Every sequence below it is taken, done or abandoned and freed: scans start here. */
  private final AtomicLong cursor = new AtomicLong();

  /** @param capacity slots, a power of two */
  RequestRing(int capacity, int inputRow, int outputRow) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("ring capacity must be a power of two, got " + capacity);
    }
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.inputRow = inputRow;
    this.outputRow = outputRow;
    this.state = new AtomicLongArray(capacity * PAD);
    this.parked = new AtomicIntegerArray(capacity * INT_PAD);
    this.waiters = new Thread[capacity];
    this.inputs = new float[capacity][];
    this.outputs = new float[capacity][];
    this.errors = new Throwable[capacity];
    for (int i = 0; i < capacity; i++) {
      state.set(i * PAD, word(i, FREE));
    }
  }

  static long word(long sequence, int phase) {
    return sequence * 8 + phase;
  }

  int capacity() {
    return capacity;
  }

  private int slot(long sequence) {
    return (int) (sequence & mask);
  }

  private long stateOf(long sequence) {
    return state.get(slot(sequence) * PAD);
  }

  // ---- caller side

  /** @return the caller's sequence number */
  long claim() {
    return claimed.getAndIncrement();
  }

  /** @return requests queued or running: claimed and not yet completed */
  long outstanding() {
    return claimed.get() - finished.get();
  }

  /**
   * Gives up on a claimed sequence whose slot is free but which will never be published (its caller was interrupted
   * while waiting for the slot), so that runners step past it and free the slot for the next lap.
   */
  void abandonUnpublished(long sequence) {
    state.set(slot(sequence) * PAD, word(sequence, ABANDONED));
  }

  /**
   * Frees the slot for {@code sequence} if the previous lap's caller abandoned it and no runner has scanned past it
   * yet, so that a caller waiting for the slot does not depend on some other caller's request bringing a runner by.
   *
   * @return true when the slot of {@code sequence} is free for it
   */
  boolean reclaimAbandoned(long sequence) {
    long previous = sequence - capacity;
    int at = slot(sequence) * PAD;
    if (previous >= 0 && state.compareAndSet(at, word(previous, ABANDONED), word(sequence, FREE) - 1)) {
      freeAbandoned(previous);
    }
    return isFree(sequence);
  }

  /** @return true when the slot of {@code sequence} is free for it */
  boolean isFree(long sequence) {
    return stateOf(sequence) == word(sequence, FREE);
  }

  /** Lends the caller's arrays to the slot and hands the request to the runners. */
  void publish(long sequence, float[] input, float[] output) {
    int slot = slot(sequence);
    inputs[slot] = input;
    outputs[slot] = output;
    waiters[slot] = Thread.currentThread();
    state.set(slot * PAD, word(sequence, PUBLISHED)); // volatile: releases the fields above to the runner that takes it
  }

  boolean isDone(long sequence) {
    return stateOf(sequence) == word(sequence, DONE);
  }

  /** Tells the runner that the caller may park; it must check {@link #isDone(long)} again afterwards. */
  void markParked(long sequence) {
    parked.set(slot(sequence) * INT_PAD, 1);
  }

  /**
   * Gives up on a published request that no runner has taken yet.
   *
   * @return true if abandoned (a runner frees the slot); false if a runner took it, so its result is coming within
   *     one batch and the caller must wait for it
   */
  boolean abandon(long sequence) {
    return state.compareAndSet(slot(sequence) * PAD, word(sequence, PUBLISHED), word(sequence, ABANDONED));
  }

  /**
   * Takes a done request's outcome and frees its slot for the next lap; the output row is already in the caller's
   * array.
   *
   * @return the batch's error, or null on success
   */
  Throwable take(long sequence) {
    int slot = slot(sequence);
    Throwable error = errors[slot];
    release(slot);
    state.set(slot * PAD, word(sequence + capacity, FREE));
    return error;
  }

  private void release(int slot) {
    errors[slot] = null;
    inputs[slot] = null;
    outputs[slot] = null;
    waiters[slot] = null;
    parked.set(slot * INT_PAD, 0);
  }

  // ---- runner side

  /**
   * Takes published requests, oldest first, stepping over sequences not yet published, into {@code taken} from
   * index {@code from} up to {@code limit}, and copies their rows into {@code batch} (row {@code i} of the batch for
   * {@code taken[i]}); frees abandoned slots on the way; moves the cursor past what no longer needs a runner.
   *
   * @return how many were taken (0: none was ready)
   */
  int takeReady(long[] taken, int from, int limit, FloatBuffer batch) {
    long first = cursor.get();
    // Up to claimed, not first + capacity: a sequence stuck unpublished at the cursor must not hide requests one lap
    // on (their slots are free, so their callers publish); per-lap words keep an older lap's slot from matching.
    long end = claimed.get();
    long pendingFrom = end; // the first sequence that may still need a runner (a gap, or left for the next batch)
    int count = from;
    for (long s = first; s < end; s++) {
      if (count == limit) {
        pendingFrom = Math.min(pendingFrom, s);
        break;
      }
      int at = slot(s) * PAD;
      long word = state.get(at);
      if (word == word(s, PUBLISHED)) {
        if (state.compareAndSet(at, word, word(s, TAKEN))) {
          taken[count] = s;
          batch.put(count * inputRow, inputs[slot(s)], 0, inputRow);
          count++;
          continue;
        }
        word = state.get(at); // another runner took it, or its caller abandoned it
      }
      if (word == word(s, ABANDONED)) {
        if (state.compareAndSet(at, word, word(s + capacity, FREE) - 1)) {
          freeAbandoned(s);
        }
        continue;
      }
      if (word < word(s, PUBLISHED)) {
        pendingFrom = Math.min(pendingFrom, s); // claimed, not yet published: step over it
      }
    }
    advanceCursor(first, pendingFrom);
    return count - from;
  }

  /**
   * An abandoned slot is held at an in-between word (just below the next lap's {@code FREE}, above every phase of
   * this lap) while its fields are cleared, so the next lap's caller cannot fill it too early.
   */
  private void freeAbandoned(long sequence) {
    int slot = slot(sequence);
    release(slot);
    state.set(slot * PAD, word(sequence + capacity, FREE));
    finished.incrementAndGet();
  }

  private void advanceCursor(long from, long to) {
    long current = from;
    while (current < to && !cursor.compareAndSet(current, to)) {
      current = cursor.get();
    }
  }

  /** @return true if some request is published and not taken (a runner would find work) */
  boolean anyReady() {
    return firstReady() >= 0;
  }

  private long firstReady() {
    long first = cursor.get();
    long end = claimed.get(); // as in takeReady
    for (long s = first; s < end; s++) {
      if (stateOf(s) == word(s, PUBLISHED)) {
        return s;
      }
    }
    return -1;
  }

  /**
   * Writes the outputs of {@code count} taken requests from {@code batch} (row {@code i} for {@code taken[i]}), or
   * {@code error} to each, and hands them to their callers, waking those that parked.
   */
  void complete(long[] taken, int count, FloatBuffer batch, Throwable error) {
    for (int i = 0; i < count; i++) {
      long s = taken[i];
      int slot = slot(s);
      if (error == null) {
        try {
          batch.get(i * outputRow, outputs[slot], 0, outputRow);
        } catch (RuntimeException e) { // this caller hears of it; the others still get their rows and DONE
          errors[slot] = e;
        }
      } else {
        errors[slot] = error;
      }
      Thread waiter = waiters[slot]; // read before DONE: afterwards the caller may free the slot
      state.set(slot * PAD, word(s, DONE));
      if (parked.get(slot * INT_PAD) == 1) {
        // The caller may have freed the slot by now and a next one parked there: an extra unpark is harmless,
        // because every park sits in a loop that checks the state word.
        LockSupport.unpark(waiter);
      }
    }
    finished.addAndGet(count);
  }

  /** Wakes the caller of the oldest request that is ready, so that it takes over running batches. */
  void wakeFirstWaiting() {
    long s = firstReady();
    if (s >= 0) {
      Thread waiter = waiters[slot(s)];
      if (waiter != null) {
        LockSupport.unpark(waiter);
      }
    }
  }

  /** Wakes every caller parked on a result (at close, after the runners stopped). */
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

  int inputRow() {
    return inputRow;
  }

  int outputRow() {
    return outputRow;
  }
}
