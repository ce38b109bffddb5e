package io.litemodel.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.litemodel.LiteModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PipelineDefaultsTest {
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  @Test
  void oneReplicaPerCoreNoWorkersBatchFour() {
    assertEquals(CORES, PipelineDefaults.cores());
    assertEquals(CORES, PipelineDefaults.replicas());
    assertEquals(4, PipelineDefaults.batchSize());
    assertEquals(0, PipelineDefaults.workers(CORES, true));
  }

  @Test
  void withoutHelpingInferenceTheCoresLeftPreprocessAtLeastOne() {
    assertEquals(1, PipelineDefaults.workers(CORES, false));
    assertEquals(Math.max(1, CORES - 1), PipelineDefaults.workers(1, false));
  }

  /** The builder takes its defaults from PipelineDefaults, and nothing else decides them. */
  @Test
  void builderStartsFromTheDefaults() throws Exception {
    try (LiteModel mlp = LiteModel.load(Path.of("models/seed_mlp.tflite"));
         BatchPredictor<float[]> predictor = BatchPredictor.<float[]>builder(mlp,
             () -> (item, slot) -> slot.put(item)).build()) {
      assertEquals(PipelineDefaults.batchSize(), predictor.batchSize());
      assertEquals(PipelineDefaults.replicas(), predictor.replicas());
      assertEquals(0, predictor.workers());
      assertEquals(CORES + 1 + 2, predictor.buffers());
    }
    try (LiteModel mlp = LiteModel.load(Path.of("models/seed_mlp.tflite"));
         BatchPredictor<float[]> predictor = BatchPredictor.<float[]>builder(mlp,
             () -> (item, slot) -> slot.put(item)).replicas(1).inferenceHelps(false).build()) {
      assertEquals(Math.max(1, CORES - 1), predictor.workers());
    }
  }
}
