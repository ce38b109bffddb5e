package io.litemodel.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * What a latency run measured: percentiles of every timed call, spikes (calls slower than {@value #SPIKE_FACTOR}x the
 * median), and drift (percentiles per window of consecutive calls, so latency that grows over time shows).
 *
 * <p>Built after the run from the per-call samples and the run's histogram; nothing here is on the timed path.
 */
final class LatencyReport {
  /** A call is a spike when it takes more than this many times the median. */
  static final int SPIKE_FACTOR = 10;

  /** Percentiles of one window of consecutive calls. */
  record Window(int index, long firstCall, long lastCall, long p50Nanos, long p999Nanos, long maxNanos) {}

  private final long calls;
  private final long p50;
  private final long p90;
  private final long p99;
  private final long p999;
  private final long max;
  private final double mean;
  private final long spikes;
  private final int windowSize;
  private final List<Window> windows;

  private LatencyReport(long calls, long p50, long p90, long p99, long p999, long max, double mean, long spikes,
      int windowSize, List<Window> windows) {
    this.calls = calls;
    this.p50 = p50;
    this.p90 = p90;
    this.p99 = p99;
    this.p999 = p999;
    this.max = max;
    this.mean = mean;
    this.spikes = spikes;
    this.windowSize = windowSize;
    this.windows = List.copyOf(windows);
  }

  /**
   * Summarizes a run.
   *
   * @param histogram every timed call, in nanoseconds
   * @param samples per-call latencies in nanoseconds, in call order; the first {@code count} are used
   * @param count number of timed calls
   * @param windowSize calls per drift window (the last window may be shorter)
   * @throws IllegalArgumentException if there are no calls, or the histogram and samples disagree on the count
   */
  static LatencyReport of(Histogram histogram, long[] samples, int count, int windowSize) {
    if (count <= 0 || count > samples.length) {
      throw new IllegalArgumentException("need between 1 and " + samples.length + " samples, got " + count);
    }
    if (histogram.getTotalCount() != count) {
      throw new IllegalArgumentException("histogram holds " + histogram.getTotalCount() + " calls, samples "
          + count);
    }
    if (windowSize <= 0) {
      throw new IllegalArgumentException("window size must be positive, got " + windowSize);
    }
    long p50 = histogram.getValueAtPercentile(50);
    long threshold = SPIKE_FACTOR * p50;
    long spikes = 0;
    for (int i = 0; i < count; i++) {
      if (samples[i] > threshold) {
        spikes++;
      }
    }
    List<Window> windows = new ArrayList<>();
    Histogram window = new Histogram(histogram.getHighestTrackableValue(),
        histogram.getNumberOfSignificantValueDigits());
    for (int start = 0, index = 1; start < count; start += windowSize, index++) {
      int end = Math.min(count, start + windowSize);
      window.reset();
      for (int i = start; i < end; i++) {
        window.recordValue(Math.min(samples[i], window.getHighestTrackableValue()));
      }
      windows.add(new Window(index, start + 1L, end, window.getValueAtPercentile(50),
          window.getValueAtPercentile(99.9), window.getMaxValue()));
    }
    return new LatencyReport(count, p50, histogram.getValueAtPercentile(90), histogram.getValueAtPercentile(99),
        histogram.getValueAtPercentile(99.9), histogram.getMaxValue(), histogram.getMean(), spikes, windowSize,
        windows);
  }

  long calls() {
    return calls;
  }

  long p50Nanos() {
    return p50;
  }

  long p999Nanos() {
    return p999;
  }

  long spikes() {
    return spikes;
  }

  List<Window> windows() {
    return windows;
  }

  /**
   * @return p99.9 of the last full window over p99.9 of the first, or NaN with fewer than two full windows (a
   *     short last window is left out: its tail percentile rests on too few calls to compare)
   */
  double driftRatio() {
    int full = 0;
    for (Window w : windows) {
      if (w.lastCall() - w.firstCall() + 1 == windowSize) {
        full++;
      }
    }
    if (full < 2) {
      return Double.NaN;
    }
    Window last = windows.get(full - 1);
    return (double) last.p999Nanos() / windows.get(0).p999Nanos();
  }

  /** @return the human-readable report: percentiles, spikes, and drift per window */
  String format() {
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "  %-6s %10s%n", "", "us"));
    line(text, "p50", p50);
    line(text, "p90", p90);
    line(text, "p99", p99);
    line(text, "p99.9", p999);
    line(text, "max", max);
    text.append(String.format(Locale.ROOT, "  %-6s %10.2f%n", "mean", mean / 1000.0));
    text.append(String.format(Locale.ROOT, "spikes (calls over %dx p50 = %.1f us): %d of %d (%.4f%%)%n",
        SPIKE_FACTOR, SPIKE_FACTOR * p50 / 1000.0, spikes, calls, 100.0 * spikes / calls));
    text.append(String.format(Locale.ROOT, "drift (per window of %d calls):%n", windowSize));
    text.append(String.format(Locale.ROOT, "  %-7s %-23s %10s %10s %10s%n", "window", "calls", "p50 us",
        "p99.9 us", "max us"));
    for (Window w : windows) {
      text.append(String.format(Locale.ROOT, "  %-7d %-23s %10.2f %10.2f %10.2f%n", w.index(),
          w.firstCall() + "-" + w.lastCall(), w.p50Nanos() / 1000.0, w.p999Nanos() / 1000.0,
          w.maxNanos() / 1000.0));
    }
    double drift = driftRatio();
    text.append(Double.isNaN(drift)
        ? "  last/first window p99.9: n/a (fewer than two full windows)\n"
        : String.format(Locale.ROOT, "  last/first window p99.9: %.3fx%n", drift));
    return text.toString();
  }

  private static void line(StringBuilder text, String label, long nanos) {
    text.append(String.format(Locale.ROOT, "  %-6s %10.2f%n", label, nanos / 1000.0));
  }

  /**
   * @return the figures as one JSON object (microseconds), for the benchmark scripts. Written by hand: a handful of
   *     numbers does not justify a JSON library in the command line's dependencies.
   */
  String toJson(String model, int threads, boolean xnnpack, boolean forceFp16, long warmup,
      long allocatedBytes, long gcCount) {
    StringBuilder json = new StringBuilder("{");
    json.append("\"runtime\": \"litemodel-cli\", \"model\": \"").append(escape(model)).append('"');
    json.append(", \"threads\": ").append(threads).append(", \"xnnpack\": ").append(xnnpack);
    json.append(", \"force_fp16\": ").append(forceFp16).append(", \"warmup\": ").append(warmup);
    json.append(", \"calls\": ").append(calls);
    json.append(String.format(Locale.ROOT,
        ", \"p50_us\": %.3f, \"p90_us\": %.3f, \"p99_us\": %.3f, \"p999_us\": %.3f, \"max_us\": %.3f, "
            + "\"mean_us\": %.3f", p50 / 1000.0, p90 / 1000.0, p99 / 1000.0, p999 / 1000.0, max / 1000.0,
        mean / 1000.0));
    json.append(", \"spikes\": ").append(spikes).append(", \"spike_factor\": ").append(SPIKE_FACTOR);
    json.append(", \"allocated_bytes\": ").append(allocatedBytes).append(", \"gc_collections\": ").append(gcCount);
    double drift = driftRatio();
    json.append(", \"drift_ratio\": ").append(Double.isNaN(drift) ? "null"
        : String.format(Locale.ROOT, "%.4f", drift));
    json.append(", \"window\": ").append(windowSize).append(", \"windows\": [");
    for (int i = 0; i < windows.size(); i++) {
      Window w = windows.get(i);
      json.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT,
          "{\"first\": %d, \"last\": %d, \"p50_us\": %.3f, \"p999_us\": %.3f, \"max_us\": %.3f}", w.firstCall(),
          w.lastCall(), w.p50Nanos() / 1000.0, w.p999Nanos() / 1000.0, w.maxNanos() / 1000.0));
    }
    return json.append("]}").toString();
  }

  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
