package io.litemodel.internal.presets;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * JavaCPP mapping of {@code native/include/litemodel/shim.h}: the TensorFlow Lite entry points that the bytedeco
 * presets do not map (the XNNPACK delegate and its weights cache, error reporting into a buffer, delegate plugins,
 * the GPU delegate V2 resolved at run time).
 *
 * <p>Not public API (hence {@code io.litemodel.internal}, left out of the Javadoc): this is a binding layer that only
 * LiteModel's native wrappers call. It is public only because they live in another package. Every function is safe
 * before {@link #lm_bind} succeeds (it fails softly instead of crashing). The JNI library is built by the Maven build
 * (JavaCPP plugin, {@code process-classes}) and packaged in the jar under
 * {@code io/litemodel/internal/presets/<platform>/}.
 */
@Properties(value = {
    @Platform(value = {"linux-x86_64", "linux-arm64"}, include = "litemodel/shim.h", compiler = "cpp11"),
})
public final class LiteModelShim {
  static {
    Loader.load();
  }

  private LiteModelShim() {}

  /**
   * Binds the shim to the TensorFlow Lite library JavaCPP already loaded.
   *
   * @param path absolute path of the loaded {@code libjnitensorflowlite} library
   * @param err receives a NUL-terminated message on failure
   * @param errLength capacity of {@code err}
   * @return 0 on success, -1 on failure
   */
  public static native int lm_bind(String path, @Cast("char*") BytePointer err, int errLength);

  /** @return a new error sink (free with {@link #lm_error_sink_delete}), or null when out of memory */
  public static native Pointer lm_error_sink_create();

  /** @param sink a sink from {@link #lm_error_sink_create}; null is ignored */
  public static native void lm_error_sink_delete(Pointer sink);

  /** @return the text reported into {@code sink} since it was last cleared (empty if none) */
  public static native @Cast("const char*") BytePointer lm_error_sink_text(Pointer sink);

  /** Forgets the text collected so far. */
  public static native void lm_error_sink_clear(Pointer sink);

  /**
   * Routes the error reports of interpreters created from {@code options} into {@code sink}.
   *
   * @return 0, or -1 when the shim is not bound
   */
  public static native int lm_options_set_error_sink(Pointer options, Pointer sink);

  /**
   * Verifies and builds a model from {@code size} bytes at {@code data} (which must outlive the model).
   *
   * @return a {@code TfLiteModel*}, or null with the reason reported into {@code sink}
   */
  public static native Pointer lm_model_create(@Cast("const void*") Pointer data, long size, Pointer sink);

  /**
   * @param tensor a {@code TfLiteTensor*}
   * @param address the data address a view was made over
   * @param bytes the byte size it had then
   * @return 1 when the tensor's data moved or changed size since, else 0 (allocates nothing)
   */
  public static native int lm_tensor_changed(Pointer tensor, long address, long bytes);

  /** @return the XNNPACK flags this build sets by default, or -1 when not bound */
  public static native long lm_xnnpack_default_flags();

  /**
   * Creates an XNNPACK delegate.
   *
   * @param numThreads XNNPACK thread pool size (1 means no pool)
   * @param flags {@code TFLITE_XNNPACK_DELEGATE_FLAG_*} bits
   * @param replaceFlags non-zero to use exactly {@code flags}, zero to add them to the defaults
   * @param weightsCache a shared packed-weights cache, or null
   * @return a {@code TfLiteDelegate*}, or null with a message in {@code err}
   */
  public static native Pointer lm_xnnpack_create(
      int numThreads, long flags, int replaceFlags, Pointer weightsCache, @Cast("char*") BytePointer err,
      int errLength);

  /** Deletes a delegate from {@link #lm_xnnpack_create}; null is ignored. */
  public static native void lm_xnnpack_delete(Pointer delegate);

  /** @return the flags the delegate runs with, or -1 */
  public static native long lm_xnnpack_flags(Pointer delegate);

  /** @return 1 when the delegate owns a thread pool */
  public static native int lm_xnnpack_has_thread_pool(Pointer delegate);


  /**
   * @param size bytes to reserve up front; the buffer must not need to grow while delegates are built on it
   * @return a new shareable packed-weights cache, or null
   */
  public static native Pointer lm_xnnpack_weights_cache_create_with_size(long size);

  /** @return 1 when the cache was soft-finalized */
  public static native int lm_xnnpack_weights_cache_finalize_soft(Pointer cache);

  /** Deletes a cache once no delegate uses it any more; null is ignored. */
  public static native void lm_xnnpack_weights_cache_delete(Pointer cache);

  /** @return a new graph probe (see shim.h), or null when not bound */
  public static native Pointer lm_probe_create();

  /** @return the probe's {@code TfLiteOpaqueDelegate*}, to add to interpreter options after all other delegates */
  public static native Pointer lm_probe_delegate(Pointer probe);

  /** @return how many subgraphs the probe was shown: one record each, in the order first seen */
  public static native int lm_probe_records(Pointer probe);

  /**
   * @param record a record number below {@link #lm_probe_records}
   * @param field 0 times prepared, 1 plan size, 2 delegate kernels, 3 delegated nodes, 4 CPU nodes
   * @return the count, or -1
   */
  public static native int lm_probe_count(Pointer probe, int record, int field);

  /** @return the builtin operator code of plan node {@code i} of a record, -1 for a delegate kernel, -2 if unknown */
  public static native int lm_probe_node_code(Pointer probe, int record, int i);

  /** @return the delegate kernel's or custom operator's name at plan node {@code i} of a record ("" for builtins) */
  public static native @Cast("const char*") BytePointer lm_probe_node_name(Pointer probe, int record, int i);

  /** Frees a probe; only after the interpreter that used it was deleted. */
  public static native void lm_probe_delete(Pointer probe);

  /**
   * Loads a TensorFlow Lite delegate plugin (a library exporting {@code tflite_plugin_create_delegate} and
   * {@code tflite_plugin_destroy_delegate}) and creates its delegate. The library is never unloaded.
   *
   * @param path the library's path, or a bare file name searched by the dynamic linker
   * @param keys {@code count} option names ({@code char*} each)
   * @param values {@code count} option values
   * @return a plugin handle, or null with the reason (and what the plugin reported) in {@code err}
   */
  public static native Pointer lm_plugin_create(String path, @Cast("const char**") PointerPointer<?> keys,
      @Cast("const char**") PointerPointer<?> values, int count, @Cast("char*") BytePointer err, int errLength);

  /** @return the plugin's {@code TfLiteDelegate*}, to add to interpreter options */
  public static native Pointer lm_plugin_delegate(Pointer plugin);

  /** Destroys the plugin's delegate and frees the handle; only after the interpreter using it was deleted. */
  public static native void lm_plugin_delete(Pointer plugin);

  /**
   * Loads a TensorFlow Lite GPU delegate V2 library and creates a delegate. Integer options below zero keep the
   * library's defaults.
   *
   * @param path the library's path, or a bare file name searched by the dynamic linker
   * @param precisionLossAllowed 1 to allow fp16 computation, 0 to forbid it
   * @param inferencePreference {@code TFLITE_GPU_INFERENCE_PREFERENCE_*}
   * @param priority1 {@code TFLITE_GPU_INFERENCE_PRIORITY_*}, most important
   * @param priority2 second priority
   * @param priority3 third priority
   * @param flagsSet {@code TFLITE_GPU_EXPERIMENTAL_FLAGS_*} bits added to the defaults
   * @param flagsClear bits removed from the defaults
   * @param maxDelegatedPartitions most partitions the GPU takes
   * @param serializationDir directory for the compiled-kernel cache, or null
   * @param modelToken namespace of this model in that cache, or null
   * @return a GPU delegate handle, or null with the reason in {@code err}
   */
  public static native Pointer lm_gpu_create(String path, int precisionLossAllowed, int inferencePreference,
      int priority1, int priority2, int priority3, long flagsSet, long flagsClear, int maxDelegatedPartitions,
      String serializationDir, String modelToken, @Cast("char*") BytePointer err, int errLength);

  /** @return the GPU delegate's {@code TfLiteDelegate*} */
  public static native Pointer lm_gpu_delegate(Pointer gpu);

  /**
   * @param field 0 precision loss allowed, 1 preference, 2..4 priorities 1..3, 5 experimental flags, 6 max
   *     delegated partitions
   * @return the value the delegate was created with, or -1
   */
  public static native long lm_gpu_option(Pointer gpu, int field);

  /** Deletes the GPU delegate and frees the handle; only after the interpreter using it was deleted. */
  public static native void lm_gpu_delete(Pointer gpu);

  // ---- Native log level (shim.h's last section) ----

  /**
   * Sets the minimum severity TensorFlow Lite's own logger prints to stderr.
   *
   * @param path absolute path of the already loaded {@code libjnitensorflowlite} library
   * @param severity 0 verbose, 1 info, 2 warning, 3 error, 4 silent
   * @return the previous severity, or -1 when the library is not loaded or lacks the function (nothing changed)
   */
  public static native int lm_log_set_severity(String path, int severity);

  /**
   * @param path absolute path of the already loaded {@code libjnitensorflowlite} library
   * @return the minimum severity TensorFlow Lite's logger prints now, or -1 as for {@link #lm_log_set_severity}
   */
  public static native int lm_log_severity(String path);
}
