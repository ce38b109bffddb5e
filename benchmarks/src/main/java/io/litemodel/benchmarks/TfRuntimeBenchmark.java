package io.litemodel.benchmarks;

import io.litemodel.tensorflow.TfModel;
import io.litemodel.tensorflow.TfOptions;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * seed_mlp's SavedModel through LiteModel's TensorFlow runtime ({@link TfModel#predictSingle(float[], float[])}):
 * reused input tensor, output copied into a caller array, no allocation. One intra-op and one inter-op thread, as
 * {@link TfJavaBenchmark} uses, so that the two differ only in the binding.
 *
 * <p>Run: {@code bash benchmarks/tf/run-tf-latency.sh} (JMH, SampleTime, with and without {@code -prof gc}).
 */
public class TfRuntimeBenchmark extends JmhDefaults {
  private TfModel model;
  private float[][] records;
  private float[] output;
  private int next;

  /** Loads the SavedModel and makes the records. */
  @Setup(Level.Trial)
  public void setUp() {
    model = TfModel.loadSavedModel(seedMlpSavedModel(),
        TfOptions.defaults().withIntraOpThreads(1).withInterOpThreads(1));
    records = BenchData.records(256);
    output = new float[32];
  }

  /** @return models/seed_mlp_savedmodel, resolved against {@code -Dlitemodel.models} like {@link BenchData} */
  static Path seedMlpSavedModel() {
    return Path.of(System.getProperty("litemodel.models", "models"), "seed_mlp_savedmodel").toAbsolutePath();
  }

  /** Frees the model. */
  @TearDown(Level.Trial)
  public void tearDown() {
    model.close();
  }

  /** One record per call. */
  @Benchmark
  public float[] seedMlpPredictSingle() {
    model.predictSingle(records[next++ & (BenchData.VARIANTS - 1)], output);
    return output;
  }
}
