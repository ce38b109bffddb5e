package io.litemodel.cli;

import io.litemodel.InferenceModel;
import io.litemodel.LiteModel;
import io.litemodel.tensorflow.TfModel;
import io.litemodel.tensorflow.TfOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Opens the right {@link InferenceModel} for what {@code --model} names: a directory is a SavedModel and a
 * {@code .pb} file a frozen graph, both on the TensorFlow runtime; anything else is a TensorFlow Lite model.
 */
final class ModelOpener {
  /** What a model path holds, hence which runtime opens it. */
  enum Kind {
    /** A {@code .tflite} flatbuffer: {@link LiteModel}. */
    TFLITE,
    /** A SavedModel directory: {@link TfModel#loadSavedModel}. */
    SAVED_MODEL,
    /** A frozen {@code GraphDef} file: {@link TfModel#loadFrozenGraph}. */
    FROZEN_GRAPH;

    /** @return true for the kinds the TensorFlow runtime opens */
    boolean tensorFlow() {
      return this != TFLITE;
    }
  }

  private ModelOpener() {}

  /** @return the kind of model at {@code path}, by what it is (directory) or its extension ({@code .pb}) */
  static Kind kindOf(Path path) {
    if (Files.isDirectory(path)) {
      return Kind.SAVED_MODEL;
    }
    String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".pb") ? Kind.FROZEN_GRAPH : Kind.TFLITE;
  }

  /**
   * @param path the model
   * @param lite options for a TensorFlow Lite model
   * @param tf options for a TensorFlow model
   * @param inputOps a frozen graph's input operations
   * @param outputOps a frozen graph's output operations
   * @return the loaded model
   */
  static InferenceModel open(Path path, LiteModel.Options lite, TfOptions tf, List<String> inputOps,
      List<String> outputOps) {
    switch (kindOf(path)) {
      case SAVED_MODEL:
        return TfModel.loadSavedModel(path, tf);
      case FROZEN_GRAPH:
        return TfModel.loadFrozenGraph(path, inputOps, outputOps, tf);
      default:
        return LiteModel.load(path, lite);
    }
  }
}
