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
 * LiteModel, one record per call: the allocation-free {@code predictSingle(float[], float[])} and the allocating
 * convenience form. Default options: XNNPACK, one thread.
 *
 * <p>Run (from the repository root, after {@code bash benchmarks/run-latency.sh} built the module once):
 * <pre>
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main \
 *     LiteModelBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LiteModelBenchmark {
  /** Reference model. */
  @Param({"seed_mlp", "seed_classifier"})
  public String model;

  private LiteModel lite;
  private float[][] records;
  private float[] output;
  private int next;

  /** Loads the model and makes the records. */
  @Setup(Level.Trial)
  public void setUp() {
    lite = LiteModel.load(BenchData.model(model, ".tflite"));
    int in = (int) lite.inputs().get(0).elementCount();
    records = BenchData.records(in);
    output = new float[(int) lite.outputs().get(0).elementCount()];
  }

  /** Frees the model. */
  @TearDown(Level.Trial)
  public void tearDown() {
    lite.close();
  }

  /** The hot path: copy in, invoke, copy out into a caller array; no allocation. */
  @Benchmark
  public float[] predictSingle() {
    lite.predictSingle(records[next++ & (BenchData.VARIANTS - 1)], output);
    return output;
  }

  /** The convenience form: returns a new output array per call. */
  @Benchmark
  public float[] predictSingleAllocating() {
    return lite.predictSingle(records[next++ & (BenchData.VARIANTS - 1)]);
  }
}
