package io.litemodel.serving;

import io.litemodel.InferenceModel;
import io.litemodel.batch.BatchPredictor;
import io.litemodel.batch.Preprocessor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/** Runs the batch pipeline over a serving model, the way a user with a pool or a batcher in hand would. */
final class PipelineOver {
  private PipelineOver() {}

  /**
   * @param model the model the pipeline replicates (a pool or a batcher under test)
   * @param rows the records, one per item
   * @param batchSize rows per pipeline batch
   * @param replicas the pipeline's inference threads, each on its own {@code model.replicate()}
   * @return each record's output, in item order
   */
  static float[][] predict(InferenceModel model, float[][] rows, int batchSize, int replicas) {
    Supplier<Preprocessor<Integer>> copyRow = () -> (item, slot) -> slot.put(rows[item]);
    List<Integer> items = new ArrayList<>();
    IntStream.range(0, rows.length).forEach(items::add);
    float[][] outputs = new float[rows.length][];
    try (BatchPredictor<Integer> predictor = BatchPredictor.builder(model, copyRow).batchSize(batchSize)
        .replicas(replicas).build()) {
      predictor.run(items.iterator(), (index, item, output) -> {
        float[] row = new float[output.remaining()];
        output.get(row);
        outputs[item] = row;
      });
    }
    return outputs;
  }
}
