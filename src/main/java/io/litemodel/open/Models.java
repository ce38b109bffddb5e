package io.litemodel.open;

import io.litemodel.InferenceModel;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.tensorflow.TfModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Opens any model file or directory with the runtime its {@link ModelFormat} calls for: a {@code .tflite} file as a
 * {@link LiteModel}, a SavedModel directory or a frozen graph {@code .pb} on the TensorFlow runtime. The one place
 * where a path picks a runtime: the command line and Spark both open models here.
 *
 * <pre>{@code
 * try (InferenceModel model = Models.open(Path.of("models/seed_mlp_savedmodel"))) {
 *   float[] out = model.predictSingle(new float[256]);
 * }
 * }</pre>
 *
 * <p>It lives in a package of its own because it needs both the public face ({@code io.litemodel}) and the TensorFlow
 * runtime ({@code io.litemodel.tensorflow}), which itself imports the public face: in either of those packages it
 * would make the two import each other.
 */
public final class Models {
  private Models() {}

  /**
   * Opens {@code path} with each runtime's default options.
   *
   * @see #open(Path, OpenOptions)
   */
  public static InferenceModel open(Path path) {
    return open(path, OpenOptions.defaults());
  }

  /**
   * Opens {@code path} with the runtime its format calls for ({@link ModelFormat#of}).
   *
   * @return the loaded model, owned by the caller
   * @throws IllegalArgumentException if nothing is at {@code path}, or a frozen graph's operation names are missing
   *     or wrong
   * @throws LiteModelException if the file or directory is not a valid model of its format, or (with status
   *     {@code NATIVE_LIBRARY_UNAVAILABLE}) if the runtime it needs is not on the class path; the message names
   *     the artifacts to add
   */
  public static InferenceModel open(Path path, OpenOptions options) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    if (!Files.exists(path)) {
      throw new IllegalArgumentException("no model at " + path.toAbsolutePath() + ": expected a .tflite file, a "
          + "SavedModel directory or a frozen graph .pb");
    }
    ModelFormat format = ModelFormat.of(path);
    if (format == ModelFormat.FROZEN_GRAPH && (options.inputOps().isEmpty() || options.outputOps().isEmpty())) {
      throw new IllegalArgumentException(path + " is a frozen graph: give its input and output operation names "
          + "(OpenOptions.withFrozenGraphOps)");
    }
    return switch (format) {
      case TFLITE -> LiteModel.load(path, options.lite());
      case SAVED_MODEL -> TfModel.loadSavedModel(path, options.tensorFlow());
      case FROZEN_GRAPH -> TfModel.loadFrozenGraph(path, options.inputOps(), options.outputOps(),
          options.tensorFlow());
    };
  }
}
