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
  private final List<String> delegates;
  private final int planSize;
  private final int partitions;
  private final int delegatedNodes;
  private final List<String> partitionNames;
  private final List<String> cpuOperators;

  ExecutionReport(
      List<String> delegates,
      int planSize,
      int partitions,
      int delegatedNodes,
      List<String> partitionNames,
      List<String> cpuOperators) {
    this.delegates = List.copyOf(delegates);
    this.planSize = planSize;
    this.partitions = partitions;
    this.delegatedNodes = delegatedNodes;
    this.partitionNames = List.copyOf(partitionNames);
    this.cpuOperators = List.copyOf(cpuOperators);
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
    text.append(delegates.isEmpty() ? "no delegate" : String.join(" + ", delegates));
    text.append(": ").append(delegatedNodes).append(" nodes in ").append(partitions).append(" partition(s)");
    text.append(", ").append(cpuOperators.size()).append(" node(s) on built-in CPU kernels");
    if (!cpuOperators.isEmpty()) {
      text.append(' ').append(cpuOperators);
    }
    return text.toString();
  }
}
