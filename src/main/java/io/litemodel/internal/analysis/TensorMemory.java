package io.litemodel.internal.analysis;

import java.util.Arrays;

/**
 * Estimates, from the model file alone, how many bytes of native memory an interpreter's tensors will take at given
 * input sizes, so that LiteModel can refuse a model or a batch that would exceed the memory budget before TensorFlow
 * Lite allocates anything (a failed allocation deep inside TensorFlow Lite or XNNPACK is not always checked, and
 * the kernel's out-of-memory killer gives no Java exception at all).
 *
 * <p>How: TensorFlow Lite's arena planner gives each non-constant tensor memory for its live range, from the
 * operator that produces it to the last one that reads it, and reuses memory between tensors whose ranges do not
 * overlap. The peak of the bytes live at once over the execution order is therefore what the arena needs (the
 * planner adds a little for alignment and fragmentation). Constants live in the model bytes and are not counted;
 * variable tensors and graph inputs and outputs are live throughout. Other subgraphs (control-flow bodies, init
 * graphs) have arenas of their own and are added at their stored sizes. When inputs grow, tensors declared with a
 * dynamic dimension are taken to grow in proportion to the largest input's growth (a batch of 8 needs eight times
 * the activations of one row), which holds for batching and for sequence and image lengths fed through
 * element-wise, convolution and dense layers.
 *
 * <p>The estimate is twice that peak: delegates keep working memory of their own beside TensorFlow Lite's arena
 * (XNNPACK plans the values inside its partitions in a workspace), and the planner does not reach the ideal. Measured
 * resident memory of a large batch against the peak: image_cnn at batch 64, 220 MiB against 184 MiB (1.2x);
 * seed_mlp at 200,000 rows, 1,123 MiB against 586 MiB (1.9x).
 */
public final class TensorMemory {
  /** Actual tensor memory over the peak of live bytes, at most, in the measurements above. */
  static final int WORKSPACE_FACTOR = 2;

  private TensorMemory() {}

