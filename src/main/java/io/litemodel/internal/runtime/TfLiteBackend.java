package io.litemodel.internal.runtime;

import io.litemodel.LiteModel;
import io.litemodel.LiteModelBackend;
import io.litemodel.NativeLog;
import io.litemodel.internal.litert.LiteRtRuntime;
import io.litemodel.internal.tflite.NativeRuntime;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@link LiteModelBackend} this library ships: TensorFlow Lite's interpreter, with LiteRT's compiled model for the
 * GPU. {@link LiteModel} finds it with {@link java.util.ServiceLoader} (registered in
 * {@code META-INF/services/io.litemodel.LiteModelBackend} and in {@code module-info.java}).
 */
public final class TfLiteBackend implements LiteModelBackend {
  /** Called by {@link java.util.ServiceLoader}; holds no state (each runtime loads its natives once, lazily). */
  public TfLiteBackend() {}

  @Override
  public Model load(ByteBuffer bytes, LiteModel.Options options, String source, Path file) {
    return LoadedModel.load(bytes, options, source, file);
  }

  @Override
  public String tensorFlowLiteVersion() {
    return NativeRuntime.tfliteVersion();
  }

  @Override
  public void applyNativeLog(NativeLog level) {
    NativeRuntime.applyNativeLog(level);
  }

  @Override
  public boolean hardwareGpuListed() {
    return LiteRtRuntime.hardwareDeviceListed();
  }

  @Override
  public Optional<String> gpuRuntimeProblem() {
    return LiteRtRuntime.problem();
  }
}
