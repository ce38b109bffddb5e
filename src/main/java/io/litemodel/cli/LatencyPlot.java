package io.litemodel.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws per-call latency against call number, on a logarithmic latency axis, as a PNG (XChart).
 *
 * <p>A million points would make an unreadable picture and a slow render, so calls are grouped into at most
 * {@link #MAX_POINTS} consecutive buckets and each bucket is drawn as its <b>maximum</b>, so no spike is hidden
 * (the picture shows the worst call of each stretch, not a typical one). The run's overall p50 is drawn as a
 * reference line, and the legend (under the plot, so it hides no point) says how many calls each point stands for.
 * Renders headless.
 */
final class LatencyPlot {
  /** Points per series at most. */
  static final int MAX_POINTS = 2000;
  /** Factor of headroom on the logarithmic latency axis, above and below the data. */
  private static final double AXIS_MARGIN = Math.pow(10, 0.2);

  private LatencyPlot() {}

  /**
   * Writes the chart.
   *
   * @param file the PNG to write (its folder must exist)
   * @param title the chart title
   * @param samples per-call latencies in nanoseconds, in call order
   * @param count how many samples to plot
   * @param p50Nanos the run's median, drawn as a reference line
   * @return calls per plotted point
   * @throws IOException if the file cannot be written
   */
  static int write(Path file, String title, long[] samples, int count, long p50Nanos) throws IOException {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true"); // a command-line tool must not need a display
    }
    int bucket = Math.max(1, (count + MAX_POINTS - 1) / MAX_POINTS);
    int points = (count + bucket - 1) / bucket;
    double[] x = new double[points];
    double[] y = new double[points];
    for (int p = 0; p < points; p++) {
      int start = p * bucket;
      int end = Math.min(count, start + bucket);
      long max = 0;
      for (int i = start; i < end; i++) {
        max = Math.max(max, samples[i]);
      }
      x[p] = start + 1;
      // A log axis cannot show zero; a 0 ns sample (timer granularity) is drawn at 1 ns.
      y[p] = Math.max(1, max) / 1000.0;
    }
    XYChart chart = new XYChartBuilder().width(1200).height(600).title(title)
        .xAxisTitle("call").yAxisTitle("latency (us, log scale)").build();
    chart.getStyler().setYAxisLogarithmic(true);
    // Room above the slowest point and below the fastest (a fifth of a decade), so no marker is cut by the frame.
    double lowest = Math.min(Math.max(1, p50Nanos) / 1000.0, Arrays.stream(y).min().orElse(1));
    double highest = Math.max(Math.max(1, p50Nanos) / 1000.0, Arrays.stream(y).max().orElse(1));
    chart.getStyler().setYAxisMin(lowest / AXIS_MARGIN);
    chart.getStyler().setYAxisMax(highest * AXIS_MARGIN);
    // Under the plot, not inside it: inside, the legend covered the top right corner, where a late spike (often the
    // run's maximum) is drawn.
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setMarkerSize(3);
    XYSeries series = chart.addSeries(bucket == 1 ? "each call" : "max of each " + bucket + " calls", x, y);
    series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    series.setMarker(SeriesMarkers.CIRCLE);
    XYSeries median = chart.addSeries(String.format(java.util.Locale.ROOT, "p50 of the run (%.1f us)",
        p50Nanos / 1000.0), new double[] {1, count}, new double[] {Math.max(1, p50Nanos) / 1000.0,
        Math.max(1, p50Nanos) / 1000.0});
    median.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    median.setMarker(SeriesMarkers.NONE);
    try (OutputStream out = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
    }
    return bucket;
  }
}
