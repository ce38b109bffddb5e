package io.litemodel.internal.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The concurrency gate of one single-threaded instance: IDLE, BUSY (a call is inside) or CLOSED. One compare-and-set
 * per call detects both use after close and overlapping use by two threads; the late caller gets an
 * {@link IllegalStateException} instead of touching native memory another thread is using. Allocation-free and
 * lock-free: the hot path pays one CAS to enter and one release store to leave.
 */
public final class CallGate {
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(CallGate.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final int IDLE = 0;
  private static final int BUSY = 1;
  private static final int CLOSED = 2;

  @SuppressWarnings("unused") // accessed through STATE
  private volatile int state = IDLE;
  /** The guarded type's name, for messages ("this LiteModel is closed"). */
  private final String owner;

  /** @param owner the guarded type's simple name, for messages */
  public CallGate(String owner) {
    this.owner = owner;
  }

  /**
   * Enters a call.
   *
   * @throws IllegalStateException if the instance is closed or another thread is inside a call
   */
  public void enter() {
    if (!STATE.compareAndSet(this, IDLE, BUSY)) {
      throw (int) STATE.getVolatile(this) == CLOSED
          ? closedException()
          : new IllegalStateException("this " + owner + " is in use by another thread; a " + owner + " is not "
              + "thread-safe: give each thread its own replicate() or use a LiteModelPool");
    }
  }

  /** Leaves a call entered by {@link #enter()}. */
  public void exit() {
    STATE.setRelease(this, IDLE);
  }

  /**
   * Closes the gate for good, unless it already is.
   *
   * @return true when this call closed it (the caller then releases the instance's resources, once); false when it
   *     was closed before
   * @throws IllegalStateException if another thread is inside a call right now
   */
  public boolean close() {
    while (true) {
      int current = (int) STATE.getVolatile(this);
      if (current == CLOSED) {
        return false;
      }
      if (current == BUSY) {
        throw new IllegalStateException("close() called while another thread is using this " + owner);
      }
      if (STATE.compareAndSet(this, IDLE, CLOSED)) {
        return true;
      }
    }
  }

  /** @return true once {@link #close()} succeeded */
  public boolean isClosed() {
    return (int) STATE.getVolatile(this) == CLOSED;
  }

  /**
   * For calls that read only immutable state and need not enter.
   *
   * @throws IllegalStateException if the instance is closed
   */
  public void checkOpen() {
    if (isClosed()) {
      throw closedException();
    }
  }

  private IllegalStateException closedException() {
    return new IllegalStateException("this " + owner + " is closed");
  }
}
