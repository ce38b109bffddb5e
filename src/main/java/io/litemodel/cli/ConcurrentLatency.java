package io.litemodel.cli;

import io.litemodel.InferenceModel;
import io.litemodel.LiteModel;
import io.litemodel.load.LoadGenerator;
import io.litemodel.load.LoadResult;
import io.litemodel.load.LoadTarget;
import io.litemodel.serving.LiteModelPool;
import io.litemodel.serving.MicroBatcher;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code latency} command's concurrent mode: many callers on one model, through the micro-batcher, a replica
 * pool, or a replica per caller, driven by the library's {@link LoadGenerator} (open loop at a fixed rate, latency
 * from each request's intended send time; or closed loop for throughput).
 */
final class ConcurrentLatency {
  /** How the callers reach the model. */
  enum Via {
    /** {@link MicroBatcher}: records coalesced into batches. */
    batcher,
    /** {@link LiteModelPool} of one replica per core. */
    pool,
    /** One replica per caller thread: the floor, when threads are few and long-lived. */
    replicas
  }

  private ConcurrentLatency() {}

  /** The figures of one run, for the text and JSON reports. */
  record Outcome(String via, int callers, double rate, LoadResult result) {
    String format() {
      LoadResult r = result;
      return String.format(Locale.ROOT, "%s, %d callers, %s: %.0f calls/s%n"
          + "  p50 %.1f us  p90 %.1f us  p99 %.1f us  p99.9 %.1f us  max %.1f us%n"
          + "  requests %d, errors %d, behind schedule at the end %d%n", via, callers,
          rate > 0 ? String.format(Locale.ROOT, "open loop at %.0f/s (latency from the intended send time)", rate)
              : "closed loop", r.ratePerSecond(), r.percentileMicros(50), r.percentileMicros(90),
          r.percentileMicros(99), r.percentileMicros(99.9), r.maxMicros(), r.requests(), r.errors(), r.behind());
    }

    String toJson(String model) {
      LoadResult r = result;
      return String.format(Locale.ROOT, "{\"model\": \"%s\", \"via\": \"%s\", \"callers\": %d, \"rate\": %.1f, "
          + "\"achieved_per_s\": %.1f, \"p50_us\": %.2f, \"p90_us\": %.2f, \"p99_us\": %.2f, \"p999_us\": %.2f, "
          + "\"max_us\": %.2f, \"requests\": %d, \"errors\": %d, \"behind\": %d}", model.replace("\\", "\\\\")
          .replace("\"", "\\\""), via, callers, rate, r.ratePerSecond(), r.percentileMicros(50),
          r.percentileMicros(90), r.percentileMicros(99), r.percentileMicros(99.9), r.maxMicros(), r.requests(),
          r.errors(), r.behind());
    }
  }

  /**
   * Loads the model the chosen way, runs the load and closes everything.
   *
   * @param rate requests per second in total; 0 for closed loop
   * @param batching the batcher's options (with {@link Via#batcher})
   */
  static Outcome run(java.nio.file.Path path, LiteModel.Options options, Via via, int callers, double rate,
      Duration warmup, Duration measured, float[][] inputs, int outputRow, MicroBatcher.Options batching,
      PrintWriter out)
      throws InterruptedException {
    // Replicas of one model share its packed weights (see LiteModelPool): N copies would not fit the cache.
    LiteModel.Options shared = options.withWeightsCache(true);
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      LoadTarget target;
      String name;
      switch (via) {
        case batcher -> {
          MicroBatcher batcher = MicroBatcher.around(LiteModel.load(path, shared), batching);
          resources.add(batcher);
          target = caller -> batcher::predictSingle;
          name = "batcher (batches up to " + batcher.largestBatch() + ")";
        }
        case pool -> {
          int size = Runtime.getRuntime().availableProcessors();
          LiteModelPool<LiteModel> pool = LiteModelPool.create(path, shared, size);
          resources.add(pool);
          target = caller -> pool::predictSingle;
          name = "pool of " + size;
        }
        default -> {
          LiteModel base = LiteModel.load(path, shared);
          resources.add(base);
          List<InferenceModel> replicas = new ArrayList<>();
          for (int i = 0; i < callers; i++) {
            InferenceModel replica = base.replicate();
            resources.add(replica);
            replicas.add(replica);
          }
          target = caller -> replicas.get(caller)::predictSingle;
          name = "one replica per caller";
        }
      }
      LoadGenerator load = LoadGenerator.of(target, callers, inputs, outputRow);
      LoadResult result = rate > 0 ? load.openLoop(rate, warmup, measured) : load.closedLoop(warmup, measured);
      return new Outcome(name, callers, rate, result);
    } finally {
      for (int i = resources.size() - 1; i >= 0; i--) {
        try {
          resources.get(i).close();
        } catch (Exception e) {
          out.println("warning: closing " + resources.get(i) + " failed: " + e.getMessage());
        }
      }
    }
  }
}
