package io.litemodel.batch;

/**
 * How the {@link MicroBatcher}'s threads wait for each other: spin, then yield, then park. A hand-off between two
 * running threads takes well under a microsecond when the waiter spins, but tens of microseconds when it parks
 * (the wake-up goes through the scheduler), and a timed park lasts its time plus the timer slack (a 50 us
 * {@code parkNanos} really sleeps 50-100 us). So waits that usually end within a batch's time spin; yielding next
 * gives the core away when other threads need it (callers outnumber cores); parking last stops a long-idle thread
 * from burning a core.
 */
final class Backoff {
  /** Busy polls ({@link Thread#onSpinWait()}, tens of nanoseconds each): about the time one small batch takes. */
  static final int SPINS = 1_000;
  /** Then polls that yield the core to any thread that can run. */
  static final int YIELDS = 50;
  /** A round at or past this parks. */
  static final int PARK = SPINS + YIELDS;

  private Backoff() {}

  /**
   * Pauses once.
   *
   * @param round how many times this wait has paused so far
   * @return the next round; {@link #PARK} or more means "park now"
   */
  static int pause(int round) {
    if (round < SPINS) {
      Thread.onSpinWait();
    } else if (round < PARK) {
      Thread.yield();
    }
    return round < PARK ? round + 1 : PARK;
  }
}
