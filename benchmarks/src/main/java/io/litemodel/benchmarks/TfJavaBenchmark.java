package io.litemodel.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The peer a Java user would pick for a SavedModel: TF Java's own API ({@code org.tensorflow:tensorflow-core-api},
 * {@link SavedModelBundle} and {@code Session.runner()}), used as its documentation shows: a new input tensor per
 * call, feed/fetch by tensor name, the result copied into a caller array, tensors and result closed. Same model,
 * threads and records as {@link TfRuntimeBenchmark}.
 */
public class TfJavaBenchmark extends JmhDefaults {
  private SavedModelBundle bundle;
  private Session session;
  private float[][] records;
  private float[] output;
  private FloatDataBuffer outputBuffer;
  private int next;

  /** Loads the SavedModel with one intra-op and one inter-op thread. */
  @Setup(Level.Trial)
  public void setUp() {
    ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads(1).setInterOpParallelismThreads(1)
        .build();
    bundle = SavedModelBundle.loader(TfRuntimeBenchmark.seedMlpSavedModel().toString())
        .withTags("serve").withConfigProto(config).load();
    session = bundle.session();
    records = BenchData.records(256);
    output = new float[32];
    outputBuffer = DataBuffers.of(output, false, false);
  }

  /** Frees the bundle. */
  @TearDown(Level.Trial)
  public void tearDown() {
    bundle.close();
  }

  /** One record per call, the TF Java way. */
  @Benchmark
  public float[] seedMlpRunner() {
    float[] record = records[next++ & (BenchData.VARIANTS - 1)];
    try (TFloat32 input = TFloat32.tensorOf(Shape.of(1, 256), DataBuffers.of(record, true, false));
        Result result = session.runner().feed("serving_default_input:0", input)
            .fetch("StatefulPartitionedCall_1:0").run()) {
      ((TFloat32) result.get(0)).copyTo(outputBuffer);
    }
    return output;
  }
}
