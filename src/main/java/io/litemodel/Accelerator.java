package io.litemodel;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where a {@link LiteModel} runs: a small sealed family with one immutable options type per kind. The CPU
 * ({@link CpuAccelerator}: TensorFlow Lite kernels, with XNNPACK unless disabled), the GPU ({@link GpuAccelerator}:
 * LiteRT's GPU accelerator, WebGPU over Vulkan), the classic TensorFlow Lite GPU delegate from a library the user
 * provides ({@link GpuDelegateAccelerator}), a delegate plugin ({@link PluginAccelerator}: library and options), or
 * AUTO ({@link AutoAccelerator}: the GPU when a hardware GPU runs it, else the CPU). Each {@code with} method returns a
 * new instance; an option that does not apply to a kind does not exist on its type. The model's API is the same on
 * every kind: only where it runs changes. These types are settings only: they describe where to run, and
 * {@link LiteModel#load(Path, LiteModel.Options)} builds the runtime they describe. Two instances with the same
 * settings are {@code equals}.
 *
 * <pre>{@code
 * LiteModel.Options options = LiteModel.Options.defaults().withAccelerator(Accelerator.auto());
 * try (LiteModel model = LiteModel.load(path, options)) {
 *   System.out.println(model.executionReport());   // what actually runs, on which adapter, and what fell back
 * }
 * }</pre>
 *
 * <p><b>GPU natives:</b> LiteRT's libraries are not in LiteModel's jar (CPU-only users should not download them).
 * They come from the natives jar of classifier {@code linux-x86_64-litert} on the class path, or from a folder the
 * system property {@code litemodel.litert.dir} (or {@code LITEMODEL_LITERT_DIR}) names, which
 * {@code native/litert/fetch.sh} fills; both hold the pinned {@code ai-edge-litert} wheel's files. {@link #gpu()} fails with a
 * {@link LiteModelException} of status {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} saying what is
 * missing; {@link #auto()} falls back to the CPU and says why in {@link ExecutionReport#notes()}.
 *
 * <p><b>GPU delegate library:</b> for {@link #gpuDelegate()}, LiteModel loads {@value #GPU_LIBRARY_NAME} at run time,
 * from the first of: {@link GpuDelegateAccelerator#withLibrary(Path)}, the system property
 * {@value #GPU_LIBRARY_PROPERTY}, the directories of {@code java.library.path}, and the dynamic linker's search path
 * ({@code LD_LIBRARY_PATH}, {@code ldconfig}). Delegates (the GPU delegate, plugins) are applied first; when XNNPACK is
 * enabled in the options it is applied after them and takes the operators they left.
 */
public abstract sealed class Accelerator extends Settings
    permits CpuAccelerator, GpuAccelerator, GpuDelegateAccelerator, PluginAccelerator, AutoAccelerator {
  /** System property naming the GPU delegate library (a path) for {@link #gpuDelegate()}, when none is given. */
  public static final String GPU_LIBRARY_PROPERTY = "litemodel.gpu.delegate";
  /** The file name of the TensorFlow Lite GPU delegate library that the search looks for. */
  public static final String GPU_LIBRARY_NAME = "libtensorflowlite_gpu_delegate.so";

  /** The kinds of accelerator. */
  public enum Kind {
    /** TensorFlow Lite's CPU kernels, with XNNPACK when enabled in the options. */
    CPU,
    /** LiteRT's GPU accelerator: WebGPU through Dawn, over Vulkan. */
    GPU,
    /** The classic TensorFlow Lite GPU delegate (V2: OpenCL or OpenGL ES) from a library the user provides. */
    GPU_DELEGATE,
    /** A delegate plugin library (like Python's {@code load_delegate}). */
    PLUGIN,
    /** The GPU when a hardware GPU runs the model, otherwise the CPU. */
    AUTO
  }

  /** GPU delegate backend choice ({@code TFLITE_GPU_EXPERIMENTAL_FLAGS_CL_ONLY / GL_ONLY}). */
  public enum GpuBackend {
    /** Let the delegate choose (OpenCL, then OpenGL ES). */
    AUTO,
    /** OpenCL only. */
    OPENCL,
    /** OpenGL ES only. */
    OPENGL
  }

  /** GPU delegate compilation/runtime trade-off ({@code TfLiteGpuInferenceUsage}). */
  public enum GpuUsage {
    /** The delegate is used once: count initialization time in. The library's default. */
    FAST_SINGLE_ANSWER(0),
    /** The delegate is used for many inferences: maximize throughput. */
    SUSTAINED_SPEED(1),
    /** Between the two. */
    BALANCED(2);

    private final int code;

    GpuUsage(int code) {
      this.code = code;
    }

    /** @return TensorFlow Lite's value for this constant */
    public int code() {
      return code;
    }
  }

  /** GPU delegate inference priorities ({@code TfLiteGpuInferencePriority}). */
  public enum GpuPriority {
    /** Only valid after the higher priorities are fully specified. */
    AUTO(0),
    /** No precision lowering. */
    MAX_PRECISION(1),
    /** Fastest. */
    MIN_LATENCY(2),
    /** Least memory. */
    MIN_MEMORY_USAGE(3);

    private final int code;

    GpuPriority(int code) {
      this.code = code;
    }

    /** @return TensorFlow Lite's value for this constant */
    public int code() {
      return code;
    }
  }

  /**
   * XNNPACK delegate flags ({@code TFLITE_XNNPACK_DELEGATE_FLAG_*} in TensorFlow Lite 2.20), set or cleared with
   * {@link LiteModel.Options#withXnnpackFlag(XnnpackFlag, boolean)}. The build's defaults stay unless cleared.
   */
  public enum XnnpackFlag {
    /** Signed 8-bit quantized operators (int8 models). On by default in this build. */
    QS8(0x1),
    /** Unsigned 8-bit quantized operators (uint8 models). On by default in this build. */
    QU8(0x2),
    /**
     * Run float32 operators in half precision. Only takes effect on CPUs with native fp16 arithmetic (ARMv8.2+,
     * x86 with AVX512-FP16); elsewhere XNNPACK keeps float32. Expect about 1e-3 relative error where it applies.
     */
    FORCE_FP16(0x4),
    /** Dynamically quantize the inputs of FULLY_CONNECTED operators whose weights are int8 (dynamic range models). */
    DYNAMIC_FULLY_CONNECTED(0x8),
    /** Delegate variable operators (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE). */
    VARIABLE_OPERATORS(0x10),
    /** Allocate convolution indirection buffers per inference instead of keeping them: less memory. */
    TRANSIENT_INDIRECTION_BUFFER(0x20),
    /** Enable operators still marked experimental in this XNNPACK. */
    ENABLE_LATEST_OPERATORS(0x40),
    /** Reshape delegated subgraphs in place on input resize instead of re-creating them. */
    ENABLE_SUBGRAPH_RESHAPING(0x80),
    /** Bit-identical results regardless of thread count and CPU features, at a speed cost. */
    SLOW_CONSISTENT_ARITHMETIC(0x200);

    final long bit;

    XnnpackFlag(long bit) {
      this.bit = bit;
    }

    /** @return the {@code TFLITE_XNNPACK_DELEGATE_FLAG_*} bit */
    public long bit() {
      return bit;
    }
  }

  /** Only the permitted kinds extend this class. */
  Accelerator() {}

  /** @return the CPU: TensorFlow Lite's kernels, with XNNPACK unless disabled in the options (the default) */
  public static CpuAccelerator cpu() {
    return CpuAccelerator.INSTANCE;
  }

  /**
   * @return LiteRT's GPU accelerator on a hardware Vulkan device, strictly: building a model fails with
   *     {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} when it cannot be used
   */
  public static GpuAccelerator gpu() {
    return GpuAccelerator.DEFAULTS;
  }

  /**
   * @return the classic TensorFlow Lite GPU delegate (V2) from a library the user provides, strictly: building a
   *     model fails with {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} when it cannot be used
   */
  public static GpuDelegateAccelerator gpuDelegate() {
    return GpuDelegateAccelerator.DEFAULTS;
  }

  /**
   * @return the GPU when a hardware GPU runs the model, otherwise the CPU (see {@link ExecutionReport#notes()} for
   *     why)
   */
  public static AutoAccelerator auto() {
    return AutoAccelerator.DEFAULTS;
  }

  /**
   * A delegate plugin: a shared library exporting {@code tflite_plugin_create_delegate} and
   * {@code tflite_plugin_destroy_delegate}, given string options (like Python's
   * {@code tf.lite.experimental.load_delegate(library, options)}).
   *
   * @param library the plugin's path (or a bare file name, searched by the dynamic linker)
   * @param options key/value options passed to the plugin, in iteration order
   * @return the plugin accelerator
   * @throws IllegalArgumentException if a key is empty or a key or value contains a NUL character
   */
  public static PluginAccelerator plugin(Path library, Map<String, String> options) {
    return new PluginAccelerator(library, options);
  }

  /**
   * @param library the plugin's path (or a bare file name, searched by the dynamic linker)
   * @return a plugin with no options (see {@link #plugin(Path, Map)})
   */
  public static PluginAccelerator plugin(Path library) {
    return plugin(library, Map.of());
  }

  /** @return the kind, as {@link ExecutionReport#accelerator()} reports it */
  public abstract Kind kind();
}
