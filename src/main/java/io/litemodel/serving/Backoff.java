package io.litemodel.serving;

/**
 * How the {@link MicroBatcher}'s threads wait for each other: spin, then yield, then park. A hand-off between two
 * running threads takes well under a microsecond when the waiter spins, but several to tens of microseconds when it
 * parks (the wake-up goes through the scheduler), and a timed park lasts its time plus the timer slack (a 50 us
 * {@code parkNanos} really sleeps 50-100 us), so no wait here is a timed park. Spinning only pays while a core is
 * free for the spinner, though: when callers outnumber the cores, a spinning caller takes the CPU from the inference
 * thread it waits for. Hence three budgets, each a number of busy polls followed by polls that yield the core to any
 * thread that can run (a yield returns at once when none can, so it is also a cheap poll on an idle machine):
 * <ul>
 *   <li>{@link #ALONE}: a caller with a core to itself (few requests outstanding) waits a batch's time awake;
 *   <li>{@link #CROWDED}: a caller among many parks almost at once, leaving the cores to the batch;
 *   <li>{@link #IDLE_WORKER}: an inference thread with nothing to do yields for about a millisecond (so woken callers
 *       get its core, and their next requests find it awake) before it parks.
 * </ul>
 */
final class Backoff {
  /** A lone caller: about 200 busy polls (tens of ns each), then yields up to about a batch of 32's time. */
  static final Backoff ALONE = new Backoff(200, 400);
  /** A caller among more than there are free cores. */
  static final Backoff CROWDED = new Backoff(10, 30);
  /** An inference thread with no request ready. */
  static final Backoff IDLE_WORKER = new Backoff(50, 1_000);

  private final int spins;
  private final int parkAt;

  private Backoff(int spins, int parkAt) {
    this.spins = spins;
    this.parkAt = parkAt;
  }

  /**
   * Pauses once.
   *
   * @param round how many times this wait has paused so far
   * @return the next round; once {@link #parked(int)} says so, the waiter should park
   */
  int pause(int round) {
    if (round < spins) {
      Thread.onSpinWait();
    } else if (round < parkAt) {
      Thread.yield();
    }
    return round < parkAt ? round + 1 : parkAt;
  }

  /** @return true when a wait at {@code round} should park */
  boolean parked(int round) {
    return round >= parkAt;
  }
}
