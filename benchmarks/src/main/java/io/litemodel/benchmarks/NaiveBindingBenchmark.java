package io.litemodel.benchmarks;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolverWithXNNPACK;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The "naive binding": what a user writes with the raw bytedeco presets and no LiteModel, porting the popular Python
 * {@code LiteModel} recipe (set_tensor / invoke / get_tensor per record, a per-row loop for batches). Per call it
 * asks the interpreter for the tensor pointers again (new {@code FloatPointer} objects), copies in, invokes, and
 * returns a new output array. It uses the C++ API the presets' own samples use, with
 * {@code BuiltinOpResolverWithXNNPACK} so that XNNPACK runs (one thread), as in LiteModel and the native floor.
 *
 * <p>Run (from the repository root, after {@code bash benchmarks/run-latency.sh} built the module once):
 * <pre>
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main \
 *     NaiveBindingBenchmark -prof gc
 * </pre>
 */
public class NaiveBindingBenchmark extends JmhDefaults {
  /** Reference model. */
  @Param({"seed_mlp", "seed_classifier"})
  public String model;

  /** Rows per call; batches loop over rows, one invoke each, as the Python recipe does. */
  @Param({"1", "32"})
  public int batch;

  private FlatBufferModel flatBuffer;
  private BuiltinOpResolverWithXNNPACK resolver;
  private Interpreter interpreter;
  private int inLength;
  private int outLength;
  private float[][] records;
  private int next;

  /** Builds the interpreter the way the presets' samples do. */
  @Setup(Level.Trial)
  public void setUp() {
    flatBuffer = FlatBufferModel.BuildFromFile(BenchData.model(model, ".tflite").toString());
    if (flatBuffer == null || flatBuffer.isNull()) {
      throw new IllegalStateException("cannot load " + model);
    }
    resolver = new BuiltinOpResolverWithXNNPACK();
    interpreter = new Interpreter((org.bytedeco.javacpp.Pointer) null);
    InterpreterBuilder builder = new InterpreterBuilder(flatBuffer, resolver);
    builder.SetNumThreads(1);
    if (builder.apply(interpreter) != 0 || interpreter.AllocateTensors() != 0) {
      throw new IllegalStateException("cannot build the interpreter for " + model);
    }
    inLength = (int) (interpreter.input_tensor(0).bytes() / Float.BYTES);
    outLength = (int) (interpreter.output_tensor(0).bytes() / Float.BYTES);
    records = BenchData.records(inLength);
  }

  /** Frees the interpreter before the model it runs. */
  @TearDown(Level.Trial)
  public void tearDown() {
    interpreter.close();
    resolver.close();
    flatBuffer.close();
  }

  private float[] predictOne(float[] record) {
    FloatPointer in = interpreter.typed_input_tensor_float(0);
    in.put(record);
    if (interpreter.Invoke() != 0) {
      throw new IllegalStateException("invoke failed");
    }
    FloatPointer out = interpreter.typed_output_tensor_float(0);
    float[] result = new float[outLength];
    out.get(result);
    return result;
  }

  /** One record per call at batch 1, or the per-row loop over {@code batch} records. */
  @Benchmark
  public float[][] predict() {
    float[][] results = new float[batch][];
    for (int r = 0; r < batch; r++) {
      results[r] = predictOne(records[next++ & (BenchData.VARIANTS - 1)]);
    }
    return results;
  }
}
