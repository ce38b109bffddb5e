package io.litemodel.benchmarks;

import io.litemodel.LiteModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * LiteModel batches: one invocation over a dynamic batch dimension. Scores are per call (per batch); the results
 * script divides by the batch size to report the per-row cost.
 *
 * <p>Run (from the repository root, after {@code bash benchmarks/run-latency.sh} built the module once):
 * <pre>
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main \
 *     BatchBenchmark -prof gc
 * </pre>
 */
public class BatchBenchmark extends JmhDefaults {
  /** Reference model. */
  @Param({"seed_mlp", "seed_classifier"})
  public String model;

  /** Rows per call. */
  @Param({"1", "8", "32", "128"})
  public int batch;

  private LiteModel lite;
  private FloatBuffer input;
  private FloatBuffer output;
  private float[][] rows;

  /** Loads the model, fills reusable direct buffers and the row arrays. */
  @Setup(Level.Trial)
  public void setUp() {
    lite = LiteModel.load(BenchData.model(model, ".tflite"));
    int in = (int) lite.inputs().get(0).elementCount();
    int out = (int) lite.outputs().get(0).elementCount();
    float[] flat = BenchData.rows(in, batch);
    input = ByteBuffer.allocateDirect(flat.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    input.put(flat).flip();
    output = ByteBuffer.allocateDirect(batch * out * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    rows = new float[batch][];
    for (int r = 0; r < batch; r++) {
      rows[r] = java.util.Arrays.copyOfRange(flat, r * in, (r + 1) * in);
    }
  }

  /** Frees the model. */
  @TearDown(Level.Trial)
  public void tearDown() {
    lite.close();
  }

  /** The zero-allocation batch form: reused direct buffers in and out. */
  @Benchmark
  public FloatBuffer predictBuffers() {
    input.rewind();
    output.clear();
    lite.predict(input, output, batch);
    return output;
  }

  /** The convenience batch form: float[][] in, new float[][] out. */
  @Benchmark
  public float[][] predictRows() {
    return lite.predict(rows);
  }
}
