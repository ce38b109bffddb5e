package io.litemodel.spark;

import io.litemodel.InferenceModel;
import io.litemodel.LiteModel;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * Opens a model from a path on an executor: the one place a runtime is chosen, so that another runtime (the
 * TensorFlow runtime's SavedModel directories) plugs in with its own opener. Serializable, because it travels to the
 * executors inside a {@link ModelSource}; keep implementations stateless (a method reference or a lambda).
 */
@FunctionalInterface
public interface ModelOpener extends Serializable {
  /**
   * @param local the model on this machine: a file, or a directory for runtimes whose models are directories
   * @return the loaded model, owned by the executor's model cache
   */
  InferenceModel open(Path local);

  /** @return the TensorFlow Lite opener ({@link LiteModel#load(Path)}), the default */
  static ModelOpener tfLite() {
    return TfLiteOpener.INSTANCE;
  }
}
