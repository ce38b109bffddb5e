package io.litemodel.serving;

import io.litemodel.InferenceModel;
import io.litemodel.LiteModelException;
import io.litemodel.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The shared state of a {@link MicroBatcher} and of every handle that {@link MicroBatcher#replicate()} makes on it:
 * the request ring, the batch runners with their replicas, and the replicas for calls that bring a whole batch.
 * {@link MicroBatcher} documents the behaviour; this class implements it.
 *
 * <p><b>How.</b> A caller claims a sequence number (one atomic increment), lends its input and output arrays to its
 * slot of a preallocated ring and publishes it. A runner takes every published request it can see, up to the largest
 * batch (optionally after a bounded wait for more), each with one compare-and-set, copies their rows into its own
 * batch buffer, runs the batch and writes each output row straight into its caller's array. While a batch runs, new
 * requests pile up, so batches grow with the load even with no wait at all. Runners step over sequences that are
 * claimed but not yet published, so a caller descheduled between the two (on a machine with more runnable threads
 * than cores, that happens all the time and lasts a scheduler time slice) delays only its own request and the one
 * a ring lap later that needs its slot, not every later request.
 *
 * <p>Who runs the batches: by default the callers themselves ("combining", {@code withThreads(0)}). A caller that finds
 * one of the runners (one per core, or {@link MicroBatcher.Options#withCombiners(int)}) free takes it and runs batches
 * (its own record with whatever else is ready) until its own record is done, then gives the runner back and wakes the
 * caller of the next ready request to take over; a caller that finds every runner busy waits, spinning first and
 * parking later (see {@code Backoff}), for a runner to run its record. A lone caller thus runs its own record at once,
 * with no hand-off; and the cores go to callers that have work instead of to a separate thread that would compete
 * with every caller for the CPU. With one runner per core, though, the callers on the CPUs mostly run their own
 * records, so batches stay small when callers are many and cores few; {@code withCombiners(1)} leaves the other cores
 * to callers to publish while one batch runs, so batches grow, at the price of parking and waking each waiting
 * caller. With {@code withThreads(n)}, n dedicated inference threads run the batches instead, and a caller that finds
 * nothing queued or running runs its own record on one of a few replicas kept for that.
 *
 * <p>The ring is in the manner of the LMAX Disruptor's multi-producer sequencer, written here rather than taken from
 * {@code com.lmax:disruptor} because the batcher needs what that library does not give: consumers that take any
 * published request out of order (its consumers follow sequences in order, so one descheduled caller would stall the
 * rest), and a per-request completion that wakes exactly its caller.
 */
final class Coalescer {
  /** Batches a combiner runs for others after its own record is done, before handing the runner over. */
  private static final int EXTRA_BATCHES = 2;
  private final RequestRing ring;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger sleepers = new AtomicInteger();
  private final Thread[] threads;
  private final BatchWorker[] runners;
  private final List<InferenceModel> models;
  private final int inputRow;
  private final int outputRow;
  private final BatchSizes sizes;
  /** Cores left for callers beside the inference threads. */
  private final int callerCores;
  /**
   * Replicas on which callers run their own record while the batcher has nothing queued or running (none when the
   * option is off), one per core; {@code directBusy} holds 1 while one is in use.
   */
  private final InferenceModel[] direct;
  private final AtomicIntegerArray directBusy;
  /** Combining mode (no inference threads): batch runners that callers take turns at (one per core by default). */
  private final BatchWorker[] combiners;
  private final AtomicIntegerArray combinerBusy;
  /** Set once every worker has stopped: a caller still waiting then gives up instead of waiting forever. */
  private volatile boolean workersGone;
  /** Replicas for calls that bring a whole batch ({@code predict}, {@code run}): they need no coalescing. */
  private final ReplicaLender<InferenceModel> wholeBatches;
  /** The model's inputs and outputs as it was given (the runners' replicas are resized to their batch sizes). */
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;
  private final boolean dynamicBatch;

  /**
   * Builds the ring, the runners and every replica, and starts the inference threads. On failure closes the replicas
   * it made; the caller closes {@code model}.
   */
  Coalescer(InferenceModel model, MicroBatcher.Options options) {
    this.inputs = List.copyOf(model.inputs());
    this.outputs = List.copyOf(model.outputs());
    this.dynamicBatch = model.hasDynamicBatch();
    TensorSpec in = single(inputs, "input");
    TensorSpec out = single(outputs, "output");
    this.inputRow = in.rowElements();
    this.outputRow = out.rowElements();
    int fixedBatch = model.hasDynamicBatch() ? -1 : Math.max(1, in.shape().length > 1 ? in.shape()[0] : 1);
    this.sizes = BatchSizes.of(fixedBatch, options.maxBatch());
    long widest = (long) sizes.maxRun() * Math.max(inputRow, outputRow) * Float.BYTES;
    if (widest > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a batch of " + sizes.maxRun() + " records of " + Math.max(inputRow, outputRow)
          + " values needs " + widest + " bytes, more than one buffer holds (2 GiB); lower withMaxBatch");
    }
    // At least two full batches of slots, so callers can fill the next batch while one runs.
    int slots = Math.max(options.capacity(), 2 * sizes.maxRun());
    int capacity = Integer.bitCount(slots) == 1 ? slots : Integer.highestOneBit(slots) << 1;
    this.ring = new RequestRing(capacity, inputRow, outputRow);
    List<InferenceModel> made = new ArrayList<>();
    made.add(model);
    this.callerCores = Math.max(1, Runtime.getRuntime().availableProcessors() - Math.max(1, options.threads()));
    this.threads = new Thread[options.threads()];
    boolean combining = options.threads() == 0;
    int runners = combining ? options.combiners(Runtime.getRuntime().availableProcessors()) : options.threads();
    this.combiners = new BatchWorker[combining ? runners : 0];
    this.runners = new BatchWorker[runners];
    this.combinerBusy = new AtomicIntegerArray(combiners.length);
    // Combining callers run their own record when nothing else is waiting: no separate direct replicas needed.
    this.direct =
        new InferenceModel[options.callerRuns() && !combining ? Runtime.getRuntime().availableProcessors() : 0];
    this.directBusy = new AtomicIntegerArray(direct.length);
    List<InferenceModel> forWholeBatches = new ArrayList<>(options.wholeBatchReplicas());
    try {
      // Made first, from the model as it was given: whole batches come in any size, so no size is prepared.
      for (int i = 0; i < options.wholeBatchReplicas(); i++) {
        forWholeBatches.add(model.replicate());
      }
      for (int i = 0; i < direct.length; i++) {
        direct[i] = model.replicate();
        made.add(direct[i]);
        // The smallest size the model takes (1, or a fixed batch): never a row count it would have to pad itself.
        prepare(direct[i], sizes.size(0));
      }
      for (int t = 0; t < runners; t++) {
        InferenceModel[] perSize = new InferenceModel[sizes.count()];
        for (int i = 0; i < perSize.length; i++) {
          perSize[i] = t == 0 && i == 0 ? model : model.replicate();
          if (perSize[i] != model) {
            made.add(perSize[i]);
          }
          prepare(perSize[i], sizes.size(i));
        }
        BatchWorker runner = new BatchWorker(ring, closed, sleepers, sizes, perSize, options.maxWaitNanos());
        this.runners[t] = runner;
        if (combining) {
          combiners[t] = runner;
        } else {
          Thread thread = new Thread(runner, "litemodel-microbatcher-" + t);
          thread.setDaemon(true);
          threads[t] = thread;
        }
      }
    } catch (RuntimeException | Error e) {
      forWholeBatches.forEach(InferenceModel::close);
      made.forEach(InferenceModel::close);
      throw e;
    }
    this.wholeBatches = new ReplicaLender<>(forWholeBatches, "MicroBatcher");
    this.models = List.copyOf(made);
    for (Thread thread : threads) {
      thread.start();
    }
  }

  /** Runs one batch of zeros at {@code size}, so the resize and allocation happen now and not in a caller's time. */
  private void prepare(InferenceModel model, int size) {
    FloatBuffer zeros = ByteBuffer.allocateDirect(size * inputRow * Float.BYTES).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
    FloatBuffer result = ByteBuffer.allocateDirect(size * outputRow * Float.BYTES).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
    model.predict(zeros, result, size);
  }

  private static TensorSpec single(List<TensorSpec> specs, String kind) {
    if (specs.size() != 1) {
      throw new IllegalArgumentException("MicroBatcher batches single-record calls, which need one " + kind
          + "; this model has " + specs.size());
    }
    return specs.get(0);
  }

  /** @return the model's inputs as it was given */
  List<TensorSpec> inputs() {
    return inputs;
  }

  /** @return the model's outputs as it was given */
  List<TensorSpec> outputs() {
    return outputs;
  }

  /** @return whether the model's batch dimension is dynamic */
  boolean hasDynamicBatch() {
    return dynamicBatch;
  }

  /** @return the replicas that calls bringing a whole batch borrow */
  ReplicaLender<InferenceModel> wholeBatches() {
    return wholeBatches;
  }

  /** @return values per input record */
  int inputRow() {
    return inputRow;
  }

  /** @return values per output record */
  int outputRow() {
    return outputRow;
  }

  /**
   * @return batches run so far (a statistic, read without synchronization: may lag by the batches in progress)
   */
  long batchesRun() {
    long total = 0;
    for (BatchWorker runner : runners) {
      total += runner.batches();
    }
    return total;
  }

  /**
   * @return records run in batches so far (with inference threads, records that callers ran on their own thread
   *     are not counted); divided by {@link #batchesRun()}, the mean batch size
   */
  long recordsBatched() {
    long total = 0;
    for (BatchWorker runner : runners) {
      total += runner.records();
    }
    return total;
  }

  /** The request ring, for tests in this package (to claim a sequence the way a descheduled caller leaves it). */
  RequestRing ring() {
    return ring;
  }

  /**
   * @return the most records one invocation runs: with a fixed batch dimension, that size (a runner may still gather
   *     a multiple of it, up to {@link MicroBatcher.Options#withMaxBatch(int)}, and run them in chunks of it)
   */
  int largestBatch() {
    return sizes.largest();
  }

  /**
   * Predicts one record, batched with whatever other callers send meanwhile; waits for the result. Allocation-free.
   *
   * @param input one input row
   * @param output receives one output row
   * @throws IllegalArgumentException if a length does not match
   * @throws IllegalStateException if the batcher is closed (or closes before this request runs)
   * @throws LiteModelException if the batch failed (the model's exception is the cause), or {@code CANCELLED} if
   *     the thread was interrupted before the result came
   */
  void predictSingle(float[] input, float[] output) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    if (input.length != inputRow) {
      throw new IllegalArgumentException("input has " + input.length + " values; the model expects " + inputRow
          + " per record");
    }
    if (output.length != outputRow) {
      throw new IllegalArgumentException("output has room for " + output.length + " values; the model gives "
          + outputRow + " per record");
    }
    if (closed.get()) {
      throw closedException();
    }
    if (direct.length > 0 && ring.outstanding() == 0 && runDirect(input, output)) {
      return;
    }
    long sequence = ring.claim();
    awaitFreeSlot(sequence);
    ring.publish(sequence, input, output);
    if (combiners.length > 0) {
      combineUntilDone(sequence);
      return;
    }
    if (sleepers.get() > 0) {
      for (Thread thread : threads) {
        LockSupport.unpark(thread);
      }
    }
    awaitResult(sequence);
  }

  /**
   * Combining mode: the caller runs batches itself (its own record with whatever else is ready) whenever a combiner
   * slot is free, and otherwise waits for the caller holding one to run its record. A combiner stops once its own
   * record is done and wakes the caller of the next ready request to take over, so no caller serves others for
   * long, and the cores go to callers that have work rather than to a separate thread competing with them.
   */
  private void combineUntilDone(long sequence) {
    boolean interrupted = false;
    Backoff backoff = ring.outstanding() <= callerCores ? Backoff.ALONE : Backoff.CROWDED;
    int round = 0;
    // Set once this caller held a runner and found nothing to take: its record was taken by another runner, whose
    // complete() wakes it, so it stops taking runners (which would spin at full CPU for that whole batch) and parks.
    boolean takenElsewhere = false;
    while (!ring.isDone(sequence)) {
      int slot = takenElsewhere ? -1 : tryCombiner();
      if (slot >= 0) {
        boolean ran = false;
        try {
          while (!ring.isDone(sequence) && combiners[slot].serveOnce()) {
            ran = true; // each pass runs one batch; an empty pass means another combiner is running this record
          }
          // This thread has the core now; a caller woken to take over would first have to be scheduled. So run a
          // few more batches of what is ready before handing over (a bounded delay for this caller's return).
          for (int extra = 0; ran && extra < EXTRA_BATCHES && combiners[slot].serveOnce(); extra++) {
            // one batch per pass
          }
        } finally {
          combinerBusy.set(slot, 0);
        }
        // Released first, then checked: a caller that published meanwhile either saw the slot free or is woken here.
        ring.wakeFirstWaiting();
        if (ran) {
          round = 0;
        } else {
          takenElsewhere = true;
        }
        continue;
      }
      if (workersGone) {
        if (ring.abandon(sequence)) {
          throw closedException();
        }
        continue; // done: every runner has stopped, so nothing is left taken and not done
      }
      round = backoff.pause(round);
      if (!backoff.parked(round)) {
        continue;
      }
      ring.markParked(sequence);
      if (ring.isDone(sequence) || workersGone || !takenElsewhere && anyCombinerFree()) {
        continue;
      }
      LockSupport.park(this);
      if (Thread.interrupted()) {
        if (giveUp(sequence)) {
          Thread.currentThread().interrupt();
          throw new LiteModelException(LiteModelException.Status.CANCELLED,
              "interrupted while waiting for a batched prediction");
        }
        // A runner took the record: its result comes within one batch, into this caller's array, so wait for it
        // (the flag is cleared so that park works) and leave the interrupt for the caller to see afterwards.
        interrupted = true;
        takenElsewhere = true;
      }
    }
    deliver(sequence, interrupted);
  }

  /**
   * Abandons a published request that no runner has taken. In combining mode the caller may have been the one a
   * combiner woke to take over the free runner; the wake-up passes on to the next ready request's caller, or that
   * caller would stay parked with the runner free (every move out of {@code PUBLISHED} hands the wake-up on).
   *
   * @return false if a runner took the request, so its result is coming
   */
  boolean giveUp(long sequence) {
    if (!ring.abandon(sequence)) {
      return false;
    }
    if (combiners.length > 0 && anyCombinerFree()) {
      ring.wakeFirstWaiting();
    }
    return true;
  }

  private int tryCombiner() {
    for (int i = 0; i < combiners.length; i++) {
      if (combinerBusy.get(i) == 0 && combinerBusy.compareAndSet(i, 0, 1)) {
        return i;
      }
    }
    return -1;
  }

  private boolean anyCombinerFree() {
    for (int i = 0; i < combiners.length; i++) {
      if (combinerBusy.get(i) == 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * With no batch to join (nothing queued or running), runs the record on this thread on a free direct replica,
   * which skips two hand-offs: light load costs what a pool costs.
   *
   * @return false if every direct replica is in use (the caller then queues for a batch)
   */
  private boolean runDirect(float[] input, float[] output) {
    for (int i = 0; i < direct.length; i++) {
      if (directBusy.get(i) == 0 && directBusy.compareAndSet(i, 0, 1)) {
        try {
          if (closed.get()) {
            throw closedException();
          }
          direct[i].predictSingle(input, output);
          return true;
        } finally {
          directBusy.set(i, 0);
        }
      }
    }
    return false;
  }

  /**
   * Waits until the previous lap's request in this slot was read by its caller (or, if that caller gave up, frees the
   * slot itself). Only happens when more callers wait at once than the ring has slots; nobody signals a free slot, so
   * the wait polls. An interrupt is remembered and cleared (a set flag makes every park return at once, which would
   * turn the wait into a busy loop); once the slot is free the sequence is marked abandoned instead of published, so
   * runners step past it, and the caller gets {@code CANCELLED} with its interrupt status restored.
   */
  private void awaitFreeSlot(long sequence) {
    int round = 0;
    boolean interrupted = false;
    while (!ring.reclaimAbandoned(sequence)) {
      if (workersGone) {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
        throw closedException();
      }
      round = Backoff.CROWDED.pause(round);
      if (Backoff.CROWDED.parked(round)) {
        LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(20));
        interrupted |= Thread.interrupted();
      }
    }
    if (interrupted) {
      ring.abandonUnpublished(sequence);
      Thread.currentThread().interrupt();
      throw new LiteModelException(LiteModelException.Status.CANCELLED,
          "interrupted while waiting for a free request slot");
    }
  }

  private void awaitResult(long sequence) {
    boolean interrupted = false;
    // Outstanding requests (this one included) against the cores the callers have: spin only with a core to spare.
    Backoff backoff = ring.outstanding() <= callerCores ? Backoff.ALONE : Backoff.CROWDED;
    int round = 0;
    while (!ring.isDone(sequence)) {
      round = backoff.pause(round);
      if (!backoff.parked(round)) {
        continue;
      }
      // Announce the park, then check again: the worker either sees the flag and unparks, or this sees the result.
      ring.markParked(sequence);
      if (ring.isDone(sequence)) {
        break;
      }
      if (workersGone) {
        if (ring.abandon(sequence)) {
          throw closedException();
        }
        continue; // done: every runner has stopped, so nothing is left taken and not done
      }
      LockSupport.park(this);
      if (Thread.interrupted()) {
        if (giveUp(sequence)) {
          Thread.currentThread().interrupt();
          throw new LiteModelException(LiteModelException.Status.CANCELLED,
              "interrupted while waiting for a batched prediction");
        }
        // A runner took the record: its result comes within one batch, into this caller's array, so wait for it
        // (the flag is cleared so that park works) and leave the interrupt for the caller to see afterwards.
        interrupted = true;
      }
    }
    deliver(sequence, interrupted);
  }

  /** Frees the slot (the result is already in the caller's array) and throws the batch's error, if any. */
  private void deliver(long sequence, boolean interrupted) {
    Throwable error = ring.take(sequence);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (error != null) {
      LiteModelException.Status status = error instanceof LiteModelException e ? e.status()
          : LiteModelException.Status.ERROR;
      throw new LiteModelException(status, "the batch this record ran in failed: " + error.getMessage(), error);
    }
  }

  /** @return the exception for a call after {@link #close()} */
  static IllegalStateException closedException() {
    return new IllegalStateException("this MicroBatcher is closed");
  }

  /**
   * Runs every request already published (the inference threads, or this thread once the combining callers have
   * given their runners back), makes callers still waiting (those that had not published yet) fail with
   * {@link IllegalStateException}, and closes the models. Waits for batches in progress; never for a caller that is
   * not running one. Idempotent.
   */
  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    boolean interrupted = false;
    for (Thread thread : threads) {
      LockSupport.unpark(thread);
    }
    for (Thread thread : threads) {
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true; // finish closing: the threads stop within one batch
        }
      }
    }
    if (combiners.length > 0) {
      for (int i = 0; i < combiners.length; i++) {
        while (!combinerBusy.compareAndSet(i, 0, 1)) {
          Thread.yield(); // a caller is running a batch on it; it gives the slot back after that batch
        }
      }
      while (combiners[0].serveOnce()) {
        // drain: run what callers published before close
      }
    }
    workersGone = true;
    ring.wakeAllParked();
    for (int i = 0; i < direct.length; i++) {
      while (!directBusy.compareAndSet(i, 0, 1)) {
        Thread.onSpinWait(); // a caller is running one record on it: one invocation, then it is free
      }
    }
    models.forEach(InferenceModel::close);
    wholeBatches.close(); // a replica lent out now closes when its borrower gives it back
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
