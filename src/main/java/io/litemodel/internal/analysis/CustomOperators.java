package io.litemodel.internal.analysis;

import io.litemodel.LiteModelException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The custom operators of a model that this TensorFlow Lite build has no kernel for, and who could run them.
 *
 * <p>TensorFlow Lite lets a model carry custom operators that only a delegate implements: the XNNPACK delegate runs
 * MediaPipe's {@code Convolution2DTransposeBias}, {@code MaxPoolingWithArgmax2D} and {@code MaxUnpooling2D}; the GPU
 * delegate runs those and MediaPipe's landmark operators. Such a model is valid, and loads when the delegate that
 * claims its custom operators is applied; otherwise it fails with
 * {@link LiteModelException.Status#UNRESOLVED_OPS} and a message naming every unresolved operator (with counts) and
 * the accelerator that could run it. The tables below are what those delegates' sources in TensorFlow Lite 2.20
 * accept ({@code xnnpack_delegate.cc}, {@code gpu/common/model_builder.cc} and {@code gpu/common/mediapipe/}).
 */
public final class CustomOperators {
  /** Custom operators the XNNPACK delegate implements. */
  static final Set<String> XNNPACK = Set.of("Convolution2DTransposeBias", "MaxPoolingWithArgmax2D", "MaxUnpooling2D");
  /** Custom operators the TensorFlow Lite GPU delegate implements. */
  static final Set<String> GPU = Set.of("Convolution2DTransposeBias", "MaxPoolingWithArgmax2D", "MaxUnpooling2D",
      "Landmarks2TransformMatrix", "TransformLandmarks", "TransformTensorBilinear");
  /** Prefix of TensorFlow operators kept by the converter's {@code --select-tf-ops} (they need the Flex delegate). */
  static final String FLEX_PREFIX = "Flex";

  /** Unresolved custom operator name to the number of nodes that use it, over every subgraph, in model order. */
  private final Map<String, Integer> unresolved;

  private CustomOperators(Map<String, Integer> unresolved) {
    this.unresolved = unresolved;
  }

  /**
   * @param graph the model
   * @param unresolvedNames the custom operator names this build has no kernel for
   * @return those operators with their node counts over every subgraph
   */
  public static CustomOperators unresolved(ModelGraph graph, Set<String> unresolvedNames) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (ModelGraph.Subgraph subgraph : graph.subgraphs()) {
      for (ModelGraph.Operator operator : subgraph.operators()) {
        ModelGraph.OperatorCode code = graph.code(operator);
        if (code != null && code.isCustom() && unresolvedNames.contains(code.customName())) {
          counts.merge(code.customName(), 1, Integer::sum);
        }
      }
    }
    return new CustomOperators(counts);
  }

  /** @return true when the model has no custom operator without a kernel */
  public boolean isEmpty() {
    return unresolved.isEmpty();
  }

  /** @return the unresolved custom operator names */
  public Set<String> names() {
    return unresolved.keySet();
  }

  /**
   * @param unclaimed the unresolved operators that no applied delegate took
   * @return a message naming each of them with its node count and the accelerator that could run it
   */
  public String describe(Set<String> unclaimed) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Integer> entry : unresolved.entrySet()) {
      if (unclaimed.contains(entry.getKey())) {
        int nodes = entry.getValue();
        parts.add(entry.getKey() + " (" + nodes + (nodes == 1 ? " node" : " nodes") + hint(entry.getKey()) + ")");
      }
    }
    return String.join(", ", parts);
  }

  /** @return who could run {@code name}, as a clause to append, or "" when no accelerator we know of can */
  static String hint(String name) {
    if (XNNPACK.contains(name)) {
      return "; the XNNPACK delegate runs it: keep Options.withXnnpack(true), the default";
    }
    if (GPU.contains(name)) {
      return "; only the TensorFlow Lite GPU delegate runs it (Accelerator.gpu())";
    }
    if (name.startsWith(FLEX_PREFIX)) {
      return "; a TensorFlow op kept by --select-tf-ops: it needs the Flex delegate, which this TensorFlow Lite "
          + "build lacks; run the SavedModel with the TensorFlow runtime instead";
    }
    return "; no accelerator LiteModel knows implements it: a delegate plugin that does could run it";
  }
}
