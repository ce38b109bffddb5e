package io.litemodel;

import java.util.List;

/**
 * What actually runs when a {@link LiteModel} is invoked: the delegates applied, how much of the graph they took,
 * and which operators were left to TensorFlow Lite's built-in CPU kernels.
 *
 * <p>Read from the final execution plan after all delegates were applied (see {@code shim.h}, "graph probe"), so it
 * reflects what TensorFlow Lite decided, not what was asked for.
 */
public final class ExecutionReport {
  private final Accelerator.Kind accelerator;
  private final List<String> notes;
  private final List<String> delegates;
  private final int planSize;
  private final int partitions;
  private final int delegatedNodes;
  private final List<String> partitionNames;
  private final List<String> cpuOperators;

  ExecutionReport(
      Accelerator.Kind accelerator,
      List<String> delegates,
      int planSize,
      int partitions,
      int delegatedNodes,
      List<String> partitionNames,
      List<String> cpuOperators,
      List<String> notes) {
    this.accelerator = accelerator;
    this.notes = List.copyOf(notes);
    this.delegates = List.copyOf(delegates);
    this.planSize = planSize;
    this.partitions = partitions;
    this.delegatedNodes = delegatedNodes;
    this.partitionNames = List.copyOf(partitionNames);
    this.cpuOperators = List.copyOf(cpuOperators);
  }

  /**
   * @return the accelerator that actually runs: {@link Accelerator.Kind#CPU}, {@link Accelerator.Kind#GPU} or
   *     {@link Accelerator.Kind#PLUGIN}, never AUTO (AUTO resolves to one of them; {@link #notes()} says why)
   */
  public Accelerator.Kind accelerator() {
    return accelerator;
  }

  /**
   * @return why the model runs where it runs, when that differs from what was asked or is not obvious (e.g. {@code
   *     "GPU not used: GPU accelerator unavailable: the GPU delegate library was not found; looked at: ..."}, or
   *     that an accelerator took no operator); empty when there is nothing to say
   */
  public List<String> notes() {
    return notes;
  }

  /**
   * @param kernelName a delegate kernel name as in {@link #partitionNames()}
   * @return how many partitions that delegate took
   */
  public int partitionsOf(String kernelName) {
    int count = 0;
    for (String name : partitionNames) {
      if (name.equals(kernelName)) {
        count++;
      }
    }
    return count;
  }

  /** @return the delegates given to the interpreter, as configured (e.g. {@code XNNPACK(threads=1, flags=0x3)}) */
  public List<String> delegates() {
    return delegates;
  }

  /** @return nodes in the final execution plan (delegate kernels count as one each) */
  public int planSize() {
    return planSize;
  }

  /** @return delegate kernels in the plan: each is one partition of the original graph taken by a delegate */
  public int partitions() {
    return partitions;
  }

  /** @return original graph nodes that delegates took over */
  public int delegatedNodes() {
    return delegatedNodes;
  }

  /** @return the kernel name of each partition, in plan order (e.g. {@code TfLiteXNNPackDelegate}) */
  public List<String> partitionNames() {
    return partitionNames;
  }

  /** @return the operators left to the built-in CPU kernels, in plan order (e.g. {@code FULLY_CONNECTED}) */
  public List<String> cpuOperators() {
    return cpuOperators;
  }

  /** @return true when every node of the graph runs inside a delegate */
  public boolean fullyDelegated() {
    return partitions > 0 && cpuOperators.isEmpty();
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    text.append(accelerator).append(": ");
    text.append(delegates.isEmpty() ? "no delegate" : String.join(" + ", delegates));
    text.append(": ").append(delegatedNodes).append(" nodes in ").append(partitions).append(" partition(s)");
    text.append(", ").append(cpuOperators.size()).append(" node(s) on built-in CPU kernels");
    if (!cpuOperators.isEmpty()) {
      text.append(' ').append(cpuOperators);
    }
    for (String note : notes) {
      text.append("; ").append(note);
    }
    return text.toString();
  }
}
