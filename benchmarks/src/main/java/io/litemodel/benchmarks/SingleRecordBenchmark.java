package io.litemodel.benchmarks;

import io.litemodel.LiteModel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One record per call through {@code LiteModel.predictSingle(float[], float[])}, on whatever model a subclass loads;
 * the inputs cycle through {@link BenchData#VARIANTS} prepared records so that no two consecutive calls see the same
 * input.
 */
public abstract class SingleRecordBenchmark extends JmhDefaults {
  /** The loaded model; set up per trial. */
  protected LiteModel lite;
  /** Input records, cycled. */
  protected float[][] records;
  /** The output row, reused. */
  protected float[] output;
  /** Counter selecting the next record. */
  protected int next;

  /** @return the model to measure, loaded with the options to measure */
  protected abstract LiteModel load();

  /** Loads the model and makes the records. */
  @Setup(Level.Trial)
  public void setUp() {
    lite = load();
    records = BenchData.records((int) lite.inputs().get(0).elementCount());
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
}
