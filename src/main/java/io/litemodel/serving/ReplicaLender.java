package io.litemodel.serving;

import io.litemodel.InferenceModel;
import io.litemodel.LiteModelException;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Lends a fixed set of replicas, each to one borrower at a time: the hand-off behind {@link LiteModelPool}, and
 * behind the {@link MicroBatcher}'s replicas for calls that bring a whole batch.
 *
 * <p>The hand-off allocates nothing and takes no lock: a semaphore counts free replicas (a compare-and-set when one
 * is free; a waiter parks only when none is), and the free replicas sit on a {@link ReplicaStack} of indices. The
 * most recently returned replica is lent first (a stack, not a queue), so that a lone borrower always gets the same
 * replica, whose working set is still in the core's cache.
 *
 * @param <M> the replicas' type
 */
final class ReplicaLender<M extends InferenceModel> {
  private final List<M> replicas;
  /** Free replicas: the stack of their indices ({@code head} and {@code below}) and their count. */
  private final ReplicaStack idle;
  private final Semaphore free;
  /** 1 while replica i is lent out: catches double release without allocating. */
  private final AtomicIntegerArray lent;
  /** The owner's closed message ("this LiteModelPool is closed"), made once. */
  private final String closedMessage;
  private volatile boolean closed;

  /**
   * @param replicas the replicas, owned by the lender from now on (the first is lent first)
   * @param owner the owning type's simple name, for messages
   */
  ReplicaLender(List<M> replicas, String owner) {
    this.replicas = List.copyOf(replicas);
    this.idle = new ReplicaStack(replicas.size());
    this.lent = new AtomicIntegerArray(replicas.size());
    for (int i = replicas.size() - 1; i >= 0; i--) {
      idle.push(i); // replica 0 (the original) on top: lent first
    }
    this.free = new Semaphore(replicas.size());
    this.closedMessage = "this " + owner + " is closed";
  }

  /** @return the number of replicas */
  int size() {
    return replicas.size();
  }

  /**
   * Borrows a replica, waiting for one to be free.
   *
   * @throws IllegalStateException if the lender is closed
   * @throws LiteModelException with status CANCELLED if the thread is interrupted while waiting
   */
  M acquire() {
    try {
      while (true) {
        if (closed) {
          throw closedException();
        }
        // Timed, so a thread waiting here notices close() instead of blocking forever.
        if (free.tryAcquire() || free.tryAcquire(50, TimeUnit.MILLISECONDS)) {
          int index = idle.pop(); // a permit means a replica is on the stack
          M replica = replicas.get(index);
          lent.set(index, 1);
          if (closed) {
            release(replica); // closes it
            throw closedException();
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

  /** @return the exception for a call after {@link #close()} */
  IllegalStateException closedException() {
    return new IllegalStateException(closedMessage);
  }

  /**
   * Returns a replica borrowed with {@link #acquire()}; after {@link #close()} it closes the replica instead.
   *
   * @throws IllegalArgumentException if the replica is not one of these
   * @throws IllegalStateException if it is not lent out (released twice)
   */
  void release(M replica) {
    int index = indexOf(replica);
    if (index < 0) {
      String type = replica == null ? "" : replica.getClass().getSimpleName();
      throw new IllegalArgumentException("that " + (type.isEmpty() ? "model" : type) + " does not belong to this pool");
    }
    if (!lent.compareAndSet(index, 1, 0)) {
      throw new IllegalStateException("replica released twice");
    }
    if (closed) {
      replica.close(); // the lender closed while it was lent: it was left for its borrower to bring back
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

  private int indexOf(M replica) {
    for (int i = 0; i < replicas.size(); i++) {
      if (replicas.get(i) == replica) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Closes idle replicas at once, and replicas in use when their borrowers release them. Waiting {@link #acquire()}
   * calls fail. Idempotent.
   */
  void close() {
    closed = true;
    closeIdle();
  }
}
