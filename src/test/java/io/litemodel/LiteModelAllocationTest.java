package io.litemodel;

import static io.litemodel.ReferenceModels.golden;
import static io.litemodel.ReferenceModels.model;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * The allocation-free forms really allocate nothing on the Java heap in steady state: the calling thread's allocated
 * bytes ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}) grow by less than one byte per call.
 */
@PlatformSet
class LiteModelAllocationTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static long allocatedBytes() {
    return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  /**
   * Bytes allocated per call in steady state: the lowest figure of three back-to-back windows of {@code calls} calls.
   * A one-off allocation (a class initialized late, the JIT deoptimizing compiled code that had scalar-replaced an
   * object) lands in some window; an allocation on every call lands in all of them. Emulated runs are short and
   * compile late: there, two windows in a row were once seen to allocate, under a load average of 12.
   */
  private static double steadyBytesPerCall(String what, int calls, IntConsumer call) {
    double[] perWindow = new double[3];
    for (int window = 0; window < perWindow.length; window++) {
      long before = allocatedBytes();
      for (int i = 0; i < calls; i++) {
        call.accept(i);
      }
      perWindow[window] = (allocatedBytes() - before) / (double) calls;
    }
    double lowest = Arrays.stream(perWindow).min().orElseThrow();
    System.out.printf("allocated per call (%s): %.3f B, the lowest of three windows of %d calls %s%n", what, lowest,
        calls, Arrays.toString(perWindow));
    return lowest;
  }

  @Test
  void predictSingleAllocatesNothing() {
    float[] in = golden("seed_mlp", null, "input", null).row(0);
    float[] out = new float[32];
    try (LiteModel model = LiteModel.load(model("seed_mlp"))) {
      int warmUp = PlatformSet.Calls.scaled(20_000);
      for (int i = 0; i < warmUp; i++) { // warm-up: class loading, JIT compilation
        model.predictSingle(in, out);
      }
      double bytes = steadyBytesPerCall("predictSingle", PlatformSet.Calls.scaled(50_000), i -> {
        in[i & 255] += 1e-6f; // vary the input cheaply
        model.predictSingle(in, out);
      });
      assertTrue(bytes < 1, "allocated " + bytes + " B per predictSingle call");
    }
  }

  @Test
  void bufferBatchesAllocateNothing() {
    int rows = 8;
    FloatBuffer in = ByteBuffer.allocateDirect(rows * 256 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    FloatBuffer out = ByteBuffer.allocateDirect(rows * 32 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    try (LiteModel model = LiteModel.load(model("seed_mlp"))) {
      int warmUp = PlatformSet.Calls.scaled(2_000);
      for (int i = 0; i < warmUp; i++) {
        in.clear();
        out.clear();
        model.predict(in, out, rows);
      }
      double bytes = steadyBytesPerCall("predict(FloatBuffer, FloatBuffer, 8)", PlatformSet.Calls.scaled(5_000), i -> {
        in.clear();
        out.clear();
        model.predict(in, out, rows);
      });
      assertTrue(bytes < 1, "allocated " + bytes + " B per batch call");
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
      int warmUp = PlatformSet.Calls.scaled(20_000);
      for (int i = 0; i < warmUp; i++) {
        int8.predictSingle(in, out);
        multi.run(inputs, outputs);
      }
      double bytes = steadyBytesPerCall("int8 predictSingle + multi-I/O run", PlatformSet.Calls.scaled(10_000), i -> {
        int8.predictSingle(in, out);
        multi.run(inputs, outputs);
      });
      assertTrue(bytes < 1, "allocated " + bytes + " B per call pair");
    }
  }
}
