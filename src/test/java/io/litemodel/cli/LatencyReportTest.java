package io.litemodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Spikes, windows and drift computed from known samples. */
class LatencyReportTest {
  private static Histogram histogramOf(long[] samples) {
    Histogram histogram = new Histogram(60_000_000_000L, 3);
    for (long sample : samples) {
      histogram.recordValue(sample);
    }
    return histogram;
  }

  @Test
  void countsCallsOverTenTimesTheMedianAsSpikes() {
    long[] samples = new long[1000];
    Arrays.fill(samples, 10_000);
    samples[10] = 90_000; // 9x: slow, not a spike
    samples[20] = 150_000; // 15x
    samples[30] = 5_000_000;
    LatencyReport report = LatencyReport.of(histogramOf(samples), samples, samples.length, 1000);
    assertEquals(2, report.spikes());
    assertEquals(1000, report.calls());
  }

  @Test
  void splitsIntoWindowsAndComparesTheLastFullWindowWithTheFirst() {
    long[] samples = new long[2500];
    Arrays.fill(samples, 0, 1000, 10_000);
    Arrays.fill(samples, 1000, 2500, 20_000); // the second full window is twice as slow
    LatencyReport report = LatencyReport.of(histogramOf(samples), samples, samples.length, 1000);
    assertEquals(3, report.windows().size());
    assertEquals(new LatencyReport.Window(3, 2001, 2500, report.windows().get(2).p50Nanos(),
        report.windows().get(2).p999Nanos(), report.windows().get(2).maxNanos()), report.windows().get(2));
    assertEquals(2.0, report.driftRatio(), 0.01); // the short third window is not compared
    assertTrue(report.format().contains("last/first window p99.9: 2.00"), report.format());
  }

  @Test
  void hasNoDriftRatioWithFewerThanTwoFullWindows() {
    long[] samples = new long[150];
    Arrays.fill(samples, 1_000);
    LatencyReport report = LatencyReport.of(histogramOf(samples), samples, samples.length, 100);
    assertTrue(Double.isNaN(report.driftRatio()));
  }

  @Test
  void rejectsInconsistentInput() {
    long[] samples = new long[10];
    Arrays.fill(samples, 1_000);
    assertThrows(IllegalArgumentException.class, () -> LatencyReport.of(histogramOf(samples), samples, 0, 10));
    assertThrows(IllegalArgumentException.class, () -> LatencyReport.of(histogramOf(samples), samples, 5, 10));
    assertThrows(IllegalArgumentException.class, () -> LatencyReport.of(histogramOf(samples), samples, 10, 0));
  }
}
