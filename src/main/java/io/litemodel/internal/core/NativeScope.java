package io.litemodel.internal.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one native-ownership primitive (ONNX Runtime's {@code NativeObject} idea, for groups): a native wrapper
 * {@link #own owns} each native object here as it creates it, together with the function that frees it, and
 * {@link #close()} frees them all exactly once, the last created first, so children (created from their parents)
 * go before their parents. The same call frees a construction that failed half way: build inside a scope, close it
 * on failure, hand it to the finished object on success. Objects replaced over an owner's life (an interpreter
 * rebuilt in place) live in a {@link Slot}.
 *
 * <p>Cold path only; synchronized, so that a {@link java.lang.ref.Cleaner} thread and a closing thread cannot free
 * an object twice.
 */
public final class NativeScope implements AutoCloseable {
  /** What to free, in creation order; freed from the end. */
  private final List<Runnable> releases = new ArrayList<>();
  private boolean closed;

  /**
   * Takes ownership of {@code resource}: {@link #close()} will call {@code release} on it, once. A null resource,
   * or a null native pointer, is not owned (there is nothing to free) and is returned as is.
   *
   * @return {@code resource}, for assignment where it is created
   * @throws IllegalStateException if the scope is closed (the resource is freed first, so it cannot leak)
   */
  public synchronized <T> T own(T resource, Consumer<? super T> release) {
    if (resource == null || resource instanceof org.bytedeco.javacpp.Pointer p && p.isNull()) {
      return resource;
    }
    if (closed) {
      release.accept(resource);
      throw new IllegalStateException("native scope already closed");
    }
    releases.add(() -> release.accept(resource));
    return resource;
  }

  /**
   * @param release frees the slot's object
   * @return an owned place for an object that may be replaced later; freed in this scope's order (where the slot was
   *     created), together with whatever it holds then
   */
  public synchronized <T> Slot<T> slot(Consumer<? super T> release) {
    Slot<T> slot = new Slot<>(release);
    own(slot, Slot::clear);
    return slot;
  }

  /**
   * Closes this scope after {@code failure} ended a construction half way; a failure to release is added to it as
   * suppressed, so the original cause is what the caller sees (and rethrows).
   */
  public void closeAfter(Throwable failure) {
    try {
      close();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /** @return true once {@link #close()} ran */
  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Frees every owned object, the last owned first, exactly once; later calls do nothing. Every release runs even if
   * one throws; the first failure is rethrown afterwards, with the others suppressed.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    for (int i = releases.size() - 1; i >= 0; i--) {
      try {
        releases.get(i).run();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    releases.clear();
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * One owned object that its owner may replace (the old one is freed when the new one is set). Not thread-safe;
   * its owner guards it.
   */
  public static final class Slot<T> {
    private final Consumer<? super T> release;
    private T value;

    private Slot(Consumer<? super T> release) {
      this.release = release;
    }

    /** @return the current object, or null */
    public T get() {
      return value;
    }

    /**
     * Sets the object, then frees the previous one (the new one is built before the old one goes).
     *
     * @return {@code next}
     */
    public T replace(T next) {
      T previous = value;
      value = next;
      if (previous != null) {
        release.accept(previous);
      }
      return next;
    }

    private void clear() {
      replace(null);
    }
  }
}
