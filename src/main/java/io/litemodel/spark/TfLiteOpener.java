package io.litemodel.spark;

import io.litemodel.InferenceModel;
import io.litemodel.LiteModel;
import java.nio.file.Path;

/** Opens {@code .tflite} files with {@link LiteModel#load(Path)}; a named class so that it serializes by name. */
enum TfLiteOpener implements ModelOpener {
  INSTANCE;

  @Override
  public InferenceModel open(Path local) {
    return LiteModel.load(local);
  }
}
