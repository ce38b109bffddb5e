package io.litemodel.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * ONNX Runtime Java on the ONNX export of the same Keras model (same weights), set up the fastest way its API allows:
 * one intra-op and one inter-op thread, sequential execution, all graph optimizations, the input tensor created once
 * over a reused direct buffer, and the output written into a pinned, reused output tensor. What remains per call is
 * ONNX Runtime's own: {@code run} builds its argument arrays and a {@code Result}.
 *
 * <p>Run (from the repository root, after {@code bash benchmarks/run-latency.sh} built the module once):
 * <pre>
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main \
 *     OnnxRuntimeBenchmark -prof gc
 * </pre>
 */
public class OnnxRuntimeBenchmark extends JmhDefaults {
  /** Reference model (its .onnx twin). */
  @Param({"seed_mlp", "seed_classifier"})
  public String model;

  private OrtEnvironment environment;
  private OrtSession session;
  private OnnxTensor inputTensor;
  private OnnxTensor outputTensor;
  private FloatBuffer input;
  private FloatBuffer output;
  private Map<String, OnnxTensor> inputs;
  private Map<String, OnnxTensor> outputs;
  private float[][] records;
  private float[] result;
  private int next;

  /** Creates the session and the reused tensors. */
  @Setup(Level.Trial)
  public void setUp() throws OrtException {
    environment = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      session = environment.createSession(BenchData.model(model, ".onnx").toString(), options);
    }
    String inName = session.getInputNames().iterator().next();
    String outName = session.getOutputNames().iterator().next();
    long[] inShape = ((ai.onnxruntime.TensorInfo) session.getInputInfo().get(inName).getInfo()).getShape();
    long[] outShape = ((ai.onnxruntime.TensorInfo) session.getOutputInfo().get(outName).getInfo()).getShape();
    int inLength = (int) inShape[inShape.length - 1];
    int outLength = (int) outShape[outShape.length - 1];
    input = ByteBuffer.allocateDirect(inLength * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    output = ByteBuffer.allocateDirect(outLength * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    // Tensors over direct buffers share their memory: writing the buffer changes the tensor, no copy per call.
    inputTensor = OnnxTensor.createTensor(environment, input, new long[] {1, inLength});
    outputTensor = OnnxTensor.createTensor(environment, output, new long[] {1, outLength});
    inputs = Map.of(inName, inputTensor);
    outputs = Map.of(outName, outputTensor);
    records = BenchData.records(inLength);
    result = new float[outLength];
  }

  /** Frees tensors, then the session. */
  @TearDown(Level.Trial)
  public void tearDown() throws OrtException {
    inputTensor.close();
    outputTensor.close();
    session.close();
  }

  /** One record: write the input buffer, run into the pinned output, read the output buffer. */
  @Benchmark
  public float[] predictSingle() throws OrtException {
    input.put(0, records[next++ & (BenchData.VARIANTS - 1)]);
    // The Result does not own the pinned output tensor, so closing it leaves the reused output intact.
    OrtSession.Result run = session.run(inputs, outputs);
    run.close();
    output.get(0, result);
    return result;
  }
}
