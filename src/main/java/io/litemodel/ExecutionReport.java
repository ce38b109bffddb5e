package io.litemodel;

import java.util.ArrayList;
import java.util.List;

/**
 * What actually runs when a {@link LiteModel} is invoked: the delegates applied, how much of the graph they took,
 * and which operators were left to TensorFlow Lite's built-in CPU kernels.
 *
 * <p>Read from the final execution plans after all delegates were applied (see {@code shim.h}, "graph probe"), so it
 * reflects what TensorFlow Lite decided, not what was asked for. On LiteRT's GPU path ({@link #gpuAdapter()} present)
 * it is read from what LiteRT reports instead: whether every operator is on the GPU, how many run where, and which
 * operator types it left to its CPU accelerator. A model may hold several subgraphs: the one that
 * runs (the {@link Role#PRIMARY primary} subgraph: the main graph, or the selected signature's), other signatures',
 * control-flow bodies ({@code IF}, {@code WHILE}) and init graphs ({@code CALL_ONCE}). The summary methods
 * ({@link #planSize()}, {@link #partitions()}, {@link #delegatedNodes()}, {@link #cpuOperators()}) describe the
 * primary subgraph only; {@link #subgraphs()} describes each of them, with its role.
 */
public final class ExecutionReport {
  /** What a subgraph is to the model, as declared in the file. */
  public enum Role {
    /** The subgraph that runs: the main graph, or the signature selected in the options. */
    PRIMARY,
    /** Another signature's subgraph (not run by this instance). */
    SIGNATURE,
    /** The body, condition or branch of a control-flow operator ({@code IF}, {@code WHILE}, StableHLO). */
    CONTROL_FLOW,
    /** An init graph run once by {@code CALL_ONCE} (for example to initialize resource variables). */
    INIT,
    /** A subgraph that nothing in the model refers to. */
    OTHER
  }

  /** What runs for one subgraph of the model. */
  public static final class Subgraph {
    private final int index;
    private final String name;
    private final Role role;
    private final int operators;
    private final boolean planned;
    private final int partitions;
    private final int delegatedNodes;
    private final List<String> partitionNames;
    private final List<String> cpuOperators;

    public Subgraph(int index, String name, Role role, int operators, boolean planned, int partitions,
        int delegatedNodes, List<String> partitionNames, List<String> cpuOperators) {
      this.index = index;
      this.name = name;
      this.role = role;
      this.operators = operators;
      this.planned = planned;
      this.partitions = partitions;
      this.delegatedNodes = delegatedNodes;
      this.partitionNames = List.copyOf(partitionNames);
      this.cpuOperators = List.copyOf(cpuOperators);
    }

    /** @return the subgraph's index in the model file */
    public int index() {
      return index;
    }

    /** @return the subgraph's name in the file (may be empty) */
    public String name() {
      return name;
    }

    /** @return what the subgraph is to the model */
    public Role role() {
      return role;
    }

    /** @return the subgraph's operators as declared in the file, before any delegate took some */
    public int operators() {
      return operators;
    }

    /**
     * @return true when TensorFlow Lite showed this subgraph's execution plan to the delegates (so the counts below
     *     are what runs); false for subgraphs it does not delegate, whose operators all run on built-in kernels
     */
    public boolean planned() {
      return planned;
    }

    /** @return delegate kernels in the subgraph's plan: each one a partition taken by a delegate */
    public int partitions() {
      return partitions;
    }

    /** @return operators of this subgraph that delegates took over */
    public int delegatedNodes() {
      return delegatedNodes;
    }

    /** @return the kernel name of each partition, in plan order (e.g. {@code TfLiteXNNPackDelegate}) */
    public List<String> partitionNames() {
      return partitionNames;
    }

    /**
     * @return the operators left to the built-in CPU kernels, in plan order (e.g. {@code FULLY_CONNECTED}); on
     *     LiteRT's GPU path, the nodes of the operator types LiteRT named as unsupported
     */
    public List<String> cpuOperators() {
      return cpuOperators;
    }

    @Override
    public String toString() {
      String label = "subgraph " + index + (name.isEmpty() ? "" : " '" + name + "'") + " (" + role + ", " + operators
          + " operator(s))";
      if (!planned) {
        return label + ": not shown to delegates, runs on built-in CPU kernels";
      }
      return label + ": " + delegatedNodes + " in " + partitions + " partition(s), " + cpuOperators.size()
          + " on built-in CPU kernels" + (cpuOperators.isEmpty() ? "" : " " + cpuOperators);
    }
  }

  private final Accelerator.Kind accelerator;
  private final List<String> notes;
  private final List<String> delegates;
  private final int planSize;
  private final Subgraph primary;
  private final List<Subgraph> subgraphs;
  /** The Vulkan device LiteRT's GPU accelerator runs on; null on the other paths. */
  private final String gpuAdapter;
  /** LiteRT's own answer to "is every operator on the GPU", on the GPU path; null on the others. */
  private final Boolean gpuTookEverything;