  /** An estimate: total bytes, and the largest single tensor in it (for messages). */
  public record Estimate(long bytes, String largestTensor, long largestBytes) {
    /** @return a human-readable size, e.g. {@code 1.5 GiB} */
    static String format(long bytes) {
      if (bytes >= 1L << 30) {
        return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
      }
      if (bytes >= 1L << 20) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
      }
      return bytes + " bytes";
    }
  }

  /**
   * @param graph the model
   * @param primary the subgraph that runs
   * @param growth how much the inputs grew against their stored shapes (largest ratio of element counts; 1 for the
   *     stored shapes)
   * @return the estimated tensor memory of one interpreter
   */
  public static Estimate estimate(ModelGraph graph, int primary, double growth) {
    long total = 0;
    String largest = "";
    long largestBytes = -1;
    for (ModelGraph.Subgraph subgraph : graph.subgraphs()) {
      double factor = subgraph.index() == primary ? growth : 1.0;
      long[] bytes = tensorBytes(graph, subgraph, factor);
      total = saturatingAdd(total, peakLive(subgraph, bytes));
      for (int t = 0; t < bytes.length; t++) {
        if (bytes[t] > largestBytes) {
          largestBytes = bytes[t];
          ModelGraph.Tensor tensor = subgraph.tensors().get(t);
          largest = "'" + tensor.name() + "' " + Arrays.toString(scaledShape(tensor, factor)) + " of subgraph "
              + subgraph.index();
        }
      }
    }
    long estimate = total > Long.MAX_VALUE / WORKSPACE_FACTOR ? Long.MAX_VALUE : total * WORKSPACE_FACTOR;
    return new Estimate(estimate, largest, Math.max(0, largestBytes));
  }

  /** @return each tensor's bytes at the given growth; 0 for constants (they live in the model bytes) */
  private static long[] tensorBytes(ModelGraph graph, ModelGraph.Subgraph subgraph, double factor) {
    long[] bytes = new long[subgraph.tensors().size()];
    for (ModelGraph.Tensor tensor : subgraph.tensors()) {
      boolean constant = tensor.buffer() > 0 && graph.bufferSize(tensor.buffer()) > 0;
      if (constant) {
        continue;
      }
      long stored = saturatingBytes(allocatableShape(tensor), tensor.elementBytes());
      bytes[tensor.index()] = tensor.mayResize() && factor != 1.0 ? saturatingScale(stored, factor) : stored;
    }
    return bytes;
  }

  /** The stored shape, with empty or unknown dimensions counted as 1 (what an allocation at the stored shape uses). */
  private static int[] allocatableShape(ModelGraph.Tensor tensor) {
    int[] shape = tensor.shape().length == 0 && tensor.shapeSignature() != null ? tensor.shapeSignature()
        : tensor.shape();
    int[] dims = shape.clone();
    for (int i = 0; i < dims.length; i++) {
      dims[i] = Math.max(1, dims[i]);
    }
    return dims;
  }

  private static int[] scaledShape(ModelGraph.Tensor tensor, double factor) {
    int[] shape = allocatableShape(tensor);
    if (factor != 1.0 && tensor.mayResize() && shape.length > 0) {
      shape[0] = (int) Math.min(Integer.MAX_VALUE, Math.round(shape[0] * factor));
    }
    return shape;
  }

  /**
   * The peak, over the execution order, of the bytes of tensors live at once: a tensor is live from the operator that
   * produces it (from the start for graph inputs and variables) to the last operator that reads it (to the end for
   * graph outputs and variables).
   */
  static long peakLive(ModelGraph.Subgraph subgraph, long[] bytes) {
    int operators = subgraph.operators().size();
    int tensors = bytes.length;
    int[] first = new int[tensors];
    int[] last = new int[tensors];
    Arrays.fill(first, Integer.MAX_VALUE);
    Arrays.fill(last, -1);
    for (int input : subgraph.inputs()) {
      mark(first, last, input, 0, 0);
    }
    for (int k = 0; k < operators; k++) {
      ModelGraph.Operator operator = subgraph.operators().get(k);
      for (int input : operator.inputs()) {
        mark(first, last, input, k + 1, k + 1);
      }
      for (int output : operator.outputs()) {
        mark(first, last, output, k + 1, k + 1);
      }
    }
    for (int output : subgraph.outputs()) {
      mark(first, last, output, operators + 1, operators + 1);
    }
    for (ModelGraph.Tensor tensor : subgraph.tensors()) {
      if (tensor.variable()) {
        mark(first, last, tensor.index(), 0, operators + 1);
      }
    }
    long[] delta = new long[operators + 3];
    for (int t = 0; t < tensors; t++) {
      if (last[t] >= 0 && bytes[t] > 0) {
        delta[first[t]] = saturatingAdd(delta[first[t]], bytes[t]);
        delta[last[t] + 1] -= bytes[t];
      }
    }
    long live = 0;
    long peak = 0;
    for (long change : delta) {
      live = change >= 0 ? saturatingAdd(live, change) : live + change;
      peak = Math.max(peak, live);
    }
    return peak;
  }

  private static void mark(int[] first, int[] last, int tensor, int from, int to) {
    if (tensor < 0 || tensor >= first.length) {
      return; // optional operands (-1); out-of-range indices are the graph checks' business
    }
    first[tensor] = Math.min(first[tensor], from);
    last[tensor] = Math.max(last[tensor], to);
  }

  /** @return the product of {@code shape} times {@code elementBytes}, saturating at {@link Long#MAX_VALUE} */
  static long saturatingBytes(int[] shape, int elementBytes) {
    long total = elementBytes;
    for (int dim : shape) {
      long d = Math.max(0, dim);
      if (d != 0 && total > Long.MAX_VALUE / d) {
        return Long.MAX_VALUE;
      }
      total *= d;
    }
    return total;
  }

  private static long saturatingScale(long bytes, double factor) {
    double scaled = bytes * factor;
    return scaled >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) Math.ceil(scaled);
  }

  private static long saturatingAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
