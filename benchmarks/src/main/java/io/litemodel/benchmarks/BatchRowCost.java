package io.litemodel.benchmarks;

import io.litemodel.LiteModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One thread's cost per row of one {@code predict} at a given number of rows: what batching saves per record, which a
 * micro-batcher must win back more than it spends handing records between threads. Each size runs on its own replica
 * (resized once, as the batcher's are: switching one interpreter between sizes would re-plan it on every call), the
 * sizes take turns in each of 5 rounds so that all see the same machine, and the median round is reported. Replicas
 * share the weights cache (the batcher's and the pool's setting).
 */
final class BatchRowCost {
  private static final int ROUNDS = 5;

  private BatchRowCost() {}

  /** @return microseconds per row at each of {@code sizes} rows, in order */
  static double[] measure(Path model, int[] sizes) {
    List<LiteModel> replicas = new ArrayList<>();
    try {
      LiteModel first = LiteModel.load(model, LiteModel.Options.defaults().withWeightsCache(true));
      replicas.add(first);
      while (replicas.size() < sizes.length) {
        replicas.add(first.replicate());
      }
      int in = first.inputs().get(0).rowElements();
      int out = first.outputs().get(0).rowElements();
      FloatBuffer[] inputs = new FloatBuffer[sizes.length];
      FloatBuffer[] outputs = new FloatBuffer[sizes.length];
      int[] calls = new int[sizes.length];
      for (int s = 0; s < sizes.length; s++) {
        int rows = sizes[s];
        inputs[s] = ByteBuffer.allocateDirect(rows * in * Float.BYTES).order(ByteOrder.nativeOrder())
            .asFloatBuffer().put(BenchData.rows(in, rows));
        outputs[s] = ByteBuffer.allocateDirect(rows * out * Float.BYTES).order(ByteOrder.nativeOrder())
            .asFloatBuffer();
        calls[s] = Math.max(50, 8_000 / rows);
        for (int i = 0; i < calls[s]; i++) { // warm-up: the resize, XNNPACK's packing, the JIT
          run(replicas.get(s), inputs[s], outputs[s], rows);
        }
      }
      List<List<Double>> rounds = new ArrayList<>();
      for (int s = 0; s < sizes.length; s++) {
        rounds.add(new ArrayList<>());
      }
      for (int round = 0; round < ROUNDS; round++) {
        for (int s = 0; s < sizes.length; s++) {
          long start = System.nanoTime();
          for (int i = 0; i < calls[s]; i++) {
            run(replicas.get(s), inputs[s], outputs[s], sizes[s]);
          }
          rounds.get(s).add((System.nanoTime() - start) / 1e3 / calls[s] / sizes[s]);
        }
      }
      double[] perRow = new double[sizes.length];
      for (int s = 0; s < sizes.length; s++) {
        perRow[s] = BenchData.median(rounds.get(s));
      }
      return perRow;
    } finally {
      replicas.forEach(LiteModel::close);
    }
  }

  private static void run(LiteModel lite, FloatBuffer input, FloatBuffer output, int rows) {
    input.clear();
    output.clear();
    lite.predict(input, output, rows);
  }
}