  /**
   * @param planSize nodes in the primary subgraph's final plan, or -1 when no plan could be read
   * @param primary the primary subgraph's report
   * @param subgraphs every subgraph's report, by index (the primary one included)
   */
  public ExecutionReport(Accelerator.Kind accelerator, List<String> delegates, int planSize, Subgraph primary,
      List<Subgraph> subgraphs, List<String> notes) {
    this(accelerator, delegates, planSize, primary, subgraphs, notes, null, null);
  }

  /**
   * @param gpuAdapter the Vulkan device LiteRT's GPU accelerator runs on, or null
   * @param gpuTookEverything LiteRT's own "fully accelerated" on the GPU path (it decides {@link #fullyDelegated()}
   *     there, whatever the node lists say), or null
   */
  public ExecutionReport(Accelerator.Kind accelerator, List<String> delegates, int planSize, Subgraph primary,
      List<Subgraph> subgraphs, List<String> notes, String gpuAdapter, Boolean gpuTookEverything) {
    this.accelerator = accelerator;
    this.notes = List.copyOf(notes);
    this.delegates = List.copyOf(delegates);
    this.planSize = planSize;
    this.primary = primary;
    this.subgraphs = List.copyOf(subgraphs);
    this.gpuAdapter = gpuAdapter;
    this.gpuTookEverything = gpuTookEverything;
  }

  /**
   * @return the accelerator that actually runs: {@link Accelerator.Kind#CPU}, {@link Accelerator.Kind#GPU},
   *     {@link Accelerator.Kind#GPU_DELEGATE} or {@link Accelerator.Kind#PLUGIN}, never AUTO (AUTO resolves to one of
   *     them; {@link #notes()} says why)
   */
  public Accelerator.Kind accelerator() {
    return accelerator;
  }

  /**
   * @return the Vulkan device LiteRT's GPU accelerator runs on, with its kind (e.g. {@code "NVIDIA H100 (Vulkan,
   *     discrete GPU)"} or {@code "SwiftShader Device (Subzero) (Vulkan, CPU / software)"}); empty unless
   *     {@link #accelerator()} is {@link Accelerator.Kind#GPU}
   */
  public java.util.Optional<String> gpuAdapter() {
    return java.util.Optional.ofNullable(gpuAdapter);
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
   * @return how many partitions of the primary subgraph that delegate took
   */
  public int partitionsOf(String kernelName) {
    int count = 0;
    for (String name : primary.partitionNames()) {
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

  /** @return nodes in the primary subgraph's final plan (delegate kernels count as one each); -1 when unknown */
  public int planSize() {
    return planSize;
  }

  /** @return the primary subgraph's operators as declared in the file, before delegation */
  public int primaryOperatorCount() {
    return primary.operators();
  }

  /** @return the index of the subgraph that runs (0, or the selected signature's subgraph) */
  public int primarySubgraph() {
    return primary.index();
  }

  /** @return delegate kernels in the primary subgraph's plan: each one a partition taken by a delegate */
  public int partitions() {
    return primary.partitions();
  }

  /** @return operators of the primary subgraph that delegates took over */
  public int delegatedNodes() {
    return primary.delegatedNodes();
  }

  /** @return the kernel name of each partition of the primary subgraph, in plan order */
  public List<String> partitionNames() {
    return primary.partitionNames();
  }

  /**
   * @return the primary subgraph's operators left to the built-in CPU kernels, in plan order; on LiteRT's GPU path,
   *     the nodes of the operator types LiteRT named as unsupported (it may leave others to its CPU too, for
   *     partitioning: {@link #notes()} gives its counts)
   */
  public List<String> cpuOperators() {
    return primary.cpuOperators();
  }

  /** @return every subgraph of the model, by index, each with its role and what runs there */
  public List<Subgraph> subgraphs() {
    return subgraphs;
  }

  /**
   * @return true when every operator of the primary subgraph runs inside a delegate; on LiteRT's GPU path, LiteRT's
   *     own answer to whether the model is fully accelerated
   */
  public boolean fullyDelegated() {
    if (gpuTookEverything != null) {
      return gpuTookEverything;
    }
    return primary.partitions() > 0 && primary.cpuOperators().isEmpty();
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    text.append(accelerator);
    if (gpuAdapter != null) {
      text.append(" on ").append(gpuAdapter);
    }
    text.append(": ");
    text.append(delegates.isEmpty() ? "no delegate" : String.join(" + ", delegates));
    text.append(": ").append(primary.delegatedNodes()).append(" of ").append(primary.operators())
        .append(" nodes in ").append(primary.partitions()).append(" partition(s)");
    text.append(", ").append(primary.cpuOperators().size())
        .append(gpuAdapter != null ? " node(s) on LiteRT's CPU accelerator" : " node(s) on built-in CPU kernels");
    if (!primary.cpuOperators().isEmpty()) {
      text.append(' ').append(primary.cpuOperators());
    }
    List<String> others = new ArrayList<>();
    for (Subgraph subgraph : subgraphs) {
      if (subgraph != primary && subgraph.index() != primary.index()) {
        others.add(subgraph.toString());
      }
    }
    if (!others.isEmpty()) {
      text.append("; other subgraphs: ").append(String.join("; ", others));
    }
    for (String note : notes) {
      text.append("; ").append(note);
    }
    return text.toString();
  }
}
