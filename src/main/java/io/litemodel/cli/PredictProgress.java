package io.litemodel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;

/**
 * The {@code predict} command's progress: a bar redrawn in place when stderr is a terminal; otherwise (a log file, a
 * pipe, CI) one plain line every {@link #LINE_INTERVAL}, so logs get no carriage returns and no duplicated lines.
 * The rate is left out until it means something (a second of work), instead of printing {@code ?}.
 */
final class PredictProgress {
  /** How often a plain progress line is written when stderr is not a terminal. */
  static final Duration LINE_INTERVAL = Duration.ofSeconds(10);
  private static final int BAR_REFRESH_MILLIS = 250;
  private static final int BAR_WIDTH = 30;
  private static final int MIN_BAR_WIDTH = 10;

  private PredictProgress() {}

  /**
   * @param count items to predict
   * @param err where plain lines go when stderr is not a terminal (the command's error writer)
   * @return a started progress bar; close it when the run ends
   */
  static ProgressBar start(long count, PrintWriter err) {
    boolean terminal = stderrIsTerminal();
    ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName("predict").setInitialMax(count)
        .setRenderer(renderer(terminal));
    if (terminal) {
      builder.setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(BAR_REFRESH_MILLIS);
    } else {
      // The library renders once more when it closes; a line equal to the last one written adds nothing to a log.
      String[] last = {null};
      builder.setConsumer(new DelegatingProgressBarConsumer(line -> {
        if (!line.equals(last[0])) {
          last[0] = line;
          err.println(line);
          err.flush();
        }
      })).setUpdateIntervalMillis((int) LINE_INTERVAL.toMillis());
    }
    return builder.build();
  }

  /**
   * One progress line, e.g. {@code predict  40% [============                  ] 400/1000 items, 812.5 items/s,
   * ETA 0:00:01}; without the bar for plain lines.
   *
   * @param done items done
   * @param total items in all
   * @param elapsed time since the start
   * @param bar whether to draw the bar
   * @return the line
   */
  static String render(long done, long total, Duration elapsed, boolean bar) {
    return render(done, total, elapsed, bar, 0);
  }

  /**
   * As {@link #render(long, long, Duration, boolean)}, fitted to a terminal {@code width} wide (0: unknown): the bar
   * narrows, down to {@value #MIN_BAR_WIDTH} characters, then goes, so the figures are never cut off.
   */
  static String render(long done, long total, Duration elapsed, boolean bar, int width) {
    double fraction = total > 0 ? Math.min(1.0, (double) done / total) : 0;
    String percent = String.format(Locale.ROOT, "predict %3d%%", (int) Math.floor(fraction * 100));
    String figures = figures(done, total, elapsed);
    if (!bar) {
      return percent + figures;
    }
    int barWidth = width <= 0 ? BAR_WIDTH : Math.min(BAR_WIDTH, width - 1 - percent.length() - figures.length() - 3);
    if (barWidth < MIN_BAR_WIDTH) {
      return percent + figures;
    }
    int filled = (int) Math.floor(fraction * barWidth);
    return percent + " [" + "=".repeat(filled) + " ".repeat(barWidth - filled) + "]" + figures;
  }

  private static String figures(long done, long total, Duration elapsed) {
    StringBuilder line = new StringBuilder();
    line.append(' ').append(done).append('/').append(total).append(" items");
    double seconds = elapsed.toNanos() / 1e9;
    if (seconds >= 1 && done > 0) {
      double rate = done / seconds;
      line.append(String.format(Locale.ROOT, ", %.1f items/s", rate));
      if (done < total) {
        long eta = (long) Math.ceil((total - done) / rate);
        line.append(String.format(Locale.ROOT, ", ETA %d:%02d:%02d", eta / 3600, eta / 60 % 60, eta % 60));
      }
    }
    return line.toString();
  }

  /**
   * Whether stderr is a terminal. Java cannot ask this of stderr directly: {@link System#console()} covers
   * stdin/stdout, and Linux's {@code /proc/self/fd/2} says where stderr goes.
   */
  static boolean stderrIsTerminal() {
    if (System.console() == null) {
      return false;
    }
    Path fd = Path.of("/proc/self/fd/2");
    try {
      String target = Files.readSymbolicLink(fd).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return true; // no /proc: trust System.console()
    }
  }

  /** Our line layout for the library's renderer hook, fitted to the width it gives (the terminal's). */
  private static ProgressBarRenderer renderer(boolean bar) {
    return (ProgressState state, int maxLength) -> render(state.getCurrent(), state.getMax(),
        state.getTotalElapsed(), bar, maxLength);
  }
}
