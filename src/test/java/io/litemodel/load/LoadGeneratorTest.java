package io.litemodel.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The generator sends exactly the scheduled requests, measures from the intended send time (so a slow target's queue
 * shows in the latencies), counts errors, and refuses bad arguments. Latency bounds below follow from minimum sleep
 * times (a sleep never ends early), not from how fast anything runs.
 */
class LoadGeneratorTest {
  private static final float[][] INPUTS = {{1f}, {2f}};

  /** Requests of the schedule whose intended time falls in the measured phase (the generator's own arithmetic). */
  private static long scheduled(int callers, double rate, Duration warmup, Duration measured) {
    double interval = callers * 1e9 / rate;
    long from = warmup.toNanos();
    long to = from + measured.toNanos();
    long count = 0;
    for (int k = 0; k < callers; k++) {
      double offset = k * 1e9 / rate;
      for (long i = 0; ; i++) {
        long due = (long) (offset + i * interval);
        if (due >= to) {
          break;
        }
        if (due >= from) {
          count++;
        }
      }
    }
    return count;
  }

  @Test
  void openLoopSendsExactlyTheScheduleAndNothingElse() throws Exception {
    AtomicLong calls = new AtomicLong();
    Duration warmup = Duration.ofMillis(50);
    Duration measured = Duration.ofMillis(200);
    LoadResult r = LoadGenerator.of(caller -> (in, out) -> calls.incrementAndGet(), 4, INPUTS, 1)
        .openLoop(20_000, warmup, measured);
    long expected = scheduled(4, 20_000, warmup, measured);
    assertEquals(expected, r.requests() + r.behind(), r.summary());
    assertEquals(expected, r.histogram().getTotalCount(), "every scheduled request has a latency");
    assertTrue(calls.get() >= r.requests(), "warm-up requests are sent but not recorded");
    assertEquals(0, r.errors());
  }

  @Test
  void latencyRunsFromTheIntendedSendTimeSoQueueingCounts() throws Exception {
    // One caller, one request due every 1 ms, each taking at least 3 ms: request i starts at least 3i ms after the
    // start but was due at i ms, so it has waited at least 2i ms before its call even began.
    LoadResult r = LoadGenerator.of(caller -> (in, out) -> Thread.sleep(3), 1, INPUTS, 1)
        .openLoop(1_000, Duration.ZERO, Duration.ofMillis(60));
    assertTrue(r.requests() >= 1 && r.requests() <= 20, r.summary()); // at most 60 ms / 3 ms
    assertEquals(60, r.requests() + r.behind(), "the rest were still due when the run ended: " + r.summary());
    long lastSent = r.requests() - 1;
    assertTrue(r.histogram().getMaxValue() >= TimeUnit.MILLISECONDS.toNanos(2 * lastSent + 3) * 999 / 1000,
        r.summary());
  }

  @Test
  void closedLoopCountsCallsAndErrors() throws Exception {
    AtomicLong calls = new AtomicLong();
    LoadResult r = LoadGenerator.of(caller -> (in, out) -> {
      calls.incrementAndGet();
      throw new IllegalStateException("always");
    }, 2, INPUTS, 1).closedLoop(Duration.ofMillis(20), Duration.ofMillis(100));
    assertTrue(r.requests() > 0);
    assertEquals(r.requests(), r.errors(), "every call threw");
    assertTrue(calls.get() >= r.requests());
    assertEquals(0, r.behind());
  }

  @Test
  void aCallerThatCannotStartFailsTheRun() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> LoadGenerator.of(caller -> {
      if (caller == 1) {
        throw new IllegalArgumentException("no replica for caller 1");
      }
      return (in, out) -> { };
    }, 3, INPUTS, 1).closedLoop(Duration.ZERO, Duration.ofMillis(50)));
    assertEquals("caller 1 could not start: java.lang.IllegalArgumentException: no replica for caller 1",
        e.getMessage());
  }

  @Test
  void badArgumentsAreRefused() {
    LoadTarget nothing = caller -> (in, out) -> { };
    assertEquals("callers must be >= 1, got 0", assertThrows(IllegalArgumentException.class,
        () -> LoadGenerator.of(nothing, 0, INPUTS, 1)).getMessage());
    assertEquals("at least one input record is needed", assertThrows(IllegalArgumentException.class,
        () -> LoadGenerator.of(nothing, 1, new float[0][], 1)).getMessage());
    assertEquals("rate must be > 0 per second, got 0.0", assertThrows(IllegalArgumentException.class,
        () -> LoadGenerator.of(nothing, 1, INPUTS, 1).openLoop(0, Duration.ZERO, Duration.ofMillis(1)))
        .getMessage());
  }
}
