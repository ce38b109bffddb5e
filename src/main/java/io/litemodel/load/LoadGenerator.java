package io.litemodel.load;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Drives a {@link LoadTarget} from several caller threads and measures what a request sees.
 *
 * <p><b>Open loop</b> ({@link #openLoop}): requests are scheduled at a fixed total rate, spread evenly over the
 * callers (caller {@code k} sends at {@code t0 + (k + i * callers) / rate}), and each request's latency runs from its
 * <em>intended</em> send time, not from when it was actually sent. A caller that falls behind sends its late requests
 * at once, and their wait counts: this corrects coordinated omission, which makes closed-loop tails (and any
 * generator that waits for the previous reply before timing the next) understate what a real client at that rate
 * would see. Requests still unsent when the run ends are counted as {@link LoadResult#behind()} and recorded with the
 * wait they had reached, a lower bound.
 *
 * <p><b>Closed loop</b> ({@link #closedLoop}): each caller sends its next request as soon as the last returned; the
 * result is throughput, and latencies from the actual send.
 *
 * <p>The generator's own cost (clock reads, scheduling, the wake-up at each intended time) is what a run against a
 * target that does nothing measures; benchmarks report it beside the real targets. Nothing is allocated per request:
 * per-caller histograms are made before the run and merged after it.
 *
 * <pre>{@code
 * LoadGenerator load = LoadGenerator.of(caller -> batcher::predictSingle, 8, inputs, batcher.outputRow());
 * LoadResult r = load.openLoop(50_000, Duration.ofMillis(300), Duration.ofSeconds(2));
 * System.out.println(r.summary());
 * }</pre>
 */
public final class LoadGenerator {
  /** Largest latency tracked (slower requests are recorded as this). */
  private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);
  /** Waits longer than this park (to this much before the send time); the park's timer slack is then spent. */
  private static final long PARK_ABOVE_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
  private static final long PARK_MARGIN_NANOS = TimeUnit.MICROSECONDS.toNanos(120);
  /** Waits shorter than this spin; between the two the caller yields, so idle callers leave the cores to others. */
  private static final long SPIN_BELOW_NANOS = TimeUnit.MICROSECONDS.toNanos(15);

  private final LoadTarget target;
  private final int callers;
  private final float[][] inputs;
  private final int outputRow;

  private LoadGenerator(LoadTarget target, int callers, float[][] inputs, int outputRow) {
    this.target = target;
    this.callers = callers;
    this.inputs = inputs;
    this.outputRow = outputRow;
  }

  /**
   * @param target what to call
   * @param callers caller threads
   * @param inputs records the callers cycle through (each caller from its own offset)
   * @param outputRow values per output record
   */
  public static LoadGenerator of(LoadTarget target, int callers, float[][] inputs, int outputRow) {
    Objects.requireNonNull(target, "target");
    if (callers < 1) {
      throw new IllegalArgumentException("callers must be >= 1, got " + callers);
    }
    if (inputs == null || inputs.length == 0) {
      throw new IllegalArgumentException("at least one input record is needed");
    }
    if (outputRow < 0) {
      throw new IllegalArgumentException("output row must be >= 0, got " + outputRow);
    }
    return new LoadGenerator(target, callers, inputs, outputRow);
  }

  /**
   * Sends requests at {@code ratePerSecond} in total for {@code warmup} (not recorded) and then {@code measured}.
   *
   * @throws IllegalArgumentException if the rate is not positive or a duration is negative
   */
  public LoadResult openLoop(double ratePerSecond, Duration warmup, Duration measured) throws InterruptedException {
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("rate must be > 0 per second, got " + ratePerSecond);
    }
    return run(ratePerSecond, warmup, measured);
  }

  /** Each caller sends back to back for {@code warmup} (not recorded) and then {@code measured}. */
  public LoadResult closedLoop(Duration warmup, Duration measured) throws InterruptedException {
    return run(0, warmup, measured);
  }

  private LoadResult run(double rate, Duration warmup, Duration measured) throws InterruptedException {
    if (warmup.isNegative() || measured.isNegative() || measured.isZero()) {
      throw new IllegalArgumentException("warm-up must be >= 0 and the measured time > 0, got " + warmup + " and "
          + measured);
    }
    Caller[] all = new Caller[callers];
    long[] start = new long[1];
    CyclicBarrier ready = new CyclicBarrier(callers, () -> start[0] = System.nanoTime() + 1_000_000);
    AtomicBoolean aborted = new AtomicBoolean();
    Thread[] threads = new Thread[callers];
    for (int k = 0; k < callers; k++) {
      all[k] = new Caller(k, rate, warmup.toNanos(), measured.toNanos(), ready, start, aborted);
      threads[k] = new Thread(all[k], "litemodel-load-" + k);
      threads[k].setDaemon(true);
      threads[k].start();
    }
    try {
      for (Thread thread : threads) {
        thread.join();
      }
    } catch (InterruptedException e) {
      for (Thread thread : threads) {
        thread.interrupt();
      }
      throw e;
    }
    Histogram merged = new Histogram(HIGHEST_NANOS, 3);
    long requests = 0;
    long errors = 0;
    long behind = 0;
    for (Caller caller : all) {
      if (caller.failure != null) {
        throw new IllegalStateException("caller " + caller.index + " could not start: " + caller.failure,
            caller.failure);
      }
      merged.add(caller.histogram);
      requests += caller.requests;
      errors += caller.errors;
      behind += caller.behind;
    }
    return new LoadResult(merged, requests, errors, measured.toNanos(), behind);
  }

  /** Waits for {@code time}: parks while far away, yields nearer, spins at the end. */
  private static void waitUntil(long time) {
    while (true) {
      long remaining = time - System.nanoTime();
      if (remaining <= 0) {
        return;
      }
      if (remaining > PARK_ABOVE_NANOS) {
        LockSupport.parkNanos(remaining - PARK_MARGIN_NANOS);
      } else if (remaining > SPIN_BELOW_NANOS) {
        Thread.yield();
      } else {
        Thread.onSpinWait();
      }
    }
  }

  /** One caller thread; its figures are read after it ends (join gives the visibility). */
  private final class Caller implements Runnable {
    final int index;
    final double rate;
    final long warmupNanos;
    final long measuredNanos;
    final CyclicBarrier ready;
    final long[] start;
    /** Set by a caller that could not start: every caller still meets the others at the barrier, then stops. */
    final AtomicBoolean aborted;
    final Histogram histogram = new Histogram(HIGHEST_NANOS, 3);
    long requests;
    long errors;
    long behind;
    Throwable failure;

    Caller(int index, double rate, long warmupNanos, long measuredNanos, CyclicBarrier ready, long[] start,
        AtomicBoolean aborted) {
      this.aborted = aborted;
      this.index = index;
      this.rate = rate;
      this.warmupNanos = warmupNanos;
      this.measuredNanos = measuredNanos;
      this.ready = ready;
      this.start = start;
    }

    @Override
    public void run() {
      LoadTarget.Call call = null;
      try {
        call = target.forCaller(index);
      } catch (Throwable e) {
        failure = e;
        aborted.set(true);
      }
      try {
        // Every caller arrives exactly once, failed or not, so nobody waits for one that will never come (a reset
        // of the barrier would release only those already waiting, not those still on their way).
        ready.await();
      } catch (InterruptedException | BrokenBarrierException e) {
        if (failure == null && e instanceof InterruptedException) {
          failure = e;
        }
        return;
      }
      if (aborted.get()) {
        return;
      }
      float[] output = new float[outputRow];
      long t0 = start[0];
      long measureFrom = t0 + warmupNanos;
      long end = measureFrom + measuredNanos;
      if (rate > 0) {
        openLoop(call, output, t0, measureFrom, end);
      } else {
        closedLoop(call, output, measureFrom, end);
      }
    }

    private void openLoop(LoadTarget.Call call, float[] output, long t0, long measureFrom, long end) {
      double interval = callers * 1e9 / rate;
      double offset = index * 1e9 / rate;
      int next = index % inputs.length;
      for (long i = 0; ; i++) {
        long intended = t0 + (long) (offset + i * interval);
        if (intended >= end) {
          return;
        }
        long now = System.nanoTime();
        if (now >= end) { // out of time with requests still due: they count as behind, waiting since their time
          for (long j = i; ; j++) {
            long due = t0 + (long) (offset + j * interval);
            if (due >= end) {
              return;
            }
            if (due >= measureFrom) {
              behind++;
              histogram.recordValue(Math.min(HIGHEST_NANOS, end - due));
            }
          }
        }
        waitUntil(intended);
        boolean failed = send(call, next, output);
        long done = System.nanoTime();
        if (intended >= measureFrom) {
          histogram.recordValue(Math.min(HIGHEST_NANOS, done - intended));
          requests++;
          if (failed) {
            errors++;
          }
        }
        next = next + 1 == inputs.length ? 0 : next + 1;
      }
    }

    private void closedLoop(LoadTarget.Call call, float[] output, long measureFrom, long end) {
      int next = index % inputs.length;
      waitUntil(start[0]);
      while (true) {
        long sent = System.nanoTime();
        if (sent >= end) {
          return;
        }
        boolean failed = send(call, next, output);
        long done = System.nanoTime();
        if (sent >= measureFrom) {
          histogram.recordValue(Math.min(HIGHEST_NANOS, done - sent));
          requests++;
          if (failed) {
            errors++;
          }
        }
        next = next + 1 == inputs.length ? 0 : next + 1;
      }
    }

    private boolean send(LoadTarget.Call call, int input, float[] output) {
      try {
        call.predict(inputs[input], output);
        return false;
      } catch (Exception e) {
        return true;
      }
    }
  }
}
