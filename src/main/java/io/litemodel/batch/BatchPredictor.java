package io.litemodel.batch;

import io.litemodel.InferenceModel;
import io.litemodel.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Predicts a large set of items at full throughput, in the manner of tf.data's parallel map + prefetch: worker
 * threads preprocess items straight into their slots of off-heap batch buffers, full batches queue up for inference
 * on model replicas (one invocation per batch), and results reach a consumer in input order.
 *
 * <pre>{@code
 * try (LiteModel model = LiteModel.load(Path.of("models/image_cnn.tflite"));
 *      BatchPredictor<Path> predictor = BatchPredictor.builder(model, ImagePreprocessor.factory(model,
 *          Normalization.symmetric())).build()) {
 *   float[] row = new float[10];
 *   RunSummary summary = predictor.run(paths.iterator(), (index, path, output) -> {
 *     output.get(row);
 *     System.out.println(path + " -> " + Arrays.toString(row));
 *   });
 * }
 * }</pre>
 *
 * <p><b>Steady state allocates nothing per item</b>: buffers, slot views and replicas are made once, in
 * {@link Builder#build()}; the queues are array-backed. What the {@link Preprocessor} itself allocates (an image
 * decoder, say) is its own business.
 *
 * <p><b>Threads.</b> By default ({@link PipelineDefaults}) the pipeline runs one inference thread per core, each
 * with its own model replica, and no separate preprocessing workers: an inference thread preprocesses items itself
 * whenever no full batch is waiting. So exactly {@code cores} threads do work, none of them idles while there is
 * work of either kind, and no item crosses from one thread to another before inference. Set {@code workers} and
 * {@code replicas} to change the split; each replica is used by exactly one inference thread.
 *
 * <p><b>A slow consumer does not stall inference.</b> Results are delivered on a delivery thread of their own, so the
 * model keeps running while the {@link ResultConsumer} works, until every batch buffer holds a batch waiting for
 * delivery: the ring's size ({@link Builder#prefetch(int)}, {@link Builder#buffers(int)}) bounds the memory held
 * for results not yet consumed. {@link PipelineStats#deliveryBusy()} shows how much of its time the consumer takes.
 *
 * <p><b>Lifetime.</b> A predictor may run many times (one run at a time). {@link #close()} cancels a run in progress
 * (from any thread), waits until every pipeline thread has stopped, then frees all batch buffers and replicas.
 * Interrupting the thread blocked in {@link #run} cancels the run too. The caller's model (any {@link InferenceModel}) is not used or
 * closed by the predictor, only replicated.
 *
 * @param <T> the item type
 */
public final class BatchPredictor<T> implements AutoCloseable {
  static final String THREAD_PREFIX = "litemodel-batch-";

  private final Supplier<? extends Preprocessor<? super T>> preprocessors;
  private final int batchSize;
  private final int workers;
  private final boolean ordered;
  private final boolean inferenceHelps;
  private final ErrorPolicy errorPolicy;
  private final int inputRow;
  private final int outputRow;
  private final List<InferenceModel> replicas;
  private final BufferRing ring;
  /** Held for the whole of a run, so close() can wait for the run to tear down before freeing memory. */
  private final ReentrantLock lifecycle = new ReentrantLock();
  /**
   * Guards {@link #closed} together with {@link #current}: run() checks the one and publishes the other in one
   * step, so close() either sees the run (and cancels it) or run() sees the close (and does not start).
   */
  private final Object state = new Object();
  private volatile PipelineRun<T> current; // written under state; volatile for stats()
  private volatile PipelineStats lastStats;
  private volatile boolean closed; // written under state; volatile for isClosed() and toString()
  private boolean freed; // guarded by lifecycle

  private BatchPredictor(Builder<T> builder) {
    InferenceModel model = builder.model;
    List<TensorSpec> inputs = model.inputs();
    List<TensorSpec> outputs = model.outputs();
    if (inputs.size() != 1 || outputs.size() != 1) {
      throw new IllegalArgumentException("the batch pipeline needs a model with one input and one output; this one has "
          + inputs.size() + " inputs and " + outputs.size() + " outputs");
    }
    this.inputRow = rowElements(inputs.get(0));
    this.outputRow = rowElements(outputs.get(0));
    this.preprocessors = builder.preprocessors;
    this.batchSize = builder.batchSize;
    this.ordered = builder.ordered;
    this.inferenceHelps = builder.inferenceHelps;
    this.errorPolicy = builder.errorPolicy;
    int replicaCount = builder.replicas > 0 ? builder.replicas : PipelineDefaults.replicas();
    this.workers = builder.workers >= 0 ? builder.workers : PipelineDefaults.workers(replicaCount, inferenceHelps);
    if (workers == 0 && !inferenceHelps) {
      throw new IllegalArgumentException("workers(0) needs inferenceHelps(true): nobody would preprocess");
    }
    int buffers = builder.buffers > 0 ? builder.buffers : replicaCount + 1 + builder.prefetch;
    if (buffers < replicaCount + 1) {
      throw new IllegalArgumentException("buffers must be at least replicas + 1 = " + (replicaCount + 1)
          + " (one filling while each replica infers), got " + buffers);
    }
    List<InferenceModel> made = new ArrayList<>(replicaCount);
    BufferRing allocated = null;
    try {
      for (int i = 0; i < replicaCount; i++) {
        made.add(model.replicate());
      }
      allocated = new BufferRing(buffers, batchSize, inputRow, outputRow);
    } catch (RuntimeException | Error e) {
      made.forEach(InferenceModel::close);
      throw e;
    }
    this.replicas = List.copyOf(made);
    this.ring = allocated;
  }

  private static int rowElements(TensorSpec spec) {
    int[] shape = spec.shape();
    if (shape.length < 2) {
      throw new IllegalArgumentException("tensor '" + spec.name() + "' has shape " + Arrays.toString(shape)
          + "; the batch pipeline needs a leading batch dimension");
    }
    int row = spec.rowElements();
    if (row <= 0) {
      throw new IllegalArgumentException("tensor '" + spec.name() + "' has an unusable row shape "
          + Arrays.toString(shape));
    }
    return row;
  }

  /**
   * Starts building a predictor.
   *
   * @param model the model to replicate (left open and unused by the predictor)
   * @param preprocessors makes one {@link Preprocessor} per pipeline thread, at the start of each run
   * @param <T> the item type
   * @return a builder with the defaults described on {@link Builder}
   */
  public static <T> Builder<T> builder(InferenceModel model, Supplier<? extends Preprocessor<? super T>> preprocessors) {
    return new Builder<>(model, preprocessors);
  }

  /**
   * Predicts every item, delivering results to {@code consumer}; under {@link ErrorPolicy#SKIP}, failed items are
   * dropped silently apart from the count in the summary. See {@link #run(Iterator, ResultConsumer, FailureListener)}.
   */
  public RunSummary run(Iterator<? extends T> items, ResultConsumer<? super T> consumer) {
    return run(items, consumer, (index, item, error) -> { });
  }

  /**
   * Predicts every item of {@code items} (read by the pipeline threads, one at a time) and blocks until all are
   * delivered.
   *
   * @param items the source; it need not be thread-safe (the pipeline serializes calls to it)
   * @param consumer receives each predicted row (serialized calls; in input order if the predictor is ordered)
   * @param failures hears about items whose preprocessing failed, under {@link ErrorPolicy#SKIP}
   * @return counts and the final statistics
   * @throws ItemFailedException under {@link ErrorPolicy#FAIL_FAST}, at the first bad item to reach delivery (see
   *     {@link ErrorPolicy#FAIL_FAST} for which items were delivered before it)
   * @throws CancellationException if the run was cancelled by {@link #close()} or by interrupting this thread (the
   *     interrupt flag is then set again)
   * @throws BatchPredictionException if the source, the model or the consumer failed
   * @throws IllegalStateException if the predictor is closed or already running
   */
  public RunSummary run(Iterator<? extends T> items, ResultConsumer<? super T> consumer,
      FailureListener<? super T> failures) {
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(consumer, "consumer");
    Objects.requireNonNull(failures, "failures");
    if (!lifecycle.tryLock()) {
      throw new IllegalStateException("this BatchPredictor is already running; runs cannot overlap");
    }
    try {
      PipelineRun<T> run = new PipelineRun<>(this, items, consumer, failures);
      synchronized (state) {
        if (closed) {
          throw new IllegalStateException("this BatchPredictor is closed");
        }
        current = run;
      }
      try {
        run.start();
        run.awaitDone();
      } finally {
        run.stopAndJoin();
        lastStats = run.stats();
        ring.reclaimAll();
        synchronized (state) {
          current = null;
        }
      }
      return run.finish();
    } finally {
      if (closed) {
        free(); // close() was called during the run, maybe from a pipeline thread that could not wait for it
      }
      lifecycle.unlock();
    }
  }

  /** @return live statistics of the run in progress, or the final ones of the last run (null before any run) */
  public PipelineStats stats() {
    PipelineRun<T> run = current;
    return run != null ? run.stats() : lastStats;
  }

  /** @return values per input row (the model input's shape without its batch dimension, multiplied out) */
  public int inputRowElements() {
    return inputRow;
  }

  /** @return values per output row */
  public int outputRowElements() {
    return outputRow;
  }

  /** @return rows per batch */
  public int batchSize() {
    return batchSize;
  }

  /** @return preprocessing worker threads */
  public int workers() {
    return workers;
  }

  /** @return inference threads, one model replica each */
  public int replicas() {
    return replicas.size();
  }

  /** @return batch buffers in the ring */
  public int buffers() {
    return ring.size();
  }

  /** @return the number of batch buffers allocated and not yet freed (0 once closed) */
  int liveBuffers() {
    return ring.live();
  }

  /**
   * Cancels a run in progress, waits for all pipeline threads to stop, and frees the batch buffers and replicas.
   * Idempotent. Called from within a consumer or preprocessor (a pipeline thread), it cancels the run, and the
   * memory is freed as soon as the run has torn down.
   */
  @Override
  public void close() {
    PipelineRun<T> run;
    synchronized (state) {
      closed = true;
      run = current;
    }
    if (run != null) {
      run.cancel();
      if (run.isPipelineThread(Thread.currentThread())) {
        return; // run() frees once its threads, including this one, have stopped
      }
    }
    lifecycle.lock();
    try {
      free();
    } finally {
      lifecycle.unlock();
    }
  }

  /** @return true once {@link #close()} was called */
  public boolean isClosed() {
    return closed;
  }

  private void free() {
    if (!freed) {
      freed = true;
      ring.close();
      replicas.forEach(InferenceModel::close);
    }
  }

  // Package-private accessors for PipelineRun.
  Supplier<? extends Preprocessor<? super T>> preprocessors() {
    return preprocessors;
  }

  boolean ordered() {
    return ordered;
  }

  boolean inferenceHelps() {
    return inferenceHelps;
  }

  ErrorPolicy errorPolicy() {
    return errorPolicy;
  }

  BufferRing ring() {
    return ring;
  }

  List<InferenceModel> replicaList() {
    return replicas;
  }

  @Override
  public String toString() {
    return "BatchPredictor[batch " + batchSize + ", " + workers + " workers, " + replicas.size() + " replicas, "
        + ring.size() + " buffers, " + (ordered ? "ordered" : "unordered") + ", " + errorPolicy
        + (inferenceHelps ? ", inference helps preprocess" : "") + (closed ? ", closed" : "") + "]";
  }

  /**
   * Configures a {@link BatchPredictor}. Defaults, from {@link PipelineDefaults}:
   * batch {@value PipelineDefaults#BATCH_SIZE}, {@code replicas} = cores, {@code workers} 0 (or, with {@code inferenceHelps(false)},
   * cores - replicas, at least 1); then 2 prefetched batches, ordered, {@link ErrorPolicy#FAIL_FAST}, inference
   * threads help preprocess.
   *
   * @param <T> the item type
   */
  public static final class Builder<T> {
    private final InferenceModel model;
    private final Supplier<? extends Preprocessor<? super T>> preprocessors;
    private int batchSize = PipelineDefaults.batchSize();
    private int workers = -1;
    private int replicas = -1;
    private int prefetch = 2;
    private int buffers = -1;
    private boolean ordered = true;
    private boolean inferenceHelps = true;
    private ErrorPolicy errorPolicy = ErrorPolicy.FAIL_FAST;

    private Builder(InferenceModel model, Supplier<? extends Preprocessor<? super T>> preprocessors) {
      this.model = Objects.requireNonNull(model, "model");
      this.preprocessors = Objects.requireNonNull(preprocessors, "preprocessors");
    }

    /** @param rows rows per batch (and per model invocation), at least 1 */
    public Builder<T> batchSize(int rows) {
      this.batchSize = positive(rows, "batchSize");
      return this;
    }

    /** @param threads preprocessing worker threads (0 is allowed when inference threads help) */
    public Builder<T> workers(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("workers must be >= 0, got " + threads);
      }
      this.workers = threads;
      return this;
    }

    /** @param count model replicas, each run by its own inference thread, at least 1 */
    public Builder<T> replicas(int count) {
      this.replicas = positive(count, "replicas");
      return this;
    }

    /**
     * @param batches full batches that may wait for inference beyond one per replica (the buffer ring then holds
     *     {@code replicas + 1 + batches} buffers); 0 or more
     */
    public Builder<T> prefetch(int batches) {
      if (batches < 0) {
        throw new IllegalArgumentException("prefetch must be >= 0, got " + batches);
      }
      this.prefetch = batches;
      return this;
    }

    /** @param count the exact number of batch buffers in the ring (overrides {@link #prefetch(int)}) */
    public Builder<T> buffers(int count) {
      this.buffers = positive(count, "buffers");
      return this;
    }

    /** @param inputOrder true (default) to deliver in input order; false to deliver each batch when it is ready */
    public Builder<T> ordered(boolean inputOrder) {
      this.ordered = inputOrder;
      return this;
    }

    /** @param helps true (default) to let inference threads preprocess items while no full batch is waiting */
    public Builder<T> inferenceHelps(boolean helps) {
      this.inferenceHelps = helps;
      return this;
    }

    /** @param policy what to do with items whose preprocessing fails */
    public Builder<T> errorPolicy(ErrorPolicy policy) {
      this.errorPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Allocates the replicas and batch buffers.
     *
     * @throws IllegalArgumentException if the model does not have exactly one input and one output with a batch
     *     dimension, or the settings contradict each other
     */
    public BatchPredictor<T> build() {
      return new BatchPredictor<>(this);
    }

    private static int positive(int value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be >= 1, got " + value);
      }
      return value;
    }
  }
}
