package io.litemodel.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs every mutant of a folder written by the Python fuzzer ({@code python -m modelfuzz generate}) through
 * {@link FuzzProbe} in child JVMs, and tallies outcomes by mutation kind. Many mutants share one child JVM; when a
 * mutant kills it (signal, abort, hs_err), the mutant named in the progress file is recorded as {@code crash}, copied
 * with its description to {@code OUT/crashers/}, and a new child carries on after it. A child that makes no progress
 * for {@code stallSeconds} is killed and its mutant recorded as {@code hang}.
 *
 * <p>Children run with the default JavaCPP memory limits (nothing lifts {@code maxBytes} or
 * {@code maxPhysicalBytes}) and a small heap, as a service would.
 *
 * <p>Usage (from the repository root, after {@code mvn test-compile} and
 * {@code mvn dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt}):
 * <pre>{@code
 * java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" io.litemodel.fuzz.FuzzRunner \
 *     MUTANT_DIR OUT_DIR
 * }</pre>
 * Writes {@code OUT_DIR/results.jsonl}, {@code report.json} and {@code report.md}.
 */
public final class FuzzRunner {
  /** Outcomes, in the order of the report's columns. */
  static final List<String> OUTCOMES = List.of("ok", "rejected", "run_error", "unclean", "crash", "hang");

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper LINES = new ObjectMapper();

  private final Path mutants;
  private final Path out;
  private final List<String> jvmOptions;
  private final long stallSeconds;

  /**
   * @param mutants the folder with the mutants and {@code manifest.jsonl}
   * @param out where results, report and crashers go (created)
   * @param jvmOptions options for the child JVMs (heap size and the like)
   * @param stallSeconds how long a child may go without finishing a mutant before it is killed
   */
  public FuzzRunner(Path mutants, Path out, List<String> jvmOptions, long stallSeconds) {
    this.mutants = mutants;
    this.out = out;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.stallSeconds = stallSeconds;
  }

  /**
   * The tally of a run: outcome counts per kind, and the manifest entry plus result of every mutant.
   *
   * @param counts outcome counts by kind
   * @param results every mutant's manifest entry merged with its result (outcome, detail)
   * @param seconds how long the run took
   */
  public record Report(Map<String, Map<String, Integer>> counts, List<Map<String, Object>> results, long seconds) {
    /** @return how many mutants had {@code outcome}, over all kinds */
    public int total(String outcome) {
      return counts.values().stream().mapToInt(row -> row.getOrDefault(outcome, 0)).sum();
    }
  }

  /**
   * @param args mutant folder, output folder, then optionally the child heap (default 256m)
   * @throws IOException on I/O failure
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: FuzzRunner MUTANT_DIR OUT_DIR [CHILD_HEAP]");
      System.exit(2);
    }
    String heap = args.length > 2 ? args[2] : "256m";
    Report report = new FuzzRunner(Path.of(args[0]), Path.of(args[1]), List.of("-Xmx" + heap), 120).run();
    System.out.print(markdown(report));
    System.exit(report.total("crash") + report.total("hang") + report.total("unclean") == 0 ? 0 : 1);
  }

  /**
   * Runs every mutant of the manifest and writes the results and the report.
   *
   * @return the tally
   * @throws IOException on I/O failure
   */
  public Report run() throws IOException {
    long started = System.nanoTime();
    Files.createDirectories(out);
    Path manifest = mutants.resolve("manifest.jsonl");
    List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8).stream()
        .filter(line -> !line.isBlank()).toList();
    Path entries = out.resolve("entries.jsonl");
    Files.write(entries, lines, StandardCharsets.UTF_8);
    Path progress = out.resolve("progress.txt");
    Path results = out.resolve("results.jsonl");
    Files.deleteIfExists(results);
    Files.createFile(results);
    int position = 0;
    int child = 0;
    while (position < lines.size()) {
      Files.deleteIfExists(progress);
      Path log = out.resolve("child-" + child++ + ".log");
      int exit = runChild(entries, position, progress, results, log);
      int done = Files.readAllLines(results).size();
      if (exit == 0 && done == lines.size()) {
        break;
      }
      // The child died in the middle of a mutant: the one in the progress file (or, if it died before writing it,
      // the first one it was given).
      int failed = Files.exists(progress) ? Integer.parseInt(Files.readString(progress).strip()) : position;
      if (failed < done) {
        throw new IllegalStateException("child exited with " + exit + " after mutant " + failed + " was recorded; log "
            + log);
      }
      Map<String, Object> entry = parse(lines.get(failed));
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("position", failed);
      result.put("id", entry.get("id"));
      result.put("outcome", exit == STALLED ? "hang" : "crash");
      result.put("detail", exit == STALLED ? "no progress for " + stallSeconds + " s" : crashSummary(exit, log));
      Files.writeString(results, LINES.writeValueAsString(result) + "\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.APPEND);
      saveCrasher(entry, result);
      position = failed + 1;
    }
    Report report = tally(lines, results, (System.nanoTime() - started) / 1_000_000_000L);
    JSON.writeValue(out.resolve("report.json").toFile(), Map.of("counts", report.counts(),
        "seconds", report.seconds(), "mutants", lines.size()));
    Files.writeString(out.resolve("report.md"), markdown(report));
    return report;
  }

