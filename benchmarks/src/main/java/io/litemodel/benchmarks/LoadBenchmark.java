package io.litemodel.benchmarks;

import io.litemodel.LiteModel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a load costs, with and without the child-process check ({@code Options.withChildProcessCheck}): the time from
 * {@code LiteModel.load} to a closed model, one load per measured shot, the two settings side by side in one run.
 *
 * <p>Run: {@code bash benchmarks/run-load.sh} (writes {@code benchmarks/results/load-isolation.md}).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3)
@Measurement(iterations = 10)
public class LoadBenchmark {
  /** The model loaded: a small MLP (1.5 MB) and a MobileNetV2 (1.9 MB, 66 operators). */
  @Param({"seed_mlp", "image_cnn"})
  public String model;

  /** Whether the model is first loaded and run in a child JVM. */
  @Param({"false", "true"})
  public boolean childCheck;

  private Path path;
  private LiteModel.Options options;

  /** Resolves the model and the options once per trial. */
  @Setup
  public void setUp() {
    path = BenchData.model(model, ".tflite");
    options = LiteModel.Options.defaults().withChildProcessCheck(childCheck);
  }

  /** One load, one prediction-ready model, closed. */
  @Benchmark
  public int load() {
    try (LiteModel loaded = LiteModel.load(path, options)) {
      return loaded.inputs().size();
    }
  }
}
