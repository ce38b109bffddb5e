package io.litemodel.internal.analysis;

import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;

/**
 * Applies the memory budget ({@link LiteModel.Options#withMemoryBudget(long)}) to a {@link TensorMemory} estimate:
 * the one place that decides whether an allocation may go ahead, and that words the refusal.
 */
public final class MemoryBudget {
  private MemoryBudget() {}

  /**
   * @param graph the model
   * @param primary the subgraph that runs
   * @param growth the inputs' growth against their stored shapes (see {@link TensorMemory#estimate})
   * @param budget the budget in bytes
   * @param what what is being allocated, for the message (e.g. "a batch of 4096 rows")
   * @return the estimate, when it fits
   * @throws LiteModelException with {@link LiteModelException.Status#MEMORY_BUDGET_EXCEEDED} when it does not
   */
  public static TensorMemory.Estimate check(ModelGraph graph, int primary, double growth, long budget, String what) {
    TensorMemory.Estimate estimate = TensorMemory.estimate(graph, primary, growth);
    if (estimate.bytes() > budget) {
      throw new LiteModelException(LiteModelException.Status.MEMORY_BUDGET_EXCEEDED, what + " would need an "
          + "estimated " + TensorMemory.Estimate.format(estimate.bytes()) + " of tensor memory, over the memory "
          + "budget of " + TensorMemory.Estimate.format(budget) + " (largest tensor " + estimate.largestTensor()
          + ", " + TensorMemory.Estimate.format(estimate.largestBytes()) + "); nothing was allocated. Use smaller "
          + "inputs or batches, or raise the budget with Options.withMemoryBudget(bytes)");
    }
    return estimate;
  }
}
