package io.litemodel.internal.presets;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * JavaCPP mapping of {@code native/include/litemodel/tf_shim.h}: reads a TensorFlow tensor's data address as a
 * {@code long}, so that the TensorFlow runtime reads outputs without allocating (TF Java's mapping returns a new
 * {@code Pointer} object per call). Binding layer: only {@code io.litemodel.tensorflow}'s native wrapper calls it.
 */
@Properties(value = {
    @Platform(value = {"linux-x86_64", "linux-arm64"}, include = "litemodel/tf_shim.h", compiler = "cpp11"),
})
public final class TfShim {
  static {
    Loader.load();
  }

  private TfShim() {}

  /**
   * Calls {@code TF_TensorData} through its address.
   *
   * @param function the address of {@code TF_TensorData} in the loaded TensorFlow library
   * @param tensor a {@code TF_Tensor*}
   * @return the tensor's data address, or 0 when either argument is 0
   */
  public static native @Cast("intptr_t") long lmtf_tensor_data(@Cast("intptr_t") long function,
      @Cast("intptr_t") long tensor);
}
