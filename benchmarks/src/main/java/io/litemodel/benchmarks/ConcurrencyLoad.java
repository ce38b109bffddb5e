package io.litemodel.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.litemodel.LiteModel;
import io.litemodel.load.LoadGenerator;
import io.litemodel.load.LoadResult;
import io.litemodel.load.LoadTarget;
import io.litemodel.serving.LiteModelPool;
import io.litemodel.serving.MicroBatcher;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Many callers at once on seed_mlp: the open-loop latency table (p50/p99/p99.9 per rate, and the highest rate with
 * p99 under 1 ms) and closed-loop throughput, for one model per caller thread (the floor), {@link LiteModelPool},
 * {@link MicroBatcher} and ONNX Runtime's shared session, interleaved point by point so that all see the same
 * machine; plus the pool's rotation cost (one thread cycling through replicas, before and after the warm pool).
 * A target that does nothing measures the generator's own cost. Writes benchmarks/results/concurrency.md.
 *
 * Also measured in the same run: what batching can gain on this machine (the model's cost per row by batch size,
 * and the cost of waking a parked thread), and both of issue 15's goals on repeated measurements.
 *
 * <p>Run from the repository root: {@code bash benchmarks/run-concurrency.sh} (environment: CALLERS, RATES,
 * SECONDS_PER_POINT, CLOSED_CALLERS, GOAL_CALLERS, GOAL_RATES, GOAL_ROUNDS, LOW_RATES, LOW_SEGMENTS, OUT; see the
 * script).
 */
public final class ConcurrencyLoad {
  private static final double P99_GOAL_MICROS = 1_000;
  /** A variant whose p99 passed this at some rate is saturated: higher rates are not run for it. */
  private static final double SATURATED_MICROS = 20_000;

  private ConcurrencyLoad() {}

  /** A named target and how to release what it holds. */
  private record Variant(String name, LoadTarget target, AutoCloseable resources) {}

  private static final String ONE_COMBINER = "batcher, 1 combiner";
  /** The batchers, for their batch statistics. */
  private static MicroBatcher batcher;
  private static MicroBatcher oneCombiner;

  /** @return "mean batch size since the last call" for the batcher, "" for the others */
  private static String batchColumn(Variant variant, long[] last) {
    MicroBatcher which = variant.name().equals("batcher") ? batcher
        : variant.name().equals(ONE_COMBINER) ? oneCombiner : null;
    if (which == null) {
      return "";
    }
    long batches = which.batchesRun();
    long records = which.recordsBatched();
    String mean = String.format(Locale.ROOT, "%.1f", (double) (records - last[1]) / Math.max(1, batches - last[0]));
    last[0] = batches;
    last[1] = records;
    return mean;
  }

