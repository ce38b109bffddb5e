package io.litemodel.serving;

import io.litemodel.InferenceModel;
import io.litemodel.LiteModelException;
import io.litemodel.TensorSpec;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Dynamic micro-batching inside the process: {@link #predictSingle(float[], float[])} from any number of threads,
 * with concurrent single-record requests coalesced into one batched invocation of the model, so that many callers
 * pay a batch's cost per row instead of one invocation each (docs/many-callers.md has measurements, and when it
 * pays). Works over any single-input, single-output {@link InferenceModel}, and is one itself.
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
 * <p><b>How.</b> Callers lend their arrays to a slot of a preallocated request ring; runners take every published
 * request they find (out of order, so that a caller descheduled between claiming a slot and publishing it delays no
 * one else), run them as one batch and write each output row into its caller's array. By default the callers
 * themselves take turns at the runners ("combining": a lone caller runs its own record at once, with no hand-off);
 * {@link Options#withThreads(int)} uses dedicated inference threads instead. See {@code Coalescer} for the details.
 *
 * <p><b>Results</b> are those of {@link InferenceModel#predictSingle(float[], float[])}, provided the model computes
 * each row independently of the others in its batch (true of models without cross-batch operations; not of
 * openWakeWord's melspectrogram, for one, which clips every value at 80 dB below the largest in its whole batch, so a
 * quiet record batched with a loud one comes back changed). Batch sizes are the ones the model can take: with a
 * dynamic batch dimension, powers of two up to the largest batch, each on a replica resized once (padded up from the
 * rows at hand); with a fixed batch dimension, that size, in chunks (the last one padded).
 *
 * <p><b>As an {@link InferenceModel}.</b> Only {@code predictSingle} is coalesced. Calls that bring a whole batch
 * ({@link #predict(FloatBuffer, FloatBuffer, int)}, {@link #predict(float[][])}, {@link #run(float[][], float[][])},
 * {@link #run(Map)}) need no coalescing: each borrows one of a few replicas kept for them
 * ({@link Options#withWholeBatchReplicas(int)}) and runs as it is, allocation-free where the method is. So the batch
 * pipeline, which calls {@code predict} with its own batches, runs on a batcher as on a pool.
 *
 * <p><b>Errors.</b> If a batch fails, every caller in it gets a {@link LiteModelException} (the model's status, or
 * {@code ERROR}) whose cause is the model's exception. An interrupted caller whose result has not come gets
 * {@code CANCELLED} and keeps its interrupt status. After {@link #close()}, calls get {@link IllegalStateException}.
 *
 * <p><b>Allocation.</b> None per request in steady state, on either side: the ring, the batch buffers and the
 * replicas are made at construction.
 *
 * <p><b>Ownership.</b> The batcher owns the model it is built around and the replicas it makes (one per batch size
 * and runner, with inference threads one per core for callers that run their own record, and the whole-batch
 * replicas), and closes them all when it closes. Load the model with {@code withWeightsCache(true)} so that those
 * replicas share one copy of the packed weights. {@link #replicate()} gives another handle on the same batcher (the
 * batch pipeline replicates the model it is given); the batcher closes when the last handle does.
 */
public final class MicroBatcher implements InferenceModel {
  private final Coalescer core;
  private final Shares shares;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MicroBatcher(Coalescer core, Shares shares) {
    this.core = core;
    this.shares = shares;
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
      return new MicroBatcher(new Coalescer(model, options), new Shares());
    } catch (RuntimeException | Error e) {
      model.close();
      throw e;
    }
  }

  /** @return values per input record */
  public int inputRow() {
    return core.inputRow();
  }

  /** @return values per output record */
  public int outputRow() {
    return core.outputRow();
  }

  /**
   * @return batches run so far (a statistic, read without synchronization: may lag by the batches in progress)
   */
  public long batchesRun() {
    return core.batchesRun();
  }

  /**
   * @return records run in batches so far (with inference threads, records that callers ran on their own thread
   *     are not counted); divided by {@link #batchesRun()}, the mean batch size
   */
  public long recordsBatched() {
    return core.recordsBatched();
  }

  /** The request ring, for tests in this package (to claim a sequence the way a descheduled caller leaves it). */
  RequestRing ring() {
    return core.ring();
  }

  /** A caller's giving up on a published request, for tests in this package: see {@code Coalescer#giveUp}. */
  boolean giveUp(long sequence) {
    return core.giveUp(sequence);
  }

  /**
   * @return the most records one invocation runs: with a fixed batch dimension, that size (a runner may still gather
   *     a multiple of it, up to {@link Options#withMaxBatch(int)}, and run them in chunks of it)
   */
  public int largestBatch() {
    return core.largestBatch();
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
  @Override
  public void predictSingle(float[] input, float[] output) {
    if (closed.get()) {
      throw Coalescer.closedException();
    }
    core.predictSingle(input, output);
  }

  /** Predicts one record, batched like {@link #predictSingle(float[], float[])}, into a new array. */
  @Override
  public float[] predictSingle(float[] input) {
    float[] output = new float[core.outputRow()];
    predictSingle(input, output);
    return output;
  }

  /** Runs the caller's rows as they are, on a whole-batch replica (see the class notes). */
  @Override
  public float[][] predict(float[][] rows) {
    InferenceModel replica = borrow();
    try {
      return replica.predict(rows);
    } finally {
      core.wholeBatches().release(replica);
    }
  }

  /** Runs the caller's rows as they are, on a whole-batch replica (see the class notes); allocation-free. */
  @Override
  public void predict(FloatBuffer input, FloatBuffer output, int rows) {
    InferenceModel replica = borrow();
    try {
      replica.predict(input, output, rows);
    } finally {
      core.wholeBatches().release(replica);
    }
  }

  /** Runs the caller's tensors as they are, on a whole-batch replica (see the class notes); allocation-free. */
  @Override
  public void run(float[][] inputs, float[][] outputs) {
    InferenceModel replica = borrow();
    try {
      replica.run(inputs, outputs);
    } finally {
      core.wholeBatches().release(replica);
    }
  }

  /** Runs the caller's tensors as they are, on a whole-batch replica (see the class notes). */
  @Override
  public Map<String, float[]> run(Map<String, float[]> inputs) {
    InferenceModel replica = borrow();
    try {
      return replica.run(inputs);
    } finally {
      core.wholeBatches().release(replica);
    }
  }

  private InferenceModel borrow() {
    if (closed.get()) {
      throw Coalescer.closedException();
    }
    return core.wholeBatches().acquire();
  }

  /** @return the model's inputs as it was given to {@link #around} */
  @Override
  public List<TensorSpec> inputs() {
    checkOpen();
    return core.inputs();
  }

  /** @return the model's outputs as it was given to {@link #around} */
  @Override
  public List<TensorSpec> outputs() {
    checkOpen();
    return core.outputs();
  }

  /** Asks a whole-batch replica. */
  @Override
  public int inputIndex(String name) {
    InferenceModel replica = borrow();
    try {
      return replica.inputIndex(name);
    } finally {
      core.wholeBatches().release(replica);
    }
  }

  /** Asks a whole-batch replica. */
  @Override
  public int outputIndex(String name) {
    InferenceModel replica = borrow();
    try {
      return replica.outputIndex(name);
    } finally {
      core.wholeBatches().release(replica);
    }
  }

  @Override
  public boolean hasDynamicBatch() {
    checkOpen();
    return core.hasDynamicBatch();
  }

  /** @return true: coalescing callers from many threads is the point */
  @Override
  public boolean threadSafe() {
    return true;
  }

  /**
   * @return another handle on this batcher, closed on its own; the batcher closes when the last handle does
   * @throws IllegalStateException if this handle is closed
   */
  @Override
  public MicroBatcher replicate() {
    if (closed.get() || !shares.add()) {
      throw Coalescer.closedException();
    }
    return new MicroBatcher(core, shares);
  }

  @Override
  public boolean isClosed() {
    return closed.get();
  }

  private void checkOpen() {
    if (closed.get()) {
      throw Coalescer.closedException();
    }
  }

  /**
   * Closes this handle. When it is the last open one (no {@link #replicate()} handle is open), closes the batcher:
   * runs every request already published (the inference threads, or this thread once the combining callers have
   * given their runners back), makes callers still waiting (those that had not published yet) fail with
   * {@link IllegalStateException}, and closes the models. Waits for batches in progress; never for a caller that is
   * not running one. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && shares.drop()) {
      core.close();
    }
  }

  /** How the batcher gathers and runs batches. Immutable: each {@code with} method returns a copy. */
  public static final class Options {
    /**
     * Default largest batch: where a small model's cost per row stops falling much (docs/many-callers.md has the
     * measurement on seed_mlp).
     */
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
    private int wholeBatchReplicas = 1;

    private Options() {}

    private Options copy() {
      Options copy = new Options();
      copy.maxBatch = maxBatch;
      copy.maxWaitNanos = maxWaitNanos;
      copy.threads = threads;
      copy.capacity = capacity;
      copy.callerRuns = callerRuns;
      copy.combiners = combiners;
      copy.wholeBatchReplicas = wholeBatchReplicas;
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

    /**
     * @param count replicas for calls that bring a whole batch ({@code predict}, {@code run}, as the batch pipeline
     *     and Spark's transform make): such calls need no coalescing, so each borrows one of these replicas, as from a
     *     {@link LiteModelPool}, and runs its rows as they are; at most this many run at once. Default 1.
     */
    public Options withWholeBatchReplicas(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("whole-batch replicas must be >= 1, got " + count);
      }
      Options copy = copy();
      copy.wholeBatchReplicas = count;
      return copy;
    }

    /** @return replicas for calls that bring a whole batch */
    public int wholeBatchReplicas() {
      return wholeBatchReplicas;
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
          + ", capacity=" + capacity + ", callerRuns=" + callerRuns + ", combiners=" + combiners
          + ", wholeBatchReplicas=" + wholeBatchReplicas + "}";
    }
  }
}
