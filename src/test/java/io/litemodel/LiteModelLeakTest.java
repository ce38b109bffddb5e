package io.litemodel;

import static io.litemodel.ReferenceModels.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No native leak: 1,000 load/close cycles and 1,000,000 predictions leave resident memory within a few MB of where
 * it started, in at least one of two consecutive windows (a leak grows in both; a one-time step of the JIT or the
 * allocator in one). Each runs in a child JVM whose heap is fully resident from the start (see
 * {@link ResidentMemoryProbe}).
 */
class LiteModelLeakTest {
  private static final List<String> FIXED_HEAP = List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch");
  /** "Within a few MB": allocator arenas may keep a little of what was freed. */
  private static final long ALLOWED_GROWTH_KIB = 4 * 1024;

  @Test
  void loadingAndClosingAThousandTimesDoesNotLeak() {
    // seed_mlp is 1.5 MB: a leak of the model bytes alone would add 1.5 GB over 1,000 cycles.
    ChildJvm.Result result = ChildJvm.run(FIXED_HEAP, ResidentMemoryProbe.class, model("seed_mlp").toString(),
        "load-close", "1000");
    assertEquals(0, result.exitCode(), result.output());
    long growth = Long.parseLong(result.value("rss_delta_kib"));
    System.out.println("resident memory growth: " + growth + " KiB");
    assertTrue(growth < ALLOWED_GROWTH_KIB, "resident memory grew by " + growth + " KiB:\n" + result.output());
  }

  @Test
  void aMillionPredictionsDoNotLeak() {
    ChildJvm.Result result = ChildJvm.run(FIXED_HEAP, ResidentMemoryProbe.class,
        model("seed_classifier").toString(), "predict", "1000000");
    assertEquals(0, result.exitCode(), result.output());
    long growth = Long.parseLong(result.value("rss_delta_kib"));
    System.out.println("resident memory growth: " + growth + " KiB");
    assertTrue(growth < ALLOWED_GROWTH_KIB, "resident memory grew by " + growth + " KiB:\n" + result.output());
  }
}
