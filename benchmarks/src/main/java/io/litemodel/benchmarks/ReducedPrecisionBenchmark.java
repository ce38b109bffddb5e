package io.litemodel.benchmarks;

import io.litemodel.LiteModel;
import org.openjdk.jmh.annotations.Param;

/**
 * {@code predictSingle} (inherited from {@link SingleRecordBenchmark}) on {@code seed_mlp} in every
 * {@link PrecisionMode}: float16 and int8 models, XNNPACK's force-fp16 flag, and float32 without XNNPACK. Their error
 * against Keras comes from {@link PrecisionCheck}.
 *
 * <p>Run (from the repository root, after {@code bash benchmarks/run-latency.sh} built the module once):
 * <pre>
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main \
 *     ReducedPrecisionBenchmark -prof gc
 * </pre>
 */
public class ReducedPrecisionBenchmark extends SingleRecordBenchmark {
  /** How the model runs. */
  @Param({"FLOAT32", "FLOAT32_NO_XNNPACK", "FLOAT32_FORCE_FP16", "FLOAT16", "DYNAMIC_INT8", "INT8"})
  public PrecisionMode mode;

  @Override
  protected LiteModel load() {
    return mode.load();
  }
}
