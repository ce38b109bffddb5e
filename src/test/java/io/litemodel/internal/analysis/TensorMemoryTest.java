package io.litemodel.internal.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.ReferenceModels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorMemoryTest {
  private static ModelGraph.Tensor tensor(int index, int... shape) {
    return new ModelGraph.Tensor(index, "t" + index, 0, shape, null, 0, false, new float[0], new long[0], 0, false);
  }

  private static ModelGraph.Operator op(int index, int[] inputs, int[] outputs) {
    return new ModelGraph.Operator(index, 0, inputs, outputs, new int[0], false);
  }

  @Test
  void peakOfLiveBytesFollowsLiveRanges() {
    // t0 -> op0 -> t1 -> op1 -> t2 -> op2 -> t3 ; t0 is read again by op2 (so it stays live throughout)
    List<ModelGraph.Tensor> tensors = List.of(tensor(0, 10), tensor(1, 100), tensor(2, 1000), tensor(3, 1));
    ModelGraph.Subgraph graph = new ModelGraph.Subgraph(0, "main", tensors, new int[] {0}, new int[] {3}, List.of(
        op(0, new int[] {0}, new int[] {1}), op(1, new int[] {1}, new int[] {2}),
        op(2, new int[] {2, 0, -1}, new int[] {3})));
    long[] bytes = {40, 400, 4000, 4};
    // Peak at op1 (t0, t1, t2 live) and op2 (t0, t2, t3): 40 + 400 + 4000 = 4440.
    assertEquals(4440, TensorMemory.peakLive(graph, bytes));
  }

  @Test
  void constantsAreNotCountedAndDynamicTensorsGrow() throws IOException {
    ModelGraph graph = ModelGraph.read(ByteBuffer.wrap(Files.readAllBytes(ReferenceModels.model("seed_mlp"))), "x");
    TensorMemory.Estimate one = TensorMemory.estimate(graph, 0, 1.0);
    TensorMemory.Estimate many = TensorMemory.estimate(graph, 0, 1000.0);
    // seed_mlp's widest step is 384 -> 384 floats: 3,072 bytes live at once, times the workspace factor.
    assertEquals(3072L * TensorMemory.WORKSPACE_FACTOR, one.bytes());
    assertEquals(1000 * one.bytes(), many.bytes());
    assertTrue(many.largestTensor().contains("[1000, 384]"), many.largestTensor());
  }

  @Test
  void hugeShapesSaturateInsteadOfOverflowing() {
    assertEquals(Long.MAX_VALUE, TensorMemory.saturatingBytes(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE,
        Integer.MAX_VALUE}, 4));
    assertEquals(0, TensorMemory.saturatingBytes(new int[] {0, Integer.MAX_VALUE}, 4));
  }
}
