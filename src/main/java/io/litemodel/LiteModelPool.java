package io.litemodel;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Function;

/**
 * A fixed set of {@link LiteModel} replicas sharing one copy of the model bytes, for serving many threads.
 *
 * <pre>{@code
 * try (LiteModelPool pool = LiteModelPool.create(Path.of("models/seed_mlp.tflite"), 4)) {
 *   // from any thread:
 *   pool.predictSingle(in, out);
 * }
 * }</pre>
 *
 * <p>Each call borrows a replica for its duration, so at most {@link #size()} predictions run at once and further
 * callers wait. The hand-off is an {@link ArrayBlockingQueue}: an intended lock, held for a few nanoseconds, and no
 * allocation per call. For the lowest latency give each long-lived thread its own {@link LiteModel#replicate()}
 * instead; the pool suits thread pools whose threads come and go.
 *
 * <p><b>Shapes and state.</b> Replicas start with the input shapes of the model the pool was built around
 * ({@link #around(LiteModel, int)} after {@link LiteModel#resizeInput(int, int...)}). Each replica keeps its own model
 * state, and a call may get any replica, so the pool does not suit stateful streaming models (resource variables that
 * carry state from call to call): give each stream its own {@link LiteModel} or replica, and call
 * {@link LiteModel#resetState()} between streams.
 */
public final class LiteModelPool implements AutoCloseable {
  private final List<LiteModel> replicas;
  private final BlockingQueue<LiteModel> idle;
  /** 1 while replica i is lent out: catches double release without allocating. */
  private final AtomicIntegerArray lent;
  private volatile boolean closed;

  private LiteModelPool(List<LiteModel> replicas) {
    this.replicas = List.copyOf(replicas);
    this.idle = new ArrayBlockingQueue<>(replicas.size(), false, replicas);
    this.lent = new AtomicIntegerArray(replicas.size());
  }

  /** Loads the model once and builds {@code size} replicas on it, with default options. */
  public static LiteModelPool create(java.nio.file.Path path, int size) {
    return create(path, LiteModel.Options.defaults(), size);
  }

  /** Loads the model once and builds {@code size} replicas on it. */
  public static LiteModelPool create(java.nio.file.Path path, LiteModel.Options options, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("pool size must be >= 1, got " + size);
    }
    LiteModel first = LiteModel.load(path, options);
    return around(first, size);
  }

  /**
   * Builds a pool of {@code size} replicas from {@code model} (which becomes the first replica and is closed with
   * the pool).
   */
  public static LiteModelPool around(LiteModel model, int size) {
    Objects.requireNonNull(model, "model");
    if (size < 1) {
      throw new IllegalArgumentException("pool size must be >= 1, got " + size);
    }
    List<LiteModel> replicas = new ArrayList<>(size);
    replicas.add(model);
    try {
      for (int i = 1; i < size; i++) {
        replicas.add(model.replicate());
      }
    } catch (RuntimeException e) {
      replicas.forEach(LiteModel::close);
      throw e;
    }
    return new LiteModelPool(replicas);
  }

  /** @return the number of replicas */
  public int size() {
    return replicas.size();
  }

  /**
   * Borrows a replica, waiting for one to be free. Return it with {@link #release(LiteModel)}.
   *
   * @throws IllegalStateException if the pool is closed
   * @throws LiteModelException with status CANCELLED if the thread is interrupted while waiting
   */
  public LiteModel acquire() {
    try {
      while (true) {
        if (closed) {
          throw new IllegalStateException("this LiteModelPool is closed");
        }
        // Timed, so a thread waiting here notices close() instead of blocking forever.
        LiteModel replica = idle.poll(50, TimeUnit.MILLISECONDS);
        if (replica != null) {
          int index = indexOf(replica);
          lent.set(index, 1);
          if (closed) {
            release(replica); // closes it
            throw new IllegalStateException("this LiteModelPool is closed");
          }
          return replica;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LiteModelException(LiteModelException.Status.CANCELLED, "interrupted while waiting for a replica",
          e);
    }
  }

  /**
   * Returns a replica borrowed with {@link #acquire()}.
   *
   * @throws IllegalArgumentException if the replica is not from this pool
   * @throws IllegalStateException if it is not lent out (released twice)
   */
  public void release(LiteModel replica) {
    int index = indexOf(replica);
    if (index < 0) {
      throw new IllegalArgumentException("that LiteModel does not belong to this pool");
    }
    if (!lent.compareAndSet(index, 1, 0)) {
      throw new IllegalStateException("replica released twice");
    }
    if (closed) {
      replica.close(); // the pool closed while it was lent: it was left for its borrower to bring back
      return;
    }
    idle.offer(replica);
    if (closed) {
      closeIdle(); // close() ran between the check and the offer
    }
  }

  private void closeIdle() {
    LiteModel replica;
    while ((replica = idle.poll()) != null) {
      replica.close();
    }
  }

  private int indexOf(LiteModel replica) {
    for (int i = 0; i < replicas.size(); i++) {
      if (replicas.get(i) == replica) {
        return i;
      }
    }
    return -1;
  }

  /** Runs {@code work} with a borrowed replica and returns its result. */
  public <T> T withReplica(Function<LiteModel, T> work) {
    LiteModel replica = acquire();
    try {
      return work.apply(replica);
    } finally {
      release(replica);
    }
  }

  /** {@link LiteModel#predictSingle(float[], float[])} on a borrowed replica; allocation-free. */
  public void predictSingle(float[] input, float[] output) {
    LiteModel replica = acquire();
    try {
      replica.predictSingle(input, output);
    } finally {
      release(replica);
    }
  }

  /**
   * Closes the pool: idle replicas at once, replicas in use when their borrowers release them. Waiting
   * {@link #acquire()} calls fail. The shared model bytes are freed with the last replica. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    closeIdle();
  }
}
