package io.litemodel.internal.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.ReferenceModels;
import io.litemodel.ResidentMemoryProbe;
import io.litemodel.SemanticsModels;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The memory budget: refused before anything is allocated, batches split to fit, large allocations given back. */
class MemoryBudgetTest {
  @Test
  void aSmallFileDeclaringGigabytesIsRefusedAtLoad() {
    LiteModelException e = assertThrows(LiteModelException.class,
        () -> LiteModel.load(SemanticsModels.path("huge_declared_input")));
    assertEquals(LiteModelException.Status.MEMORY_BUDGET_EXCEEDED, e.status());
    assertTrue(e.getMessage().contains("[1, 1073741824]") && e.getMessage().contains("over the memory budget of "
        + "1.0 GiB") && e.getMessage().contains("nothing was allocated"), e.getMessage());
  }

  @Test
  void aResizeOverTheBudgetIsRefusedAndTheModelStaysUsable() {
    LiteModel.Options small = LiteModel.Options.defaults().withMemoryBudget(1L << 20);
    try (LiteModel model = LiteModel.load(SemanticsModels.path("dynamic_sequence"), small)) {
      LiteModelException e = assertThrows(LiteModelException.class, () -> model.resizeInput(0, 1, 1 << 20));
      assertEquals(LiteModelException.Status.MEMORY_BUDGET_EXCEEDED, e.status());
      assertTrue(e.getMessage().contains("input 'audio' of shape [1, 1048576]"), e.getMessage());
      model.resizeInput(0, 2, 5);
      assertArrayEquals(new int[] {2, 5}, model.inputs().get(0).shape());
    }
  }

  @Test
  void predictSplitsABatchThatWouldNotFitAndGivesTheSameRows() {
    LiteModel.Options small = LiteModel.Options.defaults().withMemoryBudget(1L << 20); // about 170 seed_mlp rows
    Random random = new Random(3);
    float[][] rows = new float[1000][256];
    for (float[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    try (LiteModel model = LiteModel.load(ReferenceModels.model("seed_mlp"), small);
        LiteModel reference = LiteModel.load(ReferenceModels.model("seed_mlp"))) {
      float[][] result = model.predict(rows);
      assertTrue(model.inputs().get(0).shape()[0] < 1000, "ran in chunks: " + model);
      float[] expected = new float[32];
      for (int r = 0; r < rows.length; r += 37) {
        reference.predictSingle(rows[r], expected);
        assertTrue(ReferenceModels.maxAbsDiff(expected, result[r]) <= 1e-5f, "row " + r);
      }
    }
  }

  @Test
  void notEvenOneRowFittingIsRefused() {
    LiteModel.Options small = LiteModel.Options.defaults().withMemoryBudget(1L << 20);
    try (LiteModel model = LiteModel.load(ReferenceModels.model("image_cnn"), small)) {
      // one image_cnn row needs about 6 MiB: the load (at one row) is refused already
      throw new AssertionError("loaded under a 1 MiB budget: " + model);
    } catch (LiteModelException e) {
      assertEquals(LiteModelException.Status.MEMORY_BUDGET_EXCEEDED, e.status());
    }
  }

  @Test
  void budgetsBelowOneMebibyteAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> LiteModel.Options.defaults().withMemoryBudget(1000));
    assertEquals(LiteModel.Options.DEFAULT_MEMORY_BUDGET, LiteModel.Options.defaults().memoryBudget());
  }

  @Test
  void memoryOfALargeBatchIsGivenBackWhenCallsAreSmallAgain() throws Exception {
    try (LiteModel model = LiteModel.load(ReferenceModels.model("image_cnn"))) {
      int rows = 48; // about 280 MiB of tensors
      float[] in = new float[rows * model.inputs().get(0).rowElements()];
      float[] out = new float[rows * 10];
      model.predict(java.nio.FloatBuffer.wrap(in), java.nio.FloatBuffer.wrap(out), rows);
      long large = ResidentMemoryProbe.residentKib();
      model.predict(java.nio.FloatBuffer.wrap(in), java.nio.FloatBuffer.wrap(out), 1);
      long small = ResidentMemoryProbe.residentKib();
      assertTrue(large - small > 100 * 1024, "resident memory fell by only " + (large - small) + " KiB");
    }
  }
}
