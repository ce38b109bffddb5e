package io.litemodel;

import static io.litemodel.ReferenceModels.golden;
import static io.litemodel.ReferenceModels.model;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/**
 * The allocation-free forms really allocate nothing on the Java heap in steady state: the calling thread's allocated
 * bytes ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}) grow by less than one byte per call.
 */
class LiteModelAllocationTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static long allocatedBytes() {
    return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  @Test
  void predictSingleAllocatesNothing() {
    float[] in = golden("seed_mlp", null, "input", null).row(0);
    float[] out = new float[32];
    try (LiteModel model = LiteModel.load(model("seed_mlp"))) {
      for (int i = 0; i < 20_000; i++) { // warm-up: class loading, JIT compilation
        model.predictSingle(in, out);
      }
      int calls = 100_000;
      long before = allocatedBytes();
      for (int i = 0; i < calls; i++) {
        in[i & 255] += 1e-6f; // vary the input cheaply
        model.predictSingle(in, out);
      }
      long perCallTimes1000 = (allocatedBytes() - before) * 1000 / calls;
      System.out.println("allocated per call: " + perCallTimes1000 / 1000.0 + " B over " + calls + " calls");
      assertTrue(perCallTimes1000 < 1000, "allocated " + perCallTimes1000 / 1000.0 + " B per predictSingle call");
    }
  }

  @Test
  void bufferBatchesAllocateNothing() {
    int rows = 8;
    FloatBuffer in = ByteBuffer.allocateDirect(rows * 256 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    FloatBuffer out = ByteBuffer.allocateDirect(rows * 32 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    try (LiteModel model = LiteModel.load(model("seed_mlp"))) {
      for (int i = 0; i < 2_000; i++) {
        in.clear();
        out.clear();
        model.predict(in, out, rows);
      }
      int calls = 10_000;
      long before = allocatedBytes();
      for (int i = 0; i < calls; i++) {
        in.clear();
        out.clear();
        model.predict(in, out, rows);
      }
      long perCallTimes1000 = (allocatedBytes() - before) * 1000 / calls;
      System.out.println("allocated per call: " + perCallTimes1000 / 1000.0 + " B over " + calls + " calls");
      assertTrue(perCallTimes1000 < 1000, "allocated " + perCallTimes1000 / 1000.0 + " B per batch call");
    }
  }

  @Test
  void quantizedAndMultiInputFormsAllocateNothing() {
    float[] in = golden("seed_mlp_int8", null, "input", null).row(0);
    float[] out = new float[32];
    float[][] inputs = {new float[4], new float[16]};
    float[][] outputs = {new float[8], new float[1]};
    try (LiteModel int8 = LiteModel.load(model("seed_mlp_int8"));
        LiteModel multi = LiteModel.load(model("multi_io"))) {
      int context = multi.inputIndex("context");
      inputs[context] = new float[4];
      inputs[1 - context] = new float[16];
      int embedding = multi.outputIndex("embedding");
      outputs[embedding] = new float[8];
      outputs[1 - embedding] = new float[1];
      for (int i = 0; i < 20_000; i++) {
        int8.predictSingle(in, out);
        multi.run(inputs, outputs);
      }
      int calls = 20_000;
      long before = allocatedBytes();
      for (int i = 0; i < calls; i++) {
        int8.predictSingle(in, out);
        multi.run(inputs, outputs);
      }
      long perCallTimes1000 = (allocatedBytes() - before) * 1000 / calls;
      System.out.println("allocated per call: " + perCallTimes1000 / 1000.0 + " B over " + calls + " calls");
      assertTrue(perCallTimes1000 < 1000, "allocated " + perCallTimes1000 / 1000.0 + " B per call pair");
    }
  }
}