  public static void main(String[] args) throws Exception {
    int[] callerCounts = ints(System.getProperty("callers", "1,2,8,32"));
    int[] rates = ints(System.getProperty("rates", "5000,10000,20000,30000,40000,60000,80000,100000,130000,160000"));
    int[] closedCallers = ints(System.getProperty("closedCallers", "1,2,4,8,16,32,64"));
    Duration measured = Duration.ofMillis((long) (Double.parseDouble(System.getProperty("seconds", "1")) * 1000));
    Duration warmup = Duration.ofMillis(200);
    Path model = BenchData.model("seed_mlp", ".tflite");
    Path onnx = BenchData.model("seed_mlp", ".onnx");
    int cores = Runtime.getRuntime().availableProcessors();
    String loadBefore = loadAverage();
    Instant began = Instant.now();

    StringBuilder report = new StringBuilder();
    report.append("# Many callers on seed_mlp: open-loop latency and closed-loop throughput\n\n");
    report.append("Run: ").append(began).append(", ").append(machine()).append("\n");
    report.append("Load average before: ").append(loadBefore).append("\n\n");

    // ---- 1. The pool's rotation cost
    report.append(rotation(model, cores));
    report.append(batchingGain(model));
    System.out.print(report);

    try (Variants variants = new Variants(model, onnx, cores)) {
      float[][] inputs = BenchData.records(256);
      // JIT-compile every variant's path and the generator's loops before the first recorded point.
      for (Variant variant : variants.all) {
        LoadGenerator.of(variant.target(), 8, inputs, 32).closedLoop(Duration.ZERO, Duration.ofMillis(500));
        LoadGenerator.of(variant.target(), 2, inputs, 32).openLoop(10_000, Duration.ZERO, Duration.ofMillis(300));
      }
      // ---- 2. Open loop
      report.append("\n## Open loop: latency from the intended send time (us), ").append(measured.toMillis())
          .append(" ms per point after ").append(warmup.toMillis()).append(" ms warm-up\n\n");
      Map<String, Integer> best = new LinkedHashMap<>();
      String poolName = "pool(" + cores + ")";
      Map<String, double[]> points = new LinkedHashMap<>(); // variant@callers@rate -> {p50, p99, behind}
      long[] lastBatch = new long[2];
      for (int callers : callerCounts) {
        report.append("\n### ").append(callers).append(callers == 1 ? " caller\n\n" : " callers\n\n");
        report.append("| rate/s | variant | achieved/s | p50 | p99 | p99.9 | max | behind | mean batch |\n");
        report.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<String, Boolean> saturated = new LinkedHashMap<>();
        for (int rate : rates) {
          for (Variant variant : variants.all) {
            if (saturated.getOrDefault(variant.name(), false)) {
              continue;
            }
            batchColumn(variant, lastBatch);
            LoadResult r = LoadGenerator.of(variant.target(), callers, inputs, 32).openLoop(rate, warmup, measured);
            String line = String.format(Locale.ROOT, "| %d | %s | %.0f | %.1f | %.1f | %.1f | %.1f | %d | %s |%n",
                rate, variant.name(), r.ratePerSecond(), r.percentileMicros(50), r.percentileMicros(99),
                r.percentileMicros(99.9), r.maxMicros(), r.behind(), batchColumn(variant, lastBatch));
            report.append(line);
            System.out.print("[" + callers + " callers] " + line);
            String key = variant.name() + "@" + callers;
            points.put(key + "@" + rate, new double[] {r.percentileMicros(50), r.percentileMicros(99), r.behind()});
            if (r.percentileMicros(99) < P99_GOAL_MICROS && r.behind() == 0 && r.errors() == 0) {
              best.merge(key, rate, Math::max);
            }
            if (r.percentileMicros(99) > SATURATED_MICROS) {
              saturated.put(variant.name(), true);
            }
          }
        }
      }
      report.append("\n### Highest rate with p99 under 1 ms (of the rates tried)\n\n| variant |");
      for (int callers : callerCounts) {
        report.append(' ').append(callers).append(callers == 1 ? " caller |" : " callers |");
      }
      report.append("\n|---|").append("---:|".repeat(callerCounts.length)).append('\n');
      for (Variant variant : variants.all) {
        report.append("| ").append(variant.name()).append(" |");
        for (int callers : callerCounts) {
          Integer rate = best.get(variant.name() + "@" + callers);
          report.append(' ').append(rate == null ? "none" : String.valueOf(rate)).append(" |");
        }
        report.append('\n');
      }
      for (String name : List.of("batcher", ONE_COMBINER)) {
        report.append("| ").append(name).append(" / pool |");
        for (int callers : callerCounts) {
          Integer b = best.get(name + "@" + callers);
          Integer p = best.get(poolName + "@" + callers);
          report.append(' ').append(b == null || p == null ? "n/a"
              : String.format(Locale.ROOT, "%.2fx", (double) b / p)).append(" |");
        }
        report.append('\n');
      }
      report.append("\nGoal (issue 15): batcher / pool >= 2x at 8 and more callers.\n");
      report.append("\n### Low load: batcher against pool at 1-2 callers (goal: never more than 10% worse)\n\n"
          + "| callers | rate/s | p50 batcher/pool | p99 batcher/pool | 1 combiner: p50 / p99 vs pool |\n"
          + "|---:|---:|---:|---:|---:|\n");
      for (int callers : callerCounts) {
        if (callers > 2) {
          continue;
        }
        for (int rate : rates) {
          double[] b = points.get("batcher@" + callers + "@" + rate);
          double[] p = points.get(poolName + "@" + callers + "@" + rate);
          if (b == null || p == null || b[2] > 0 || p[2] > 0) {
            continue; // not run, or one of them could not keep up: not low load
          }
          double[] one = points.get(ONE_COMBINER + "@" + callers + "@" + rate);
          report.append(String.format(Locale.ROOT, "| %d | %d | %.2f | %.2f | %s |%n", callers, rate, b[0] / p[0],
              b[1] / p[1], one == null || one[2] > 0 ? "n/a"
                  : String.format(Locale.ROOT, "%.2f / %.2f", one[0] / p[0], one[1] / p[1])));
        }
      }
      // ---- 3. The goals again, on medians of repeated rounds
      report.append(goalCheck(variants, inputs, poolName, ints(System.getProperty("goalCallers", "8,32,64")),
          ints(System.getProperty("goalRates", "20000,30000,40000,60000,80000,100000,130000,160000")),
          Integer.getInteger("goalRounds", 3), warmup, measured));
      report.append(lowLoadCheck(variants, inputs, poolName, model, cores, ints(System.getProperty("lowRates",
          "5000,10000,20000,30000")), Integer.getInteger("lowSegments", 25)));
      System.out.print(report);
      // ---- 4. Closed loop
      report.append("\n## Closed loop: calls/s (p99 us from the actual send), ").append(measured.toMillis())
          .append(" ms per point; batcher: mean batch size in brackets\n\n| callers |");
      for (Variant variant : variants.all) {
        report.append(' ').append(variant.name()).append(" |");
      }
      report.append("\n|---:|").append("---:|".repeat(variants.all.size())).append('\n');
      for (int callers : closedCallers) {
        report.append("| ").append(callers).append(" |");
        for (Variant variant : variants.all) {
          batchColumn(variant, lastBatch);
          LoadResult r = LoadGenerator.of(variant.target(), callers, inputs, 32).closedLoop(warmup, measured);
          String batch = batchColumn(variant, lastBatch);
          report.append(String.format(Locale.ROOT, " %.0f (%.0f)%s |", r.ratePerSecond(), r.percentileMicros(99),
              batch.isEmpty() ? "" : " [" + batch + "]"));
        }
        report.append('\n');
        System.out.println("closed loop, " + callers + " callers done");
      }
    }
    report.append("\nLoad average after: ").append(loadAverage()).append(" (run took ")
        .append(Duration.between(began, Instant.now()).toSeconds()).append(" s)\n");
    Path out = Path.of(System.getProperty("out", "benchmarks/results/concurrency.md"));
    Files.writeString(out, report.toString(), StandardCharsets.UTF_8);
    System.out.println("\nwrote " + out);
  }


