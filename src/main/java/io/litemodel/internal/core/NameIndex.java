package io.litemodel.internal.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names by which callers address a model's inputs or its outputs, and the mapping {@code run(Map)} makes with
 * them: named arrays to arrays in tensor order, and results back to named arrays. Each tensor has a name (a signature
 * name where there is one) and, where the runtime offers it, a second name (its tensor name) that is accepted too,
 * unless it would shadow another tensor's name. Immutable. For the by-name calls, which are documented to allocate:
 * the positional calls never touch it.
 *
 * <p>Internal, not API: it may change in any release.
 */
public final class NameIndex {
  /** {@code "input"} or {@code "output"}, for messages. */
  private final String kind;
  private final String[] names;
  private final Map<String, Integer> indices = new HashMap<>();
  /** The second names that were accepted, in tensor order, for messages. */
  private final List<String> otherNames = new ArrayList<>();

  /**
   * @param kind {@code "input"} or {@code "output"}, for messages
   * @param names each tensor's name, in tensor order
   * @param otherNames each tensor's second name (null entries, or a null array, where there is none)
   */
  public NameIndex(String kind, String[] names, String[] otherNames) {
    this.kind = kind;
    this.names = names.clone();
    for (int i = 0; i < names.length; i++) {
      indices.putIfAbsent(names[i], i);
    }
    for (int i = 0; otherNames != null && i < otherNames.length; i++) {
      if (otherNames[i] != null && indices.putIfAbsent(otherNames[i], i) == null) {
        this.otherNames.add(otherNames[i]);
      }
    }
  }

  /**
   * @return the position of the tensor called {@code name}
   * @throws IllegalArgumentException if there is none, listing the names there are
   */
  public int indexOf(String name) {
    Integer index = indices.get(name);
    if (index == null) {
      throw new IllegalArgumentException("no " + kind + " named '" + name + "'; the " + kind + "s are "
          + Arrays.toString(names) + (otherNames.isEmpty() ? "" : " (by tensor name " + otherNames + ")"));
    }
    return index;
  }

  /**
   * @param named one array per tensor, by name
   * @return the arrays in tensor order
   * @throws IllegalArgumentException if a name is unknown or a tensor has no array
   */
  public float[][] order(Map<String, float[]> named) {
    float[][] ordered = new float[names.length][];
    for (Map.Entry<String, float[]> entry : named.entrySet()) {
      ordered[indexOf(entry.getKey())] = entry.getValue();
    }
    for (int i = 0; i < ordered.length; i++) {
      if (ordered[i] == null) {
        throw new IllegalArgumentException("missing " + kind + " '" + names[i] + "'; given " + named.keySet());
      }
    }
    return ordered;
  }

  /**
   * @param values one array per tensor, in tensor order
   * @return the arrays by name, in tensor order
   */
  public Map<String, float[]> name(float[][] values) {
    Map<String, float[]> named = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      named.put(names[i], values[i]);
    }
    return named;
  }
}
