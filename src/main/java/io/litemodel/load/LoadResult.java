package io.litemodel.load;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * What one load run measured: the latency of every request (open loop: from its intended send time, so time spent
 * waiting behind earlier requests counts; closed loop: from its actual send), the number of requests and errors,
 * and the rate achieved.
 *
 * @param histogram latencies in nanoseconds
 * @param requests requests completed (successful or not)
 * @param errors requests whose call threw
 * @param elapsedNanos wall time of the measured phase
 * @param behind requests still unsent when the measured phase ended (open loop: the target could not keep up)
 */
public record LoadResult(Histogram histogram, long requests, long errors, long elapsedNanos, long behind) {
  /** @return completed requests per second */
  public double ratePerSecond() {
    return requests * 1e9 / elapsedNanos;
  }

  /** @return the latency at {@code percentile} (0-100), in microseconds */
  public double percentileMicros(double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1e3;
  }

  /** @return the largest latency, in microseconds */
  public double maxMicros() {
    return histogram.getMaxValue() / 1e3;
  }

  /** @return one line: rate, p50, p99, p99.9, max, errors */
  public String summary() {
    return String.format(Locale.ROOT, "%.0f/s  p50 %.1f us  p99 %.1f us  p99.9 %.1f us  max %.1f us  errors %d%s",
        ratePerSecond(), percentileMicros(50), percentileMicros(99), percentileMicros(99.9), maxMicros(), errors,
        behind > 0 ? "  (" + behind + " requests behind schedule at the end)" : "");
  }
}