  /**
   * What batching can gain on this machine, measured in this run: the model's cost per row at rising batch sizes (the
   * saving per record) beside the cost of waking a parked thread (what the batcher spends per record it hands back),
   * and the best throughput against the pool that these two allow at saturation.
   */
  private static String batchingGain(Path model) throws InterruptedException {
    int[] sizes = {1, 2, 4, 8, 16, 32};
    double[] perRow = BatchRowCost.measure(model, sizes);
    HandOffCost.Cost idle = HandOffCost.measure(0);
    HandOffCost.Cost busy = HandOffCost.measure(1);
    StringBuilder text = new StringBuilder("\n## What batching can gain on this machine\n\n"
        + "One thread, one `predict` of n rows on a replica kept at that size (sizes take turns; median of 5 rounds), "
        + "us per row:\n\n| rows |");
    for (int size : sizes) {
      text.append(' ').append(size).append(" |");
    }
    text.append("\n|---|").append("---:|".repeat(sizes.length)).append("\n| us per row |");
    for (double cost : perRow) {
      text.append(String.format(Locale.ROOT, " %.1f |", cost));
    }
    double h = busy.cpuMicros();
    text.append(String.format(Locale.ROOT, "%n%nHanding work to a parked thread (two threads passing a turn with "
        + "park/unpark; medians of 3 runs): %.1f us of CPU and %.1f us of wall time per hand-off with a third thread "
        + "keeping a core busy, as under load; %.1f us of CPU and %.1f us of wall time with the other core idle (on a "
        + "virtual machine, waking an idle CPU exits to the hypervisor), which is what a wake-up costs at low load.%n",
        h, busy.wallMicros(), idle.cpuMicros(), idle.wallMicros()));
    text.append("\nAt saturation the cores are busy, so a hand-off costs h = ").append(String.format(Locale.ROOT,
        "%.1f", h)).append(" us. In a batch of n that a caller runs, its own record needs no hand-off and each of the "
        + "other n - 1 needs one (its caller parked and is woken): b(n) = row(n) + h (n - 1) / n per record. A pool "
        + "costs row(1) per record, plus h when its caller waited for a replica. So the batcher's throughput over "
        + "the pool's is at most row(1) / b(n) when the pool's callers never wait, and (row(1) + h) / b(n) when they "
        + "all do; the load generator's own cost, the same for both, would lower both ratios:\n\n"
        + "| rows per batch | b(n), us | batcher / pool at most |\n|---:|---:|---:|\n");
    for (int s = 1; s < sizes.length; s++) {
      double perRecord = perRow[s] + h * (sizes[s] - 1) / sizes[s];
      text.append(String.format(Locale.ROOT, "| %d | %.1f | %.2f-%.2fx |%n", sizes[s], perRecord,
          perRow[0] / perRecord, (perRow[0] + h) / perRecord));
    }
    return text.toString();
  }

