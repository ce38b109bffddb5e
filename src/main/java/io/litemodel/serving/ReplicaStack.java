package io.litemodel.serving;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free stack of replica indices (Treiber's), allocation-free: {@code below[i]} is the index under {@code i},
 * and the head word holds the top index plus one (0: empty) in its low half and a version stamp in its high half,
 * bumped on every change, so a pop that read a stale top cannot succeed after others popped and pushed it back.
 * Callers guarantee a pop finds an element (they hold a semaphore permit).
 */
final class ReplicaStack {
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
