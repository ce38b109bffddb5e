package io.litemodel.benchmarks;

import io.litemodel.LiteModel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * LiteModel, one record per call: the allocation-free {@code predictSingle(float[], float[])} (inherited from
 * {@link SingleRecordBenchmark}) and the allocating convenience form. Default options: XNNPACK, one thread.
 *
 * <p>Run (from the repository root, after {@code bash benchmarks/run-latency.sh} built the module once):
 * <pre>
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main \
 *     LiteModelBenchmark -prof gc
 * </pre>
 */
public class LiteModelBenchmark extends SingleRecordBenchmark {
  /** Reference model. */
  @Param({"seed_mlp", "seed_classifier"})
  public String model;

  @Override
  protected LiteModel load() {
    return LiteModel.load(BenchData.model(model, ".tflite"));
  }

  /** The convenience form: returns a new output array per call. */
  @Benchmark
  public float[] predictSingleAllocating() {
    return lite.predictSingle(records[next++ & (BenchData.VARIANTS - 1)]);
  }
}