  /** One open-loop point over rounds: the median p50, the median p99 and the median count behind schedule, each
   * taken on its own. */
  private record Repeated(double p50, double p99, double behind) {
    boolean sustained() {
      return p99 < P99_GOAL_MICROS && behind == 0;
    }
  }

  /** Runs one point {@code rounds} times, interleaving the variants round by round; medians per variant. */
  private static Map<String, Repeated> repeat(List<Variant> variants, float[][] inputs, int callers, int rate,
      int rounds, Duration warmup, Duration measured) throws InterruptedException {
    Map<String, List<double[]>> runs = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (Variant variant : variants) {
        LoadResult r = LoadGenerator.of(variant.target(), callers, inputs, 32).openLoop(rate, warmup, measured);
        runs.computeIfAbsent(variant.name(), k -> new ArrayList<>())
            .add(new double[] {r.percentileMicros(50), r.percentileMicros(99), r.behind() + r.errors()});
      }
    }
    Map<String, Repeated> medians = new LinkedHashMap<>();
    runs.forEach((name, list) -> medians.put(name, new Repeated(BenchData.median(column(list, 0)),
        BenchData.median(column(list, 1)), BenchData.median(column(list, 2)))));
    return medians;
  }

  private static List<Double> column(List<double[]> rows, int index) {
    List<Double> values = new ArrayList<>();
    for (double[] row : rows) {
      values.add(row[index]);
    }
    return values;
  }

  /**
   * The throughput goal again, judged on medians: at each rate, the pool and both batchers run {@code rounds} times,
   * interleaved, and a rate counts as sustained when the median p99 is under 1 ms and the median count of requests
   * behind schedule (or failed) is 0. The top rate tried may be sustained too, so the table prints it as "&gt;=". One one-second point's p99 rests on its slowest 1% of requests, and on a shared 2-core machine it
   * moves by 2x between runs (see concurrency-repeats-2026-11-30.md), which a single run cannot tell from a gain.
   */
  private static String goalCheck(Variants variants, float[][] inputs, String poolName, int[] callerCounts,
      int[] rates, int rounds, Duration warmup, Duration measured) throws InterruptedException {
    List<Variant> compared = List.of(variants.named(poolName), variants.named("batcher"),
        variants.named(ONE_COMBINER));
    StringBuilder text = new StringBuilder("\n## Goal check: highest rate with p99 under 1 ms, medians of ")
        .append(rounds).append(" interleaved rounds\n");
    Map<String, Integer> best = new LinkedHashMap<>();
    for (int callers : callerCounts) {
      text.append("\n### ").append(callers).append(" callers: median p50 / p99 (us)\n\n| rate/s |");
      compared.forEach(v -> text.append(' ').append(v.name()).append(" |"));
      text.append("\n|---:|").append("---:|".repeat(compared.size())).append('\n');
      Map<String, Boolean> saturated = new LinkedHashMap<>();
      for (int rate : rates) {
        List<Variant> running = compared.stream().filter(v -> !saturated.getOrDefault(v.name(), false)).toList();
        if (running.isEmpty()) {
          break;
        }
        Map<String, Repeated> medians = repeat(running, inputs, callers, rate, rounds, warmup, measured);
        text.append("| ").append(rate).append(" |");
        for (Variant variant : compared) {
          Repeated m = medians.get(variant.name());
          if (m == null) {
            text.append(" saturated |");
            continue;
          }
          text.append(String.format(Locale.ROOT, " %.0f / %.0f%s |", m.p50(), m.p99(),
              m.behind() > 0 ? " (" + (long) m.behind() + " behind)" : ""));
          if (m.sustained()) {
            best.merge(variant.name() + "@" + callers, rate, Math::max);
          }
          if (m.p99() > SATURATED_MICROS) {
            saturated.put(variant.name(), true);
          }
        }
        text.append('\n');
        System.out.println("[goal check] " + callers + " callers, " + rate + "/s done");
      }
    }
    text.append("\n| highest rate, p99 < 1 ms |");
    for (int callers : callerCounts) {
      text.append(' ').append(callers).append(" callers |");
    }
    text.append("\n|---|").append("---:|".repeat(callerCounts.length)).append('\n');
    for (Variant variant : compared) {
      text.append("| ").append(variant.name()).append(" |");
      for (int callers : callerCounts) {
        Integer rate = best.get(variant.name() + "@" + callers);
        Integer pool = best.get(poolName + "@" + callers);
        text.append(' ').append(rate == null ? "none" : (rate == rates[rates.length - 1] ? ">=" : "") + rate);
        if (variant != compared.get(0)) {
          text.append(rate == null || pool == null ? "" : String.format(Locale.ROOT, " (%.2fx)", (double) rate / pool));
        }
        text.append(" |");
      }
      text.append('\n');
    }
    text.append("\nGoal (issue 15): batcher at least 2x the pool, at 8 and more callers.\n");
    return text.toString();
  }

  /**
   * The low-load goal again, as an A/B test of tails: the pool, the default batcher and a second, identical pool take
   * turns in short segments ({@code segments} of 200 ms each per rate), and each one's latencies are merged over all
   * its segments before p50 and p99 are read. At 1-2 callers a one-second point's p99 rests on some 100 requests and
   * moves by a third between runs of the same variant (a stall of the virtual machine lands in one point and not the
   * next); short alternating segments spread such stalls over all variants alike. The second pool is an A/A control:
   * how far two identical variants differ under this protocol is the resolution of the batcher's ratio.
   */
  private static String lowLoadCheck(Variants variants, float[][] inputs, String poolName, Path model, int cores,
      int[] rates, int segments) throws InterruptedException {
    String control = "second pool";
    Duration warmup = Duration.ofMillis(50);
    Duration segment = Duration.ofMillis(200);
    StringBuilder text = new StringBuilder("\n## Low-load check: batcher against pool, ").append(segments)
        .append(" alternating segments of ").append(segment.toMillis()).append(" ms each, latencies merged\n\n"
            + "The A/A column compares a second pool, identical to the first and run in the same alternation, with "
            + "the first: how far two equal variants differ here.\n\n"
            + "| callers | rate/s | pool p50 / p99 | batcher p50 / p99 | p50 batcher/pool | p99 batcher/pool | "
            + "A/A: p50 / p99 second pool/pool | behind or failed: pool / batcher / second pool |\n"
            + "|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    try (LiteModelPool<LiteModel> second = LiteModelPool.create(model, cores)) {
      List<Variant> compared = List.of(variants.named(poolName), variants.named("batcher"),
          new Variant(control, caller -> second::predictSingle, () -> { }));
      for (int callers = 1; callers <= 2; callers++) {
        for (int rate : rates) {
          Map<String, Histogram> merged = new LinkedHashMap<>();
          Map<String, Long> behind = new LinkedHashMap<>();
          for (int round = 0; round < segments; round++) {
            for (Variant variant : compared) {
              LoadResult r = LoadGenerator.of(variant.target(), callers, inputs, 32).openLoop(rate, warmup, segment);
              merged.computeIfAbsent(variant.name(), k -> new Histogram(r.histogram().getHighestTrackableValue(),
                  r.histogram().getNumberOfSignificantValueDigits())).add(r.histogram());
              behind.merge(variant.name(), r.behind() + r.errors(), Long::sum);
            }
          }
          double[] pool = percentiles(merged.get(poolName));
          double[] batched = percentiles(merged.get("batcher"));
          double[] again = percentiles(merged.get(control));
          // A variant that fell behind schedule or failed was not at low load: its ratio is shown but marked.
          long poolBehind = behind.get(poolName);
          long batchedBehind = behind.get("batcher");
          String mark = poolBehind + batchedBehind > 0 ? " (not low load)" : "";
          text.append(String.format(Locale.ROOT,
              "| %d | %d | %.1f / %.1f | %.1f / %.1f | %.2f%s | %.2f%s | %.2f / %.2f | %d / %d / %d |%n", callers,
              rate, pool[0], pool[1], batched[0], batched[1], batched[0] / pool[0], mark, batched[1] / pool[1], mark,
              again[0] / pool[0], again[1] / pool[1], poolBehind, batchedBehind, behind.get(control)));
          System.out.println("[low-load check] " + callers + " callers, " + rate + "/s done");
        }
      }
    }
    text.append("\nGoal (issue 15): never more than 10% worse than the pool (ratios at most 1.10).\n");
    return text.toString();
  }

  /** @return p50 and p99 of {@code histogram}, in microseconds */
  private static double[] percentiles(Histogram histogram) {
    return new double[] {histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3};
  }

  /** Every variant, built once and closed at the end. */
  private static final class Variants implements AutoCloseable {
    final List<Variant> all = new ArrayList<>();

    Variant named(String name) {
      return all.stream().filter(v -> v.name().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no variant " + name));
    }

    Variants(Path model, Path onnx, int cores) throws OrtException {
      all.add(new Variant("null call", caller -> (in, out) -> { }, () -> { }));
      LiteModel.Options shared = LiteModel.Options.defaults().withWeightsCache(true);
      LiteModel base = LiteModel.load(model, shared);
      List<LiteModel> replicas = new ArrayList<>();
      all.add(new Variant("model per thread", caller -> {
        synchronized (replicas) {
          while (replicas.size() <= caller) {
            replicas.add(base.replicate());
          }
          return replicas.get(caller)::predictSingle;
        }
      }, () -> {
        replicas.forEach(LiteModel::close);
        base.close();
      }));
      LiteModelPool<LiteModel> pool = LiteModelPool.create(model, cores);
      all.add(new Variant("pool(" + cores + ")", caller -> pool::predictSingle, pool));
      batcher = MicroBatcher.around(LiteModel.load(model, shared));
      all.add(new Variant("batcher", caller -> batcher::predictSingle, batcher));
      // One caller runs batches at a time: the other cores are left to callers to publish, so batches form, at the
      // price of waking each waiting caller. Which wins depends on the machine; both are measured side by side.
      oneCombiner = MicroBatcher.around(LiteModel.load(model, shared),
          MicroBatcher.Options.defaults().withCombiners(1));
      all.add(new Variant(ONE_COMBINER, caller -> oneCombiner::predictSingle, oneCombiner));
      OnnxShared ort = new OnnxShared(onnx);
      all.add(new Variant("onnxruntime shared", ort::caller, ort));
    }

    @Override
    public void close() throws Exception {
      for (Variant variant : all) {
        variant.resources().close();
      }
    }
  }

  /** One ONNX Runtime session shared by all callers (it is thread-safe); each caller has its own pinned tensors. */
  private static final class OnnxShared implements AutoCloseable {
    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String inName;
    private final String outName;
    private final List<OnnxTensor> tensors = new ArrayList<>();

    OnnxShared(Path model) throws OrtException {
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = environment.createSession(model.toString(), options);
      }
      inName = session.getInputNames().iterator().next();
      outName = session.getOutputNames().iterator().next();
    }

    LoadTarget.Call caller(int index) throws OrtException {
      FloatBuffer input = ByteBuffer.allocateDirect(256 * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
      FloatBuffer output = ByteBuffer.allocateDirect(32 * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
      OnnxTensor in = OnnxTensor.createTensor(environment, input, new long[] {1, 256});
      OnnxTensor out = OnnxTensor.createTensor(environment, output, new long[] {1, 32});
      synchronized (tensors) {
        tensors.add(in);
        tensors.add(out);
      }
      Map<String, OnnxTensor> inputs = Map.of(inName, in);
      Map<String, OnnxValue> outputs = Map.of(outName, out);
      return (row, result) -> {
        input.put(0, row);
        session.run(inputs, outputs).close(); // the Result does not own the pinned output
        output.get(0, result);
      };
    }

    @Override
    public void close() throws OrtException {
      for (OnnxTensor tensor : tensors) {
        tensor.close();
      }
      session.close();
    }
  }

  /**
   * One thread's cost per call: on one replica (without and with the weights cache, the pool's setting); cycling
   * through 4 replicas that each packed their own weights (what the old pool's rotation did); cycling through 4
   * sharing the weights cache; through the warm pool of 4; then the pool's hand-off alone (acquire and release, no
   * prediction); and 2 threads on 2 replicas. Cases alternate 5 times; medians, with the spread, because on a busy
   * machine the spread between rounds of one case is larger than the differences between cases.
   */
  private static String rotation(Path model, int cores) throws Exception {
    float[][] inputs = BenchData.records(256);
    float[] out = new float[32];
    int replicasN = 4;
    LiteModel single = LiteModel.load(model);
    LiteModel singleCached = LiteModel.load(model, LiteModel.Options.defaults().withWeightsCache(true));
    List<LiteModel> own = new ArrayList<>();
    LiteModel ownBase = LiteModel.load(model);
    own.add(ownBase);
    LiteModel sharedBase = LiteModel.load(model, LiteModel.Options.defaults().withWeightsCache(true));
    List<LiteModel> shared = new ArrayList<>();
    shared.add(sharedBase);
    for (int i = 1; i < replicasN; i++) {
      own.add(ownBase.replicate());
      shared.add(sharedBase.replicate());
    }
    Duration time = Duration.ofMillis(500);
    Map<String, List<Double>> micros = new LinkedHashMap<>();
    double handOffNanos;
    try (LiteModelPool<LiteModel> pool = LiteModelPool.create(model, replicasN)) {
      List<Double> handOff = new ArrayList<>();
      for (int round = 0; round < 5; round++) {
        micros.computeIfAbsent("one replica", k -> new ArrayList<>())
            .add(oneThread(time, i -> single.predictSingle(inputs[i & 15], out)));
        micros.computeIfAbsent("one replica, weights cache on", k -> new ArrayList<>())
            .add(oneThread(time, i -> singleCached.predictSingle(inputs[i & 15], out)));
        micros.computeIfAbsent("cycling " + replicasN + " replicas, own packed weights (old pool)",
            k -> new ArrayList<>()).add(oneThread(time, i -> own.get(i % replicasN).predictSingle(inputs[i & 15], out)));
        micros.computeIfAbsent("cycling " + replicasN + " replicas, shared weights cache", k -> new ArrayList<>())
            .add(oneThread(time, i -> shared.get(i % replicasN).predictSingle(inputs[i & 15], out)));
        micros.computeIfAbsent("warm pool of " + replicasN + " (most recent first, shared weights)",
            k -> new ArrayList<>()).add(oneThread(time, i -> pool.predictSingle(inputs[i & 15], out)));
        handOff.add(1000 * oneThread(Duration.ofMillis(100), i -> pool.release(pool.acquire())));
      }
      handOffNanos = BenchData.median(handOff);
    } finally {
      single.close();
      singleCached.close();
      own.forEach(LiteModel::close);
      shared.forEach(LiteModel::close);
    }
    StringBuilder text = new StringBuilder("## Pool rotation: one thread, us per call (median of 5 alternations)\n\n"
        + "| case | us/call | spread (min-max) | vs one replica |\n|---|---:|---:|---:|\n");
    double base = BenchData.median(micros.get("one replica"));
    for (Map.Entry<String, List<Double>> e : micros.entrySet()) {
      double m = BenchData.median(e.getValue());
      text.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f-%.1f | %.2fx |%n", e.getKey(), m,
          java.util.Collections.min(e.getValue()), java.util.Collections.max(e.getValue()), m / base));
    }
    text.append(String.format(Locale.ROOT, "%nThe pool's hand-off alone (acquire + release, one thread): %.0f ns%n",
        handOffNanos));
    // N threads on N replicas, own weights against shared (calls/s in total)
    text.append("\n").append(cores).append(" threads on ").append(cores)
        .append(" replicas (closed loop, calls/s in total): ");
    for (boolean cache : new boolean[] {false, true}) {
      LiteModel first = LiteModel.load(model, LiteModel.Options.defaults().withWeightsCache(cache));
      List<LiteModel> replicas = new ArrayList<>(List.of(first));
      for (int i = 1; i < cores; i++) {
        replicas.add(first.replicate());
      }
      LoadResult r = LoadGenerator.of(caller -> replicas.get(caller)::predictSingle, cores, inputs, 32)
          .closedLoop(Duration.ofMillis(200), time);
      text.append(String.format(Locale.ROOT, "%s %.0f%s", cache ? "shared weights" : "own weights",
          r.ratePerSecond(), cache ? "\n" : "; "));
      replicas.forEach(LiteModel::close);
    }
    return text.toString();
  }

  private interface Step {
    void call(int i);
  }

  private static double oneThread(Duration time, Step step) {
    for (int i = 0; i < 3_000; i++) {
      step.call(i);
    }
    long end = System.nanoTime() + time.toNanos();
    long start = System.nanoTime();
    int calls = 0;
    while (System.nanoTime() < end) {
      step.call(calls++);
    }
    return (System.nanoTime() - start) / 1e3 / calls;
  }


  private static int[] ints(String list) {
    return java.util.Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String machine() {
    String cpu = "unknown CPU";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
    } catch (IOException e) {
      // keep "unknown"
    }
    return Runtime.getRuntime().availableProcessors() + " CPUs (" + cpu + "), Java "
        + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
        + System.getProperty("os.version");
  }
}
