package io.litemodel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The names by which callers address a model's inputs or outputs: each tensor's signature name (as in
 * {@link TensorSpec#name()}) and its tensor name (as in {@link TensorSpec#tensorName()}, e.g.
 * {@code serving_default_x:0}), unless a tensor name would shadow another tensor's signature name. Immutable.
 */
final class TensorNames {
  private final Map<String, Integer> indices = new LinkedHashMap<>();
  /** "input" or "output", for messages. */
  private final String kind;

  TensorNames(TensorBinding[] bindings, String kind) {
    this.kind = kind;
    for (TensorBinding binding : bindings) {
      indices.put(binding.name(), binding.index());
    }
    for (TensorBinding binding : bindings) {
      indices.putIfAbsent(binding.tensorName(), binding.index());
    }
  }

  /**
   * @return the index of the tensor called {@code name}
   * @throws IllegalArgumentException if there is none, listing the names there are
   */
  int indexOf(String name) {
    Integer index = indices.get(name);
    if (index == null) {
      throw new IllegalArgumentException("model has no " + kind + " named '" + name + "'; it has "
          + indices.keySet());
    }
    return index;
  }
}