  /** The exit status given to a child killed for making no progress. */
  private static final int STALLED = -1;

  private int runChild(Path entries, int first, Path progress, Path results, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-XX:ErrorFile=" + out.toAbsolutePath().resolve("hs_err_%p.log"));
    command.add("-XX:-CreateCoredumpOnCrash");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(FuzzProbe.class.getName());
    command.add(mutants.toString());
    command.add(entries.toString());
    command.add(Integer.toString(first));
    command.add(progress.toString());
    command.add(results.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      long lastCount = -1;
      long lastChange = System.nanoTime();
      while (!process.waitFor(1, TimeUnit.SECONDS)) {
        long count = Files.size(results);
        if (count != lastCount) {
          lastCount = count;
          lastChange = System.nanoTime();
        } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(stallSeconds)) {
          process.destroyForcibly().waitFor();
          return STALLED;
        }
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** @return the exit status and the telling lines the dying child printed after its last mutant started */
  static String crashSummary(int exit, Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
    int start = 0;
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith("mutant=")) {
        start = i + 1;
        break;
      }
    }
    List<String> telling = new ArrayList<>();
    List<String> tail = lines.subList(start, lines.size());
    for (int i = 0; i < tail.size(); i++) {
      String line = tail.get(i);
      if (line.startsWith("# Problematic frame:") && i + 1 < tail.size()) {
        telling.add(tail.get(i + 1).replaceFirst("^#\\s*", ""));
      } else if (line.startsWith("#  SIG") || line.contains("terminate called") || line.contains("Assertion")
          || line.contains("Check failed") || line.startsWith("F0000") || line.contains("Aborted")) {
        telling.add(line.replaceFirst("^#\\s*", "").strip());
      }
    }
    if (telling.isEmpty()) {
      telling.addAll(tail.subList(Math.max(0, tail.size() - 3), tail.size()));
    }
    String signal = exit == 134 ? " (SIGABRT)" : exit == 139 ? " (SIGSEGV)" : "";
    return "exit " + exit + signal + ": " + String.join(" | ", telling);
  }

  private void saveCrasher(Map<String, Object> entry, Map<String, Object> result) throws IOException {
    Path crashers = Files.createDirectories(out.resolve("crashers"));
    String file = (String) entry.get("file");
    Files.copy(mutants.resolve(file), crashers.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(crashers.resolve(file + ".txt"), entry.get("kind") + ": " + entry.get("description") + "\n"
        + result.get("outcome") + ": " + result.get("detail") + "\n");
  }

  private static Report tally(List<String> manifest, Path results, long seconds) throws IOException {
    Map<Integer, Map<String, Object>> byPosition = new TreeMap<>();
    for (String line : Files.readAllLines(results, StandardCharsets.UTF_8)) {
      Map<String, Object> result = parse(line);
      byPosition.put((Integer) result.get("position"), result);
    }
    Map<String, Map<String, Integer>> counts = new TreeMap<>();
    List<Map<String, Object>> all = new ArrayList<>();
    for (int p = 0; p < manifest.size(); p++) {
      Map<String, Object> entry = parse(manifest.get(p));
      Map<String, Object> result = byPosition.get(p);
      if (result == null) {
        throw new IllegalStateException("no result for mutant " + entry.get("id"));
      }
      entry.putAll(result);
      all.add(entry);
      counts.computeIfAbsent((String) entry.get("kind"), k -> new LinkedHashMap<>())
          .merge((String) result.get("outcome"), 1, Integer::sum);
    }
    return new Report(counts, all, seconds);
  }

  /** @return the report as a Markdown table (kinds by outcomes, with totals) and the list of bad mutants */
  public static String markdown(Report report) {
    StringBuilder text = new StringBuilder("| kind | mutants | " + String.join(" | ", OUTCOMES) + " |\n|---|---:|"
        + "---:|".repeat(OUTCOMES.size()) + "\n");
    Map<String, Integer> totals = new LinkedHashMap<>();
    report.counts().forEach((kind, row) -> {
      int sum = row.values().stream().mapToInt(Integer::intValue).sum();
      text.append("| ").append(kind).append(" | ").append(sum);
      for (String outcome : OUTCOMES) {
        text.append(" | ").append(row.getOrDefault(outcome, 0));
        totals.merge(outcome, row.getOrDefault(outcome, 0), Integer::sum);
      }
      text.append(" |\n");
    });
    text.append("| **all** | ").append(report.results().size());
    for (String outcome : OUTCOMES) {
      text.append(" | ").append(totals.getOrDefault(outcome, 0));
    }
    text.append(" |\n");
    for (Map<String, Object> result : report.results()) {
      String outcome = (String) result.get("outcome");
      if (outcome.equals("unclean") || outcome.equals("crash") || outcome.equals("hang")) {
        text.append("\n- ").append(outcome).append(" #").append(result.get("id")).append(" ")
            .append(result.get("model")).append(" [").append(result.get("kind")).append("] ")
            .append(result.get("description")).append(" -> ").append(result.get("detail"));
      }
    }
    return text.append("\n").toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String line) {
    try {
      return LINES.readValue(line, Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException("bad JSON line: " + line, e);
    }
  }
}
