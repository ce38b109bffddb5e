package io.litemodel.tensorflow;

import static io.litemodel.tensorflow.TfTestModels.golden;
import static io.litemodel.tensorflow.TfTestModels.path;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/**
 * The TensorFlow runtime's allocation-free forms allocate nothing on the Java heap in steady state: the calling
 * thread's allocated bytes grow by less than one byte per call (as LiteModelAllocationTest proves for TFLite).
 */
class TfModelAllocationTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static long allocatedBytes() {
    return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  @Test
  void predictSingleAndRunAllocateNothing() {
    float[] in = golden("seed_mlp.golden.input.npy")[0];
    float[] out = new float[32];
    float[][] inputs = {new float[4 * 3]};
    float[][] outputs = {new float[4 * 3]};
    try (TfModel model = TfModel.loadSavedModel(path("seed_mlp_savedmodel"),
        TfOptions.defaults().withIntraOpThreads(1).withInterOpThreads(1));
        TfModel add = TfModel.loadSavedModel(path("multi_signature_savedmodel"),
            TfOptions.defaults().withSignature("add").withIntraOpThreads(1).withInterOpThreads(1))) {
      for (int i = 0; i < 5_000; i++) { // warm-up: class loading, JIT compilation
        model.predictSingle(in, out);
        add.run(inputs, outputs);
      }
      int calls = 20_000;
      long before = allocatedBytes();
      for (int i = 0; i < calls; i++) {
        in[i & 255] += 1e-6f;
        model.predictSingle(in, out);
        add.run(inputs, outputs);
      }
      long perCallTimes1000 = (allocatedBytes() - before) * 1000 / calls;
      System.out.println("TF runtime allocated per call pair: " + perCallTimes1000 / 1000.0 + " B over " + calls);
      assertTrue(perCallTimes1000 < 1000, "allocated " + perCallTimes1000 / 1000.0 + " B per call pair");
    }
  }

  @Test
  void bufferBatchesAllocateNothing() {
    int rows = 8;
    FloatBuffer directIn = ByteBuffer.allocateDirect(rows * 256 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    FloatBuffer directOut = ByteBuffer.allocateDirect(rows * 32 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    FloatBuffer heapIn = FloatBuffer.allocate(rows * 256);
    FloatBuffer heapOut = FloatBuffer.allocate(rows * 32);
    try (TfModel model = TfModel.loadSavedModel(path("seed_mlp_savedmodel"),
        TfOptions.defaults().withIntraOpThreads(1).withInterOpThreads(1))) {
      for (int i = 0; i < 2_000; i++) {
        model.predict(directIn.clear(), directOut.clear(), rows);
        model.predict(heapIn.clear(), heapOut.clear(), rows);
      }
      int calls = 5_000;
      long before = allocatedBytes();
      for (int i = 0; i < calls; i++) {
        model.predict(directIn.clear(), directOut.clear(), rows);
        model.predict(heapIn.clear(), heapOut.clear(), rows);
      }
      long perCallTimes1000 = (allocatedBytes() - before) * 1000 / calls;
      System.out.println("TF runtime allocated per batch pair: " + perCallTimes1000 / 1000.0 + " B over " + calls);
      assertTrue(perCallTimes1000 < 1000, "allocated " + perCallTimes1000 / 1000.0 + " B per batch pair");
    }
  }
}
