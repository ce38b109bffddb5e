package io.litemodel.cli;

import java.util.List;
import java.util.Optional;

/**
 * One runtime or image decoder as {@code info} reports it: present, with what it is; or absent, with why and the
 * one thing that adds it.
 *
 * @param name what it is, e.g. {@code TensorFlow C API (SavedModel, frozen graph)}
 * @param detail what was found (present), or why it is absent
 * @param howToAdd empty when present; else how to add it
 */
record RuntimeStatus(String name, String detail, Optional<String> howToAdd) {
  /** @return a runtime that is there, and what was found */
  static RuntimeStatus present(String name, String detail) {
    return new RuntimeStatus(name, detail, Optional.empty());
  }

  /** @return a runtime that is not there, why not, and how to add it */
  static RuntimeStatus absent(String name, String why, String howToAdd) {
    return new RuntimeStatus(name, why, Optional.of(howToAdd));
  }

  /** @return true when it is there */
  boolean present() {
    return howToAdd.isEmpty();
  }

  /**
   * @return the lines {@code info} prints: {@code   NAME: present: DETAIL}, or {@code   NAME: absent: WHY} and
   *     {@code     to add it: HOW}
   */
  List<String> lines() {
    return howToAdd.map(how -> List.of("  " + name + ": absent: " + detail, "    to add it: " + how))
        .orElseGet(() -> List.of("  " + name + ": present: " + detail));
  }
}
