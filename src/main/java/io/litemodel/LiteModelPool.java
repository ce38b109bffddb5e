package io.litemodel;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
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
 * callers wait. For the lowest latency give each long-lived thread its own {@link LiteModel#replicate()} instead; the
 * pool suits thread pools whose threads come and go. For many callers on few cores,
 * {@link io.litemodel.batch.MicroBatcher} coalesces their records into batches instead.
 *
 * <p><b>The pool stays warm.</b> A replica's working set (its packed weights, activations and XNNPACK's buffers)
 * barely fits a core's L2 cache on small machines, so handing replicas out in rotation would make every call start
 * cold (measured on seed_mlp, 2 vCPU: 59-64 us a call cycling through replicas, 20 us on one). Two things keep it
 * warm: the most recently returned replica is lent first (a stack, not a queue), so a lone caller always gets the
 * same replica; and {@link #create} loads the model with {@link LiteModel.Options#withWeightsCache(boolean)} on, so
 * all replicas read one copy of the packed weights instead of one each.
 *
 * <p>The hand-off allocates nothing and takes no lock: a semaphore counts free replicas (a compare-and-set when one
 * is free; a waiter parks only when none is), and the free replicas sit on a lock-free stack of indices whose head
 * carries a version stamp against the ABA problem.
 *
 * <p><b>Shapes and state.</b> Replicas start with the input shapes of the model the pool was built around
 * ({@link #around(LiteModel, int)} after {@link LiteModel#resizeInput(int, int...)}). Each replica keeps its own model
 * state, and a call may get any replica, so the pool does not suit stateful streaming models (resource variables that
 * carry state from call to call): give each stream its own {@link LiteModel} or replica, and call
 * {@link LiteModel#resetState()} between streams.
 */
public final class LiteModelPool implements AutoCloseable {
  private final List<LiteModel> replicas;
  /** Free replicas: the stack of their indices ({@code head} and {@code below}) and their count. */
  private final ReplicaStack idle;
  private final Semaphore free;
  /** 1 while replica i is lent out: catches double release without allocating. */
  private final AtomicIntegerArray lent;
  private volatile boolean closed;

  private LiteModelPool(List<LiteModel> replicas) {
    this.replicas = List.copyOf(replicas);
    this.idle = new ReplicaStack(replicas.size());
    this.lent = new AtomicIntegerArray(replicas.size());
    for (int i = replicas.size() - 1; i >= 0; i--) {
      idle.push(i); // replica 0 (the original) on top: lent first
    }
    this.free = new Semaphore(replicas.size());
  }

  /**
   * Loads the model once and builds {@code size} replicas on it, with default options and the weights cache on.
   */
  public static LiteModelPool create(java.nio.file.Path path, int size) {
    return create(path, LiteModel.Options.defaults(), size);
  }

  /**
   * Loads the model once and builds {@code size} replicas on it, with {@code options} and the weights cache on (see
   * the class notes for why; to give each replica its own packed weights, build the model yourself and use
   * {@link #around(LiteModel, int)}).
   */
  public static LiteModelPool create(java.nio.file.Path path, LiteModel.Options options, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("pool size must be >= 1, got " + size);
    }
    LiteModel first = LiteModel.load(path, options.withWeightsCache(true));
    return around(first, size);
  }

  /**
   * Builds a pool of {@code size} replicas from {@code model} (which becomes the first replica and is closed with
   * the pool). Replicas take the model's options as they are: load it with the weights cache on to share packed
   * weights.
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
        if (free.tryAcquire() || free.tryAcquire(50, TimeUnit.MILLISECONDS)) {
          int index = idle.pop(); // a permit means a replica is on the stack
          LiteModel replica = replicas.get(index);
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
    idle.push(index);
    free.release();
    if (closed) {
      closeIdle(); // close() ran between the check and the push
    }
  }

  private void closeIdle() {
    while (free.tryAcquire()) {
      replicas.get(idle.pop()).close();
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

  /**
   * A lock-free stack of replica indices (Treiber's), allocation-free: {@code below[i]} is the index under {@code i},
   * and the head word holds the top index plus one (0: empty) in its low half and a version stamp in its high half,
   * bumped on every change, so a pop that read a stale top cannot succeed after others popped and pushed it back.
   * Callers guarantee a pop finds an element (they hold a semaphore permit).
   */
  private static final class ReplicaStack {
    private final AtomicLong head = new AtomicLong();
    private final int[] below;

    ReplicaStack(int size) {
      this.below = new int[size];
    }

    void push(int index) {
      while (true) {
        long current = head.get();
        below[index] = (int) current - 1; // read by a pop only after it reads the head that this CAS publishes
        long next = ((current >>> 32) + 1) << 32 | (index + 1L);
        if (head.compareAndSet(current, next)) {
          return;
        }
      }
    }

    int pop() {
      while (true) {
        long current = head.get();
        int top = (int) current - 1;
        if (top < 0) {
          throw new IllegalStateException("replica stack empty while a permit was held");
        }
        long next = ((current >>> 32) + 1) << 32 | (below[top] + 1L);
        if (head.compareAndSet(current, next)) {
          return top;
        }
      }
    }
  }
}
