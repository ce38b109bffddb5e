package io.litemodel.batch;

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
 * Dynamic micro-batching inside the process: {@link #predictSingle(float[], float[])} from any number of threads,
 * with concurrent single-record requests coalesced into one batched invocation of the model, so that many callers
 * pay a batch's cost per row (on seed_mlp, 2 vCPU: 20.8 us for one row alone, 6.1 us per row in a batch of 32)
 * instead of one invocation each.
 *
 * <pre>{@code
 * LiteModel model = LiteModel.load(Path.of("models/seed_mlp.tflite"), LiteModel.Options.defaults()
 *     .withWeightsCache(true)); // the batcher's replicas then share one copy of the packed weights
 * try (MicroBatcher batcher = MicroBatcher.around(model, MicroBatcher.Options.defaults().withMaxBatch(32))) {
 *   // from any thread:
 *   batcher.predictSingle(in, out);
 * }
 * }</pre>
 *
 * <p><b>How.</b> A caller claims a sequence number (one atomic increment), lends its input and output arrays to its
 * slot of a preallocated ring and publishes it. A runner takes every published request it can see, up to the largest
 * batch (optionally after a bounded wait for more), each with one compare-and-set, copies their rows into its own
 * batch buffer, runs the batch and writes each output row straight into its caller's array. While a batch runs, new
 * requests pile up, so batches grow with the load even with no wait at all. Runners step over sequences that are
 * claimed but not yet published, so a caller descheduled between the two (on a machine with more runnable threads
 * than cores, that happens all the time and lasts a scheduler time slice) delays only its own request and the one
 * a ring lap later that needs its slot; an earlier version that took runs of consecutive sequences from one cursor
 * stalled every later request behind such a caller.
 *
 * <p>Who runs the batches: by default the callers themselves ("combining", {@code withThreads(0)}). A caller that finds
 * one of the runners (one per core, or {@link Options#withCombiners(int)}) free takes it and runs batches (its own
 * record with whatever else is ready) until its own record is done, then gives the runner back and wakes the caller of
 * the next ready request to take over; a caller that finds every runner busy waits, spinning first and parking later
 * (see {@code Backoff}), for a runner to run its record. A lone caller thus runs its own record at once, with no
 * hand-off; and the cores go to callers that have work instead of to a separate thread that would compete with every
 * caller for the CPU. With one runner per core, though, the callers on the CPUs mostly run their own records, so
 * batches stay small when callers are many and cores few; {@code withCombiners(1)} leaves the other cores to callers to
 * publish while one batch runs, so batches grow, at the price of parking and waking each waiting caller. With
 * {@code withThreads(n)}, n dedicated inference threads run the batches instead, and a caller that finds nothing queued or
 * running runs its own record on one of a few replicas kept for that.
 *
 * <p>The ring is in the manner of the LMAX Disruptor's multi-producer sequencer, written here rather than taken from
 * {@code com.lmax:disruptor} because the batcher needs what that library does not give: consumers that take any
 * published request out of order (its consumers follow sequences in order, which is what let one descheduled caller
 * stall the rest), and a per-request completion that wakes exactly its caller.
 *
 * <p><b>Results</b> are those of {@link InferenceModel#predictSingle(float[], float[])}, provided the model computes
 * each row independently of the others in its batch (true of models without cross-batch operations; not of
 * openWakeWord's melspectrogram, for one, which clips every value at 80 dB below the largest in its whole batch, so a
 * quiet record batched with a loud one comes back changed). Batch sizes are the ones the model can take: with a
 * dynamic batch dimension, powers of two up to the largest batch, each on a replica resized once (padded up from the
 * rows at hand); with a fixed batch dimension, that size, in chunks (the last one padded).
 *
 * <p><b>Errors.</b> If a batch fails, every caller in it gets a {@link LiteModelException} (the model's status, or
 * {@code ERROR}) whose cause is the model's exception. An interrupted caller whose result has not come gets
 * {@code CANCELLED} and keeps its interrupt status. After {@link #close()}, calls get {@link IllegalStateException}.
 *
 * <p><b>Allocation.</b> None per request in steady state, on either side: the ring, the batch buffers and the
 * replicas are made at construction.
 *
 * <p><b>Ownership.</b> The batcher owns the model it is built around and the replicas it makes (one per batch size
 * and runner, and with inference threads one per core for callers that run their own record), and closes them all
 * on {@link #close()}. Load the model with
 * {@code withWeightsCache(true)} so that those replicas share one copy of the packed weights.
 */
public final class MicroBatcher implements AutoCloseable {
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

  private MicroBatcher(InferenceModel model, Options options) {
    TensorSpec in = single(model.inputs(), "input");
    TensorSpec out = single(model.outputs(), "output");
    this.inputRow = in.rowElements();
    this.outputRow = out.rowElements();
    int fixedBatch = model.hasDynamicBatch() ? -1 : Math.max(1, in.shape().length > 1 ? in.shape()[0] : 1);
    this.sizes = BatchSizes.of(fixedBatch, options.maxBatch);
    long widest = (long) sizes.maxRun() * Math.max(inputRow, outputRow) * Float.BYTES;
    if (widest > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a batch of " + sizes.maxRun() + " records of " + Math.max(inputRow, outputRow)
          + " values needs " + widest + " bytes, more than one buffer holds (2 GiB); lower withMaxBatch");
    }
    // At least two full batches of slots, so callers can fill the next batch while one runs.
    int slots = Math.max(options.capacity, 2 * sizes.maxRun());
    int capacity = Integer.bitCount(slots) == 1 ? slots : Integer.highestOneBit(slots) << 1;
    this.ring = new RequestRing(capacity, inputRow, outputRow);
    List<InferenceModel> made = new ArrayList<>();
    made.add(model);
    this.callerCores = Math.max(1, Runtime.getRuntime().availableProcessors() - Math.max(1, options.threads));
    this.threads = new Thread[options.threads];
    boolean combining = options.threads == 0;
    int runners = combining ? options.combiners(Runtime.getRuntime().availableProcessors()) : options.threads;
    this.combiners = new BatchWorker[combining ? runners : 0];
    this.runners = new BatchWorker[runners];
    this.combinerBusy = new AtomicIntegerArray(combiners.length);
    // Combining callers run their own record when nothing else is waiting: no separate direct replicas needed.
    this.direct = new InferenceModel[options.callerRuns && !combining ? Runtime.getRuntime().availableProcessors() : 0];
    this.directBusy = new AtomicIntegerArray(direct.length);
    try {
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
        BatchWorker runner = new BatchWorker(ring, closed, sleepers, sizes, perSize, options.maxWaitNanos);
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
      made.forEach(InferenceModel::close);
      throw e;
    }
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

  /**
   * Builds a batcher with default options (see {@link Options#defaults()}) and starts its inference thread.
   *
   * @param model a single-input, single-output model; the batcher owns it from now on
   */
  public static MicroBatcher around(InferenceModel model) {
    return around(model, Options.defaults());
  }

  /**
   * Builds a batcher and starts its inference threads. On failure the model is closed.
   *
   * @param model a single-input, single-output model; the batcher owns it from now on
   * @throws IllegalArgumentException if the model has several inputs or outputs
   */
  public static MicroBatcher around(InferenceModel model, Options options) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(options, "options");
    try {
      return new MicroBatcher(model, options);
    } catch (RuntimeException | Error e) {
      model.close();
      throw e;
    }
  }

  /** @return values per input record */
  public int inputRow() {
    return inputRow;
  }

  /** @return values per output record */
  public int outputRow() {
    return outputRow;
  }

  /**
   * @return batches run so far (a statistic, read without synchronization: may lag by the batches in progress)
   */
  public long batchesRun() {
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
  public long recordsBatched() {
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
   *     a multiple of it, up to {@link Options#withMaxBatch(int)}, and run them in chunks of it)
   */
  public int largestBatch() {
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
  public void predictSingle(float[] input, float[] output) {
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

  private static IllegalStateException closedException() {
    return new IllegalStateException("this MicroBatcher is closed");
  }

  /**
   * Runs every request already published (the inference threads, or this thread once the combining callers have
   * given their runners back), makes callers still waiting (those that had not published yet) fail with
   * {@link IllegalStateException}, and closes the models. Waits for batches in progress; never for a caller that is
   * not running one. Idempotent.
   */
  @Override
  public void close() {
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
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** How the batcher gathers and runs batches. Immutable: each {@code with} method returns a copy. */
  public static final class Options {
    /** Default largest batch: seed_mlp's cost per row stops falling much beyond it (6.1 us at 32, 5.5 at 64). */
    public static final int DEFAULT_MAX_BATCH = 32;
    /** Default request slots: more than any sensible number of concurrent callers. */
    public static final int DEFAULT_CAPACITY = 1024;
    /** Largest batch that may be asked for: far beyond any useful batch, and keeps slot and buffer sizes in range. */
    private static final int MAX_BATCH_LIMIT = 1 << 16;
    /** Most request slots that may be asked for (each takes 128 bytes of state and 128 of park flag). */
    private static final int MAX_CAPACITY = 1 << 20;

    private int maxBatch = DEFAULT_MAX_BATCH;
    private long maxWaitNanos;
    private int threads;
    private int capacity = DEFAULT_CAPACITY;
    private boolean callerRuns = true;
    private int combiners;

    private Options() {}

    private Options copy() {
      Options copy = new Options();
      copy.maxBatch = maxBatch;
      copy.maxWaitNanos = maxWaitNanos;
      copy.threads = threads;
      copy.capacity = capacity;
      copy.callerRuns = callerRuns;
      copy.combiners = combiners;
      return copy;
    }

    /**
     * @return defaults: batches of up to {@value #DEFAULT_MAX_BATCH}, no waiting for more (batches form while the
     *     previous one runs), no inference thread (callers combine), {@value #DEFAULT_CAPACITY} request slots
     */
    public static Options defaults() {
      return new Options();
    }

    /**
     * @param records the most records per batch; with a dynamic batch dimension it is rounded down to a power of
     *     two, with a fixed one to a multiple of it; at most 65536 (2^16)
     */
    public Options withMaxBatch(int records) {
      if (records < 1 || records > MAX_BATCH_LIMIT) {
        throw new IllegalArgumentException("max batch must be in 1.." + MAX_BATCH_LIMIT + ", got " + records);
      }
      Options copy = copy();
      copy.maxBatch = records;
      return copy;
    }

    /**
     * @param nanos how long an inference thread that has fewer than the largest batch waits (spinning) for more
     *     before running; 0 runs at once. Each request may wait this much longer, in exchange for fuller batches.
     */
    public Options withMaxWait(long nanos) {
      if (nanos < 0) {
        throw new IllegalArgumentException("max wait must be >= 0 ns, got " + nanos);
      }
      Options copy = copy();
      copy.maxWaitNanos = nanos;
      return copy;
    }

    /**
     * @param count inference threads, each with its own model replicas; 0 (the default): none, callers combine,
     *     taking turns at running batches themselves on one of a few runners (see {@link #withCombiners(int)}),
     *     which suits machines whose cores are all busy: a separate inference thread would compete with every
     *     caller for the CPU
     */
    public Options withThreads(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("inference threads must be >= 0, got " + count);
      }
      Options copy = copy();
      copy.threads = count;
      return copy;
    }

    /**
     * @param slots request slots (rounded up to a power of two), at most 1048576 (2^20); callers beyond it
     *     wait for a free slot
     */
    public Options withCapacity(int slots) {
      if (slots < 1 || slots > MAX_CAPACITY) {
        throw new IllegalArgumentException("capacity must be in 1.." + MAX_CAPACITY + ", got " + slots);
      }
      Options copy = copy();
      copy.capacity = slots;
      return copy;
    }

    /**
     * @param enabled with inference threads: when a call finds no request queued or running, run it on the calling
     *     thread (on one of the replicas kept for this, one per core) instead of handing it to an inference thread
     *     and back; on by default, so that a lightly loaded batcher costs what a pool does. Off: every record goes
     *     through the inference threads. Combining callers always run their own records, so it has no effect there.
     */
    public Options withCallerRuns(boolean enabled) {
      Options copy = copy();
      copy.callerRuns = enabled;
      return copy;
    }

    /**
     * @param count combining mode (no inference threads): how many callers may run batches at once; 0 (the default):
     *     one per core. Fewer than the cores leaves cores to callers to publish their records while batches run, so
     *     batches form, at the price of waking each waiting caller.
     */
    public Options withCombiners(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("combiners must be >= 0, got " + count);
      }
      Options copy = copy();
      copy.combiners = count;
      return copy;
    }

    /** @return combining runners on a machine with {@code cores} cores */
    int combiners(int cores) {
      return combiners > 0 ? combiners : cores;
    }

    /** @return true when a lone caller runs its record on its own thread */
    public boolean callerRuns() {
      return callerRuns;
    }

    /** @return the most records per batch asked for */
    public int maxBatch() {
      return maxBatch;
    }

    /** @return the batching window in nanoseconds */
    public long maxWaitNanos() {
      return maxWaitNanos;
    }

    /** @return inference threads (0: callers combine) */
    public int threads() {
      return threads;
    }

    /** @return request slots asked for */
    public int capacity() {
      return capacity;
    }

    @Override
    public String toString() {
      return "MicroBatcher.Options{maxBatch=" + maxBatch + ", maxWait=" + maxWaitNanos + "ns, threads=" + threads
          + ", capacity=" + capacity + ", callerRuns=" + callerRuns + ", combiners=" + combiners + "}";
    }
  }
}
