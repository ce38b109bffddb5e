package io.litemodel.tensorflow;

import static io.litemodel.tensorflow.TfTestModels.golden;
import static io.litemodel.tensorflow.TfTestModels.path;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.litemodel.serving.MicroBatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The micro-batcher works through the common interface on the TensorFlow runtime too: every caller gets its own row's
 * result. Not always bit for bit: TensorFlow's CPU kernels pick their blocking by batch size, so a row computed in a
 * batch of 5 may differ from the same row alone in the last bits (seen: 50 of 300 results in one CI run); a row given
 * another caller's result would differ by far more than the bound.
 */
class TfMicroBatcherTest {
  /** Outputs are tanh values in [-1, 1]; float32 rounding differences across kernels stay far below this. */
  private static final float TOLERANCE = 1e-5f;

  @Test
  void batchedSavedModelResultsEqualItsPredictSingle() throws Exception {
    float[][] inputs = golden("seed_mlp.golden.input.npy");
    float[][] expected = new float[inputs.length][32];
    try (TfModel plain = TfModel.loadSavedModel(path("seed_mlp_savedmodel"))) {
      for (int i = 0; i < inputs.length; i++) {
        plain.predictSingle(inputs[i], expected[i]);
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(6);
    for (MicroBatcher.Options options : List.of(MicroBatcher.Options.defaults().withMaxBatch(8),
        MicroBatcher.Options.defaults().withMaxBatch(8).withThreads(1).withCallerRuns(false))) {
      try (MicroBatcher batcher = MicroBatcher.around(TfModel.loadSavedModel(path("seed_mlp_savedmodel")),
          options)) {
        List<Future<Integer>> mismatches = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
          long seed = t;
          mismatches.add(pool.submit(() -> {
            SplittableRandom random = new SplittableRandom(seed);
            float[] out = new float[32];
            int bad = 0;
            for (int i = 0; i < 300; i++) {
              int k = random.nextInt(inputs.length);
              batcher.predictSingle(inputs[k], out);
              for (int j = 0; j < out.length; j++) {
                if (!(Math.abs(out[j] - expected[k][j]) <= TOLERANCE)) {
                  bad++;
                  break;
                }
              }
            }
            return bad;
          }));
        }
        for (Future<Integer> bad : mismatches) {
          assertEquals(0, bad.get(60, TimeUnit.SECONDS), "results further than " + TOLERANCE + " from predictSingle's, "
              + options);
        }
      }
    }
    pool.shutdownNow();
  }
}
