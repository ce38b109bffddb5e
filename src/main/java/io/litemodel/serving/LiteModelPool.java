package io.litemodel.serving;

import io.litemodel.InferenceModel;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.TensorSpec;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A fixed set of model replicas sharing one loaded copy of the weights, for serving many threads: each call borrows
 * a replica for its duration. Works over any {@link InferenceModel} (a {@link LiteModel}, the TensorFlow runtime's
 * model, ...), and is one itself, so that the batch pipeline runs on a pool like on any model.
 *
 * <pre>{@code
 * try (LiteModelPool<LiteModel> pool = LiteModelPool.create(Path.of("models/seed_mlp.tflite"), 4)) {
 *   // from any thread:
 *   pool.predictSingle(in, out);
 * }
 * }</pre>
 *
 * <p>At most {@link #size()} predictions run at once and further callers wait. For the lowest latency give each
 * long-lived thread its own {@link InferenceModel#replicate()} instead; the pool suits thread pools whose threads come
 * and go. For many callers on few cores, {@link MicroBatcher} coalesces their records into batches instead.
 *
 * <p><b>The pool stays warm.</b> A replica's working set (its packed weights, activations and XNNPACK's buffers)
 * barely fits a core's L2 cache on small machines, so handing replicas out in rotation would make every call start
 * cold (docs/many-callers.md has the measurement). Two things keep it warm: the most recently returned replica is
 * lent first (a stack, not a queue), so a lone caller always gets the same replica; and {@link #create} loads the
 * model with {@link LiteModel.Options#withWeightsCache(boolean)} on, so all replicas read one copy of the packed
 * weights instead of one each.
 *
 * <p>The hand-off allocates nothing and takes no lock: a semaphore counts free replicas (a compare-and-set when one
 * is free; a waiter parks only when none is), and the free replicas sit on a lock-free stack of indices whose head
 * carries a version stamp against the ABA problem. Every call of the {@link InferenceModel} methods borrows a replica
 * and gives it back, so the allocation-free methods stay allocation-free through the pool.
 *
 * <p><b>Shapes and state.</b> Replicas start with the input shapes of the model the pool was built around
 * ({@link #around(LiteModel, int)} after {@link LiteModel#resizeInput(int, int...)}); {@link #inputs()} and
 * {@link #outputs()} are those shapes. Each replica keeps its own model state, and a call may get any replica, so the
 * pool does not suit stateful streaming models (resource variables that carry state from call to call): give each
 * stream its own model or replica, and call {@link LiteModel#resetState()} between streams.
 *
 * <p><b>Lifetime.</b> The pool owns its replicas. {@link #replicate()} gives another handle on the same replicas
 * (the batch pipeline, like Spark's executor cache, replicates the model it is given, one per thread, and closes each
 * replica); the replicas close when the last handle closes.
 *
 * @param <M> the replicas' type: {@link LiteModel} for pools that {@link #create} loads, or that are built
 *     {@link #around(LiteModel, int) around} one; {@link InferenceModel} for any other model
 */
public final class LiteModelPool<M extends InferenceModel> implements InferenceModel {
  private final ReplicaLender<M> lender;
  private final Shares shares;
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;
  private final boolean dynamicBatch;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LiteModelPool(ReplicaLender<M> lender, Shares shares, List<TensorSpec> inputs, List<TensorSpec> outputs,
      boolean dynamicBatch) {
    this.lender = lender;
    this.shares = shares;
    this.inputs = inputs;
    this.outputs = outputs;
    this.dynamicBatch = dynamicBatch;
  }

  /**
   * Loads the model once and builds {@code size} replicas on it, with default options and the weights cache on.
   */
  public static LiteModelPool<LiteModel> create(Path path, int size) {
    return create(path, LiteModel.Options.defaults(), size);
  }

  /**
   * Loads the model once and builds {@code size} replicas on it, with {@code options} and the weights cache on (see
   * the class notes for why; to give each replica its own packed weights, build the model yourself and use
   * {@link #around(LiteModel, int)}).
   */
  public static LiteModelPool<LiteModel> create(Path path, LiteModel.Options options, int size) {
    checkSize(size);
    LiteModel first = LiteModel.load(path, options.withWeightsCache(true));
    return around(first, size);
  }

  /**
   * Builds a pool of {@code size} replicas from {@code model} (which becomes the first replica and is closed with
   * the pool). Replicas take the model's options as they are: load it with the weights cache on to share packed
   * weights.
   */
  public static LiteModelPool<LiteModel> around(LiteModel model, int size) {
    return build(model, size, LiteModel::replicate);
  }

  /**
   * Builds a pool of {@code size} replicas of any model, made with {@link InferenceModel#replicate()}; {@code model}
   * becomes the first replica and is closed with the pool.
   */
  public static LiteModelPool<InferenceModel> around(InferenceModel model, int size) {
    return build(model, size, InferenceModel::replicate);
  }

  private static <M extends InferenceModel> LiteModelPool<M> build(M model, int size, UnaryOperator<M> replicate) {
    Objects.requireNonNull(model, "model");
    checkSize(size);
    List<M> replicas = new ArrayList<>(size);
    replicas.add(model);
    List<TensorSpec> inputs;
    List<TensorSpec> outputs;
    boolean dynamicBatch;
    try {
      inputs = List.copyOf(model.inputs());
      outputs = List.copyOf(model.outputs());
      dynamicBatch = model.hasDynamicBatch();
      for (int i = 1; i < size; i++) {
        replicas.add(replicate.apply(model));
      }
    } catch (RuntimeException e) {
      replicas.forEach(InferenceModel::close);
      throw e;
    }
    return new LiteModelPool<>(new ReplicaLender<>(replicas, "LiteModelPool"), new Shares(), inputs, outputs,
        dynamicBatch);
  }

  private static void checkSize(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("pool size must be >= 1, got " + size);
    }
  }

  /** @return the number of replicas */
  public int size() {
    return lender.size();
  }

  /**
   * Borrows a replica, waiting for one to be free. Return it with {@link #release}.
   *
   * @throws IllegalStateException if the pool is closed
   * @throws LiteModelException with status CANCELLED if the thread is interrupted while waiting
   */
  public M acquire() {
    if (closed.get()) {
      throw lender.closedException();
    }
    return lender.acquire();
  }

  /**
   * Returns a replica borrowed with {@link #acquire()} (also after {@link #close()}: the replica is then closed).
   *
   * @throws IllegalArgumentException if the replica is not from this pool
   * @throws IllegalStateException if it is not lent out (released twice)
   */
  public void release(M replica) {
    lender.release(replica);
  }

  /** Runs {@code work} with a borrowed replica and returns its result. */
  public <T> T withReplica(Function<? super M, ? extends T> work) {
    M replica = acquire();
    try {
      return work.apply(replica);
    } finally {
      lender.release(replica);
    }
  }

  /** {@link InferenceModel#predictSingle(float[], float[])} on a borrowed replica; allocation-free. */
  @Override
  public void predictSingle(float[] input, float[] output) {
    M replica = acquire();
    try {
      replica.predictSingle(input, output);
    } finally {
      lender.release(replica);
    }
  }

  /** {@link InferenceModel#predictSingle(float[])} on a borrowed replica. */
  @Override
  public float[] predictSingle(float[] input) {
    M replica = acquire();
    try {
      return replica.predictSingle(input);
    } finally {
      lender.release(replica);
    }
  }

  /** {@link InferenceModel#predict(float[][])} on a borrowed replica. */
  @Override
  public float[][] predict(float[][] rows) {
    M replica = acquire();
    try {
      return replica.predict(rows);
    } finally {
      lender.release(replica);
    }
  }

  /** {@link InferenceModel#predict(FloatBuffer, FloatBuffer, int)} on a borrowed replica; allocation-free. */
  @Override
  public void predict(FloatBuffer input, FloatBuffer output, int rows) {
    M replica = acquire();
    try {
      replica.predict(input, output, rows);
    } finally {
      lender.release(replica);
    }
  }

  /** {@link InferenceModel#run(float[][], float[][])} on a borrowed replica; allocation-free. */
  @Override
  public void run(float[][] inputs, float[][] outputs) {
    M replica = acquire();
    try {
      replica.run(inputs, outputs);
    } finally {
      lender.release(replica);
    }
  }

  /** {@link InferenceModel#run(Map)} on a borrowed replica. */
  @Override
  public Map<String, float[]> run(Map<String, float[]> inputs) {
    M replica = acquire();
    try {
      return replica.run(inputs);
    } finally {
      lender.release(replica);
    }
  }

  /** @return the inputs of the model the pool was built around, with the shapes it had then */
  @Override
  public List<TensorSpec> inputs() {
    checkOpen();
    return inputs;
  }

  /** @return the outputs of the model the pool was built around, with the shapes it had then */
  @Override
  public List<TensorSpec> outputs() {
    checkOpen();
    return outputs;
  }

  /** Asks a borrowed replica. */
  @Override
  public int inputIndex(String name) {
    M replica = acquire();
    try {
      return replica.inputIndex(name);
    } finally {
      lender.release(replica);
    }
  }

  /** Asks a borrowed replica. */
  @Override
  public int outputIndex(String name) {
    M replica = acquire();
    try {
      return replica.outputIndex(name);
    } finally {
      lender.release(replica);
    }
  }

  @Override
  public boolean hasDynamicBatch() {
    checkOpen();
    return dynamicBatch;
  }

  /** @return true: any number of threads may call a pool at once (each call borrows its own replica) */
  @Override
  public boolean threadSafe() {
    return true;
  }

  /**
   * @return another handle on the same replicas, closed on its own; the replicas close when the last handle does
   * @throws IllegalStateException if this pool is closed
   */
  @Override
  public LiteModelPool<M> replicate() {
    if (closed.get() || !shares.add()) {
      throw lender.closedException();
    }
    return new LiteModelPool<>(lender, shares, inputs, outputs, dynamicBatch);
  }

  @Override
  public boolean isClosed() {
    return closed.get();
  }

  private void checkOpen() {
    if (closed.get()) {
      throw lender.closedException();
    }
  }

  /**
   * Closes this handle. When it is the last open one (no {@link #replicate()} handle is open), closes the pool: idle
   * replicas at once, replicas in use when their borrowers release them, and waiting {@link #acquire()} calls fail.
   * The shared model bytes are freed with the last replica. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && shares.drop()) {
      lender.close();
    }
  }
}
