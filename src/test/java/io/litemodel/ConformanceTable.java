package io.litemodel;

import io.litemodel.internal.tflite.XnnpackDelegate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conformance table of the public models: one row per model with its source package, what runs where (from
 * {@link LiteModel#executionReport()}), the largest difference from TensorFlow's Python interpreter, the Java heap
 * bytes allocated per call, and the outcome. {@link PublicModelConformanceTest} fills it and writes it as Markdown
 * (by default {@code target/conformance.md}); docs/conformance.md quotes it.
 */
final class ConformanceTable {
  private final List<Row> rows = new ArrayList<>();
  private final List<String> order;

  /** @param order model names in manifest order (rows are written in this order, whatever order tests ran in) */
  ConformanceTable(List<String> order) {
    this.order = List.copyOf(order);
  }

  /** One model's row; fields start as "-" and are set as the test learns them. */
  static final class Row {
    final String model;
    final String source;
    final String category;
    String runsWhere = "-";
    String maxDifference = "-";
    String bytesPerCall = "-";
    String result = "not run";

    Row(String model, String source, String category) {
      this.model = model;
      this.source = source;
      this.category = category;
    }
  }

  /** @return a new row for {@code entry}, part of the table */
  synchronized Row row(PublicModels.Entry entry) {
    Row row = new Row(entry.name(), entry.source(), entry.category());
    rows.add(row);
    return row;
  }

  /** @return the table as Markdown */
  synchronized String markdown() {
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparingInt(row -> order.indexOf(row.model)));
    StringBuilder text = new StringBuilder();
    text.append("| model | source package | kind | what runs where (default options: XNNPACK) "
        + "| max difference | B/call | result |\n");
    text.append("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (Row row : sorted) {
      text.append("| ").append(String.join(" | ", row.model, row.source, row.category, row.runsWhere,
          row.maxDifference, row.bytesPerCall, row.result).replace("\n", " ")).append(" |\n");
    }
    return text.toString();
  }

  /** Writes {@link #markdown()} to {@code file} (creating its folder) and prints it. */
  void write(Path file) {
    String text = markdown();
    System.out.println(text);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @return what runs where in a few words, e.g. {@code "XNNPACK 160/164 nodes (2 partitions); CPU kernels: RESHAPE x2,
   *     PAD"}; the total is the delegated nodes plus the CPU nodes (the primary graph's operators)
   */
  static String describe(ExecutionReport report) {
    int cpu = report.cpuOperators().size();
    int total = report.delegatedNodes() + cpu;
    StringBuilder text = new StringBuilder();
    if (report.partitions() > 0) {
      boolean xnnpackOnly = report.partitionNames().stream().allMatch(XnnpackDelegate.KERNEL_NAME::equals);
      text.append(xnnpackOnly ? "XNNPACK " : String.join(" + ", report.delegates()) + " ")
          .append(report.delegatedNodes()).append('/').append(total).append(" nodes (")
          .append(report.partitions()).append(report.partitions() == 1 ? " partition)" : " partitions)");
    } else {
      text.append("no delegate");
    }
    if (cpu > 0) {
      Map<String, Integer> counts = new LinkedHashMap<>();
      for (String op : report.cpuOperators()) {
        counts.merge(op, 1, Integer::sum);
      }
      List<String> parts = new ArrayList<>();
      counts.forEach((op, n) -> parts.add(n == 1 ? op : op + " x" + n));
      text.append("; CPU kernels: ").append(String.join(", ", parts));
    }
    return text.toString();
  }
}
