package io.litemodel.serving;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many handles on one shared serving core are open: the handle that built the core holds the first share,
 * {@code replicate()} adds one per handle, and the handle that drops the last share closes the core. The same rule
 * as the TensorFlow runtime's session shares, so that the batch pipeline (or Spark's executor cache), which
 * replicates the model it is given and closes each replica on its own schedule, never closes the core under another
 * handle.
 */
final class Shares {
  private final AtomicInteger open = new AtomicInteger(1);

  /** @return true if a share was added; false if the last share was already dropped (the core is closed) */
  boolean add() {
    while (true) {
      int current = open.get();
      if (current == 0) {
        return false;
      }
      if (open.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  /** @return true if this dropped the last share: the caller closes the core */
  boolean drop() {
    return open.decrementAndGet() == 0;
  }
}
