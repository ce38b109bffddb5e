package io.litemodel.benchmarks;

import io.litemodel.LiteModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One thread's cost per row of one {@code predict} at a given number of rows: what batching saves per record, which a
 * micro-batcher must win back more than it spends handing records between threads. Median of 5 timed rounds per size,
 * on a model loaded with the weights cache (the batcher's and the pool's setting).
 */
final class BatchRowCost {
  private BatchRowCost() {}

  /** @return microseconds per row at each of {@code sizes} rows, in order */
  static double[] measure(Path model, int[] sizes) {
    double[] perRow = new double[sizes.length];
    try (LiteModel lite = LiteModel.load(model, LiteModel.Options.defaults().withWeightsCache(true))) {
      int in = lite.inputs().get(0).rowElements();
      int out = lite.outputs().get(0).rowElements();
      float[] values = BenchData.rows(in, Arrays.stream(sizes).max().orElse(1));
      for (int s = 0; s < sizes.length; s++) {
        int rows = sizes[s];
        FloatBuffer input = ByteBuffer.allocateDirect(rows * in * Float.BYTES).order(ByteOrder.nativeOrder())
            .asFloatBuffer().put(values, 0, rows * in);
        FloatBuffer output = ByteBuffer.allocateDirect(rows * out * Float.BYTES).order(ByteOrder.nativeOrder())
            .asFloatBuffer();
        int calls = Math.max(50, 8_000 / rows);
        for (int i = 0; i < calls; i++) {
          run(lite, input, output, rows);
        }
        double[] rounds = new double[5];
        for (int r = 0; r < rounds.length; r++) {
          long start = System.nanoTime();
          for (int i = 0; i < calls; i++) {
            run(lite, input, output, rows);
          }
          rounds[r] = (System.nanoTime() - start) / 1e3 / calls / rows;
        }
        Arrays.sort(rounds);
        perRow[s] = rounds[rounds.length / 2];
      }
    }
    return perRow;
  }

  private static void run(LiteModel lite, FloatBuffer input, FloatBuffer output, int rows) {
    input.clear();
    output.clear();
    lite.predict(input, output, rows);
  }
}
