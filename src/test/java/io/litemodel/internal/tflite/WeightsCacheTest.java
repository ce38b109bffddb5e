package io.litemodel.internal.tflite;

import static io.litemodel.ReferenceModels.golden;
import static io.litemodel.ReferenceModels.model;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.ChildJvm;
import io.litemodel.LiteModel;
import io.litemodel.ReplicaMemoryProbe;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The XNNPACK weights cache shared by a model's replicas: same results, one cache, less memory. */
public class WeightsCacheTest {
  @Test
  void replicasShareOneCacheAndComputeTheSame() {
    float[] input = golden("seed_mlp", null, "input", null).row(0);
    try (LiteModel plain = LiteModel.load(model("seed_mlp"));
        LiteModel shared = LiteModel.load(model("seed_mlp"), LiteModel.Options.defaults().withWeightsCache(true));
        LiteModel replica = shared.replicate();
        LiteModel other = shared.replicate(LiteModel.Options.defaults().withWeightsCache(true).withThreads(2))) {
      assertTrue(shared.executionReport().delegates().get(0).contains("shared weights cache"),
          shared.executionReport().toString());
      float[] expected = plain.predictSingle(input);
      assertArrayEquals(expected, shared.predictSingle(input));
      assertArrayEquals(expected, replica.predictSingle(input));
      assertArrayEquals(expected, other.predictSingle(input));
    }
  }

  @Test
  void cacheBelongsToTheModelAndDiesWithIt() {
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(readModel("seed_mlp"));
    ModelHandle handle = ModelHandle.create(bytes, "test");
    WeightsCache cache = handle.weightsCache();
    assertSame(cache, handle.weightsCache());
    handle.release();
    assertThrows(IllegalStateException.class, cache::pointer);
    assertThrows(IllegalStateException.class, handle::weightsCache);
    cache.delete(); // idempotent
  }

  /**
   * 8 replicas of the MobileNetV2 model: with the cache they must add clearly less resident memory than without.
   * Measured in separate JVMs (see {@link ReplicaMemoryProbe}). The threshold is generous: the packed weights of
   * this model are about 1.6 MB per replica, so sharing them saves roughly 7 x 1.6 MB; we ask for half of that.
   */
  @Test
  void sharedCacheCutsTheMemoryOfEightReplicas() {
    long withoutCache = probe("private");
    long withCache = probe("shared");
    String measured = "8 replicas of image_cnn: +" + withoutCache + " KiB without the cache, +" + withCache
        + " KiB with it";
    System.out.println(measured);
    assertTrue(withoutCache - withCache >= 5_000, measured);
  }

  private static long probe(String mode) {
    ChildJvm.Result result = ChildJvm.run(List.of("-Xmx256m"), ReplicaMemoryProbe.class,
        model("image_cnn").toString(), "8", mode);
    assertEquals(0, result.exitCode(), result.output());
    return Long.parseLong(result.value("rss_delta_kib"));
  }

  private static byte[] readModel(String name) {
    try {
      return java.nio.file.Files.readAllBytes(model(name));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
