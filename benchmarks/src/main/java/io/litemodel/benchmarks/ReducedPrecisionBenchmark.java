package io.litemodel.benchmarks;

import io.litemodel.LiteModel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code predictSingle} on {@code seed_mlp} in every {@link PrecisionMode}: float16 and int8 models, XNNPACK's
 * force-fp16 flag, and float32 without XNNPACK. Their error against Keras comes from {@link PrecisionCheck}.
 *
 * <p>Run (from the repository root, after {@code bash benchmarks/run-latency.sh} built the module once):
 * <pre>
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main \
 *     ReducedPrecisionBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReducedPrecisionBenchmark {
  /** How the model runs. */
  @Param({"FLOAT32", "FLOAT32_NO_XNNPACK", "FLOAT32_FORCE_FP16", "FLOAT16", "DYNAMIC_INT8", "INT8"})
  public PrecisionMode mode;

  private LiteModel lite;
  private float[][] records;
  private float[] output;
  private int next;

  /** Loads the mode's model. */
  @Setup(Level.Trial)
  public void setUp() {
    lite = mode.load();
    records = BenchData.records((int) lite.inputs().get(0).elementCount());
    output = new float[(int) lite.outputs().get(0).elementCount()];
  }

  /** Frees the model. */
  @TearDown(Level.Trial)
  public void tearDown() {
    lite.close();
  }

  /** One record, allocation-free. */
  @Benchmark
  public float[] predictSingle() {
    lite.predictSingle(records[next++ & (BenchData.VARIANTS - 1)], output);
    return output;
  }
}
