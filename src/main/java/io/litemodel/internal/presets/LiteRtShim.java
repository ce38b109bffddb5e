package io.litemodel.internal.presets;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * JavaCPP mapping of {@code native/include/litemodel/litert_shim.h}: LiteRT's C API as LiteModel's GPU path uses it,
 * resolved at run time from a {@code libLiteRt.so} that Java names, plus a Vulkan device listing. Internal: not part
 * of LiteModel's API. Every function is safe before {@link #lm_lrt_bind} succeeds (it reports "not bound").
 *
 * <p>The JNI library built from this class is small glue with no link-time dependency on LiteRT, so it ships in the
 * main jar; LiteRT's own libraries are fetched separately by users of the GPU path (see docs/accelerators.md).
 */
@Properties(value = {
    @Platform(value = {"linux-x86_64", "linux-arm64"}, include = "litemodel/litert_shim.h", compiler = "cpp11"),
})
public final class LiteRtShim {
  static {
    Loader.load();
  }

  private LiteRtShim() {}

  /**
   * Loads libLiteRt.so and resolves the C API; idempotent.
   *
   * @param path the library's path
   * @param err receives the reason on failure
   * @param errLength capacity of {@code err}
   * @return 0, or -1 on failure
   */
  public static native int lm_lrt_bind(String path, @Cast("char*") BytePointer err, int errLength);

  /**
   * Compiles a model for the given LiteRT hardware accelerators (1 CPU, 2 GPU).
   *
   * @param runtimeDir the folder holding LiteRT's accelerator libraries
   * @param data the .tflite bytes (copied)
   * @param size their count
   * @param accelerators LiteRtHwAccelerators bits
   * @param logSeverity LiteRT's minimum log severity (0 verbose .. 4 silent)
   * @param err receives the reason on failure
   * @param errLength capacity of {@code err}
   * @return the model handle, or null on failure
   */
  public static native Pointer lm_lrt_open(String runtimeDir, @Cast("const void*") Pointer data, long size,
      int accelerators, int logSeverity, @Cast("char*") BytePointer err, int errLength);

  /**
   * Fixes the batch and (re)creates the tensor buffers.
   *
   * @param model the handle
   * @param batch the batch for dynamic first dimensions
   * @param err receives the reason on failure
   * @param errLength capacity of {@code err}
   * @return 0, or -1 on failure
   */
  public static native int lm_lrt_prepare(Pointer model, int batch, @Cast("char*") BytePointer err, int errLength);

  /**
   * Copies staging inputs in, runs, copies outputs out.
   *
   * @param model the handle
   * @return 0, or a LiteRtStatus (reason in {@link #lm_lrt_message})
   */
  public static native int lm_lrt_run(Pointer model);

  /**
   * @param model the handle
   * @return the last run failure's text
   */
  public static native @Cast("const char*") BytePointer lm_lrt_message(Pointer model);

  /**
   * @param model the handle
   * @param output 1 for outputs, 0 for inputs
   * @return how many tensors
   */
  public static native int lm_lrt_count(Pointer model, int output);

  /**
   * @param model the handle
   * @param output 1 for outputs, 0 for inputs
   * @param index the tensor's position in the first signature
   * @return its rank
   */
  public static native int lm_lrt_rank(Pointer model, int output, int index);

  /**
   * @param model the handle
   * @param output 1 for outputs, 0 for inputs
   * @param index the tensor's position
   * @param dimension the dimension
   * @return its size (negative: dynamic)
   */
  public static native int lm_lrt_dim(Pointer model, int output, int index, int dimension);

  /**
   * @param model the handle
   * @param output 1 for outputs, 0 for inputs
   * @param index the tensor's position
   * @return its LiteRtElementType (mirrors TfLiteType)
   */
  public static native int lm_lrt_element_type(Pointer model, int output, int index);

  /**
   * @param model the handle
   * @param output 1 for outputs, 0 for inputs
   * @param index the tensor's position
   * @return its signature name
   */
  public static native @Cast("const char*") BytePointer lm_lrt_name(Pointer model, int output, int index);

  /**
   * @param model the handle
   * @param output 1 for outputs, 0 for inputs
   * @param index the tensor's position
   * @return the host staging memory (valid until the next prepare or close)
   */
  public static native Pointer lm_lrt_staging(Pointer model, int output, int index);

  /**
   * @param model the handle
   * @param output 1 for outputs, 0 for inputs
   * @param index the tensor's position
   * @return the staging memory's size in bytes
   */
  public static native long lm_lrt_bytes(Pointer model, int output, int index);

  /**
   * @param model the handle
   * @return 1 when LiteRT reports every op on the selected accelerator
   */
  public static native int lm_lrt_fully_accelerated(Pointer model);

  /**
   * @param model an open model
   * @return what LiteRT printed on stderr while compiling it (its report of operators left to the CPU among it)
   */
  public static native @Cast("const char*") BytePointer lm_lrt_compile_log(Pointer model);

  /**
   * @param model an open model
   * @return what LiteRT printed on stderr during the first run after the last prepare ("" before it)
   */
  public static native @Cast("const char*") BytePointer lm_lrt_first_run_log(Pointer model);

  /**
   * Destroys buffers, compiled model, model and environment.
   *
   * @param model the handle (null is ignored)
   */
  public static native void lm_lrt_close(Pointer model);

  /**
   * Lists the Vulkan physical devices, one "TYPE\tNAME\n" line each.
   *
   * @param out receives the lines, or the reason on failure
   * @param outLength capacity of {@code out}
   * @return how many devices, or -1
   */
  public static native int lm_vk_devices(@Cast("char*") BytePointer out, int outLength);
}
