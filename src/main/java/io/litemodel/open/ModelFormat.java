package io.litemodel.open;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What a model path holds, hence which runtime opens it ({@link Models#open}). */
public enum ModelFormat {
  /** A TensorFlow Lite flatbuffer: opened as an {@link io.litemodel.LiteModel}. */
  TFLITE,
  /** A SavedModel directory: opened on the TensorFlow runtime. */
  SAVED_MODEL,
  /** A frozen {@code GraphDef} file ({@code .pb}): opened on the TensorFlow runtime, given its operation names. */
  FROZEN_GRAPH;

  /**
   * The format of {@code path}, by what it is and its name: a directory is a SavedModel, a {@code .pb} file a frozen
   * graph, and any other file a TensorFlow Lite model (so that a file that is none of them gets TensorFlow Lite's
   * verifier message, which says what is wrong with it).
   */
  public static ModelFormat of(Path path) {
    if (Files.isDirectory(path)) {
      return SAVED_MODEL;
    }
    Path name = path.getFileName();
    return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".pb") ? FROZEN_GRAPH : TFLITE;
  }

  /** @return true for the formats the TensorFlow runtime opens */
  public boolean tensorFlow() {
    return this != TFLITE;
  }

  /** @return the file name suffix that {@link #of} reads as this format ({@code ""} for a directory) */
  public String suffix() {
    return switch (this) {
      case TFLITE -> ".tflite";
      case FROZEN_GRAPH -> ".pb";
      case SAVED_MODEL -> "";
    };
  }
}
