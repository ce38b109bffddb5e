package io.litemodel.internal.core;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value that a loading action produces once per instance (native libraries, bound once per process): the action
 * runs under a lock the first time {@link #get()} is called, its result is published, and every later call returns
 * it from a volatile field without locking.
 *
 * <p><b>Failure is remembered.</b> When the action throws an exception of the failure type this loader was made
 * with, that very instance is rethrown by every later {@link #get()}, and the action never runs again: a missing
 * native library gives one clear explanation, not a trail of link errors from half-loaded libraries. Anything else
 * the action throws (a bad setting read before loading, say) is passed on and not remembered, so a later call tries
 * again. The action decides which of its failures are final by wrapping them in the failure type.
 *
 * <p>This package sits below every other LiteModel package, so it knows no LiteModel type: callers pass their own
 * exception class.
 *
 * <pre>{@code
 * private static final LoadOnce<String, LiteModelException> NATIVES =
 *     new LoadOnce<>(LiteModelException.class, NativeRuntime::load);
 * String version = NATIVES.get(); // loads once; rethrows the first LiteModelException ever after
 * }</pre>
 *
 * @param <T> what the action produces (never null)
 * @param <E> the exception type of final failures
 */
public final class LoadOnce<T, E extends RuntimeException> {
  private final Object lock = new Object();
  private final Class<E> failureType;
  private final Supplier<? extends T> action;
  /** The action's result; null until it succeeded. */
  private volatile T value;
  /** The action's final failure; null until it failed. Read and written under {@link #lock}. */
  private E failure;

  /**
   * @param failureType the exception type whose instances, thrown by {@code action}, are final and rethrown
   * @param action the loading action; it runs under this loader's lock, at most once successfully
   */
  public LoadOnce(Class<E> failureType, Supplier<? extends T> action) {
    this.failureType = Objects.requireNonNull(failureType, "failureType");
    this.action = Objects.requireNonNull(action, "action");
  }

  /**
   * Runs the action unless it already ran.
   *
   * @return the action's result (the same object on every call)
   * @throws E the action's first final failure, the same instance on every call
   * @throws RuntimeException or {@link Error}: whatever else the action threw, not remembered
   * @throws NullPointerException if the action returned null
   */
  public T get() {
    T loaded = value;
    if (loaded != null) {
      return loaded;
    }
    synchronized (lock) {
      loaded = value;
      if (loaded != null) {
        return loaded;
      }
      if (failure != null) {
        throw failure;
      }
      try {
        loaded = Objects.requireNonNull(action.get(), "the loading action returned null");
      } catch (RuntimeException e) {
        if (failureType.isInstance(e)) {
          failure = failureType.cast(e);
        }
        throw e;
      }
      value = loaded;
      return loaded;
    }
  }

  /**
   * Runs {@code task} while no load is in progress: under the loader's lock, so it waits for a running action and
   * sees all it wrote, and no action starts until {@code task} returns. For settings that a running load would
   * otherwise apply from a value it read before they changed.
   *
   * @param task a short task; it must not call {@link #get()} of another loader that could wait for this one
   */
  public void runSettled(Runnable task) {
    synchronized (lock) {
      task.run();
    }
  }
}
