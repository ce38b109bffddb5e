package io.litemodel;

import static io.litemodel.ReferenceModels.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.serving.LiteModelPool;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** Dynamic dimensions ({@code resizeInput}), models that need a shape first, and model state ({@code resetState}). */
class LiteModelShapesTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void anyDynamicDimensionCanBeSet() {
    ReferenceModels.Npy input = SemanticsModels.npy("dynamic_sequence.input");
    ReferenceModels.Npy energy = SemanticsModels.npy("dynamic_sequence.energy");
    ReferenceModels.Npy scaled = SemanticsModels.npy("dynamic_sequence.scaled");
    try (LiteModel model = LiteModel.load(SemanticsModels.path("dynamic_sequence"))) {
      assertArrayEquals(new int[] {-1, -1}, model.inputs().get(0).shapeSignature());
      model.resizeInput("audio", 2, 5);
      assertArrayEquals(new int[] {2, 5}, model.inputs().get(0).shape());
      assertArrayEquals(new int[] {2, 5}, model.outputs().get(model.outputIndex("scaled")).shape());
      assertArrayEquals(new int[] {2, 1}, model.outputs().get(model.outputIndex("energy")).shape());
      float[] e = new float[2];
      float[] s = new float[10];
      float[][] outputs = new float[2][];
      outputs[model.outputIndex("energy")] = e;
      outputs[model.outputIndex("scaled")] = s;
      model.run(new float[][] {input.values()}, outputs);
      assertTrue(maxAbsDiff(e, energy.values()) <= 1e-5f);
      assertTrue(maxAbsDiff(s, scaled.values()) <= 1e-6f);
      // Another length: only the second dimension changes; the first (batch) follows run()'s rows.
      model.resizeInput(0, 1, 3);
      assertArrayEquals(new int[] {1, 3}, model.inputs().get(0).shape());
    }
  }

  @Test
  void fixedDimensionsAndOtherRanksAreRefusedClearly() {
    try (LiteModel model = LiteModel.load(ReferenceModels.model("seed_mlp"))) {
      IllegalArgumentException fixed = assertThrows(IllegalArgumentException.class,
          () -> model.resizeInput(0, 4, 128));
      assertTrue(fixed.getMessage().contains("dimension 1 is fixed at 256 and cannot become 128"), fixed.getMessage());
      IllegalArgumentException rank = assertThrows(IllegalArgumentException.class, () -> model.resizeInput(0, 256));
      assertTrue(rank.getMessage().contains("rank 2"), rank.getMessage());
      IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> model.resizeInput(0, 0, 256));
      assertTrue(empty.getMessage().contains("must be positive"), empty.getMessage());
      assertThrows(IllegalArgumentException.class, () -> model.resizeInput("no_such_input", 1, 256));
      model.resizeInput(0, 3, 256); // the batch dimension is dynamic
      assertArrayEquals(new int[] {3, 32}, model.outputs().get(0).shape());
      float[] out = new float[32];
      model.predictSingle(new float[256], out); // predictSingle goes back to a batch of one
      assertArrayEquals(new int[] {1, 256}, model.inputs().get(0).shape());
    }
  }

  @Test
  void tensorNamesWorkAsWellAsSignatureNames() {
    try (LiteModel model = LiteModel.load(ReferenceModels.model("multi_io"))) {
      for (TensorSpec input : model.inputs()) {
        assertEquals(input.index(), model.inputIndex(input.name()));
        assertEquals(input.index(), model.inputIndex(input.tensorName()));
      }
      for (TensorSpec output : model.outputs()) {
        assertEquals(output.index(), model.outputIndex(output.tensorName()));
      }
    }
  }

  @Test
  void aModelWhoseDefaultShapeCannotBeAllocatedLoadsAndAsksForAShape() {
    ReferenceModels.Npy input = SemanticsModels.npy("dynamic_sequence.input");
    ReferenceModels.Npy scaled = SemanticsModels.npy("dynamic_sequence.scaled");
    try (LiteModel model = LiteModel.load(SemanticsModels.path("dynamic_unallocatable"))) {
      IllegalStateException first = assertThrows(IllegalStateException.class, () -> model.invoke());
      assertTrue(first.getMessage().contains("call resizeInput(...)") && first.getMessage().contains("'audio'"),
          first.getMessage());
      assertThrows(IllegalStateException.class, () -> model.setInput(0, new float[1]));
      model.resizeInput(0, 2, 5);
      float[][] outputs = {new float[2], new float[10]};
      float[] s = outputs[model.outputIndex("scaled")];
      outputs[model.outputIndex("energy")] = new float[2];
      outputs[model.outputIndex("scaled")] = s;
      model.run(new float[][] {input.values()}, outputs);
      assertTrue(maxAbsDiff(s, scaled.values()) <= 1e-6f);
    }
  }

  @Test
  void resetStateStartsAStreamAgain() {
    ReferenceModels.Npy inputs = SemanticsModels.npy("stateful_accumulator.inputs");
    ReferenceModels.Npy totals = SemanticsModels.npy("stateful_accumulator.totals");
    try (LiteModel model = LiteModel.load(SemanticsModels.path("stateful_accumulator"))) {
      float[] out = new float[4];
      for (int round = 0; round < 2; round++) {
        for (int call = 0; call < inputs.rows(); call++) {
          model.predictSingle(inputs.row(call), out);
          assertTrue(maxAbsDiff(out, totals.row(call)) <= 1e-6f, "round " + round + " call " + call);
        }
        model.resetState();
      }
      try (LiteModel replica = model.replicate()) {
        model.predictSingle(inputs.row(0), out);
        replica.predictSingle(inputs.row(0), out); // a replica has its own state
        assertTrue(maxAbsDiff(out, totals.row(0)) <= 1e-6f);
      }
    }
  }

  @Test
  void resetStateOnAStatelessModelChangesNothing() {
    try (LiteModel model = LiteModel.load(ReferenceModels.model("seed_mlp"))) {
      float[] in = new float[256];
      in[3] = 1f;
      float[] before = model.predictSingle(in);
      model.resetState();
      assertArrayEquals(before, model.predictSingle(in));
    }
  }

  @Test
  void callsAfterAResizeAllocateNothing() {
    try (LiteModel model = LiteModel.load(SemanticsModels.path("dynamic_sequence"))) {
      model.resizeInput(0, 2, 5);
      float[][] in = {new float[10]};
      float[][] out = {new float[2], new float[10]};
      if (model.outputs().get(0).shape()[1] != 1) {
        out = new float[][] {new float[10], new float[2]};
      }
      for (int i = 0; i < 20_000; i++) {
        model.run(in, out);
      }
      long thread = Thread.currentThread().getId();
      long before = THREADS.getThreadAllocatedBytes(thread);
      for (int i = 0; i < 100_000; i++) {
        model.run(in, out);
      }
      long perCall = (THREADS.getThreadAllocatedBytes(thread) - before) / 100_000;
      assertEquals(0, perCall, "bytes allocated per call");
    }
  }

  @Test
  void replicasStartWithTheCurrentShapes() {
    try (LiteModel model = LiteModel.load(SemanticsModels.path("dynamic_unallocatable"))) {
      model.resizeInput(0, 3, 7);
      try (LiteModel replica = model.replicate();
          LiteModelPool<LiteModel> pool = LiteModelPool.around(model.replicate(), 2)) {
        assertArrayEquals(new int[] {3, 7}, replica.inputs().get(0).shape());
        replica.resizeInput(0, 1, 2); // and each resizes on its own
        assertArrayEquals(new int[] {3, 7}, model.inputs().get(0).shape());
        LiteModel borrowed = pool.acquire();
        try {
          assertArrayEquals(new int[] {3, 7}, borrowed.inputs().get(0).shape());
        } finally {
          pool.release(borrowed);
        }
      }
    }
  }

  @Test
  void aModelWhoseOperatorsRejectItsDefaultShapeLoadsAndChecksEachShape() {
    ReferenceModels.Npy input = SemanticsModels.npy("needs_shape_first.input");
    ReferenceModels.Npy frames = SemanticsModels.npy("needs_shape_first.frames");
    try (LiteModel model = LiteModel.load(SemanticsModels.path("needs_shape_first"))) {
      IllegalStateException first = assertThrows(IllegalStateException.class,
          () -> model.predictSingle(new float[1], new float[1]));
      assertTrue(first.getMessage().contains("cannot run at its stored default input shapes")
          && first.getMessage().contains("'audio' [-1, -1]"), first.getMessage());
      // A length that is not whole frames of 4 is refused before the real interpreter (and XNNPACK) sees it.
      LiteModelException rejected = assertThrows(LiteModelException.class, () -> model.resizeInput(0, 1, 6));
      assertEquals(LiteModelException.Status.INVALID_MODEL, rejected.status());
      assertTrue(rejected.getMessage().contains("rejects input shapes [[1, 6]]"), rejected.getMessage());
      model.resizeInput(0, 1, 16);
      float[] out = new float[frames.values().length];
      model.run(new float[][] {input.values()}, new float[][] {out});
      assertTrue(maxAbsDiff(out, frames.values()) <= 1e-5f, "max difference " + maxAbsDiff(out, frames.values()));
    }
  }
}
