package io.litemodel;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a {@link LiteModel} runs: the CPU (TensorFlow Lite kernels, with XNNPACK unless disabled), the TensorFlow Lite
 * GPU delegate, a delegate plugin, or AUTO (the GPU when it is usable, else the CPU). Immutable; each {@code with}
 * method returns a new instance.
 *
 * <pre>{@code
 * LiteModel.Options options = LiteModel.Options.defaults()
 *     .withAccelerator(Accelerator.gpu().withPrecisionLossAllowed(true).withBackend(Accelerator.GpuBackend.OPENCL));
 * try (LiteModel model = LiteModel.load(path, options)) {
 *   System.out.println(model.executionReport());   // what actually runs, and why anything fell back
 * }
 * }</pre>
 *
 * <p><b>GPU library:</b> no Maven artifact ships the TensorFlow Lite GPU delegate for desktop Linux, so LiteModel
 * loads {@code libtensorflowlite_gpu_delegate.so} at run time, from the first of: {@link #withLibrary(Path)}, the
 * system property {@value #GPU_LIBRARY_PROPERTY}, the directories of {@code java.library.path}, and the dynamic
 * linker's search path ({@code LD_LIBRARY_PATH}, {@code ldconfig}). {@link #gpu()} fails with a
 * {@link LiteModelException} of status {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} naming every place
 * it looked; {@link #auto()} falls back to the CPU and says why in {@link ExecutionReport#notes()}.
 *
 * <p>Accelerator delegates are applied first; when XNNPACK is enabled in the options it is applied after them and
 * takes the operators they left, so a partial GPU or plugin delegation still runs the rest on XNNPACK.
 */
public final class Accelerator {
  /** System property naming the GPU delegate library (a path), consulted when no explicit path is given. */
  public static final String GPU_LIBRARY_PROPERTY = "litemodel.gpu.delegate";
  /** The file name of the TensorFlow Lite GPU delegate library that the search looks for. */
  public static final String GPU_LIBRARY_NAME = "libtensorflowlite_gpu_delegate.so";

  /** The kinds of accelerator. */
  public enum Kind {
    /** TensorFlow Lite's CPU kernels, with XNNPACK when enabled in the options. */
    CPU,
    /** The TensorFlow Lite GPU delegate (V2): OpenCL or OpenGL ES. */
    GPU,
    /** A delegate plugin library (like Python's {@code load_delegate}). */
    PLUGIN,
    /** The GPU when its library loads and it accepts the model, otherwise the CPU. */
    AUTO
  }

  /** GPU backend choice ({@code TFLITE_GPU_EXPERIMENTAL_FLAGS_CL_ONLY / GL_ONLY}). */
  public enum GpuBackend {
    /** Let the delegate choose (OpenCL, then OpenGL ES). */
    AUTO,
    /** OpenCL only. */
    OPENCL,
    /** OpenGL ES only. */
    OPENGL
  }

  /** GPU compilation/runtime trade-off ({@code TfLiteGpuInferenceUsage}). */
  public enum GpuUsage {
    /** The delegate is used once: count initialization time in. The library's default. */
    FAST_SINGLE_ANSWER(0),
    /** The delegate is used for many inferences: maximize throughput. */
    SUSTAINED_SPEED(1),
    /** Between the two. */
    BALANCED(2);

    final int code;

    GpuUsage(int code) {
      this.code = code;
    }
  }

  /** GPU inference priorities ({@code TfLiteGpuInferencePriority}). */
  public enum GpuPriority {
    /** Only valid after the higher priorities are fully specified. */
    AUTO(0),
    /** No precision lowering. */
    MAX_PRECISION(1),
    /** Fastest. */
    MIN_LATENCY(2),
    /** Least memory. */
    MIN_MEMORY_USAGE(3);

    final int code;

    GpuPriority(int code) {
      this.code = code;
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

  private static final Accelerator CPU = new Accelerator(Kind.CPU, null, Map.of(), null, -1, null, null, null,
      null, GpuBackend.AUTO, null, null);
  private static final Accelerator AUTO = new Accelerator(Kind.AUTO, null, Map.of(), null, -1, null, null, null,
      null, GpuBackend.AUTO, null, null);
  private static final Accelerator GPU = new Accelerator(Kind.GPU, null, Map.of(), null, -1, null, null, null,
      null, GpuBackend.AUTO, null, null);

  private final Kind kind;
  private final Path library;
  private final Map<String, String> pluginOptions;
  // GPU options; null or -1 keep the library's defaults
  private final Boolean precisionLossAllowed;
  private final int maxPartitions;
  private final GpuUsage usage;
  private final GpuPriority priority1;
  private final GpuPriority priority2;
  private final GpuPriority priority3;
  private final GpuBackend backend;
  private final Path serializationDir;
  private final String modelToken;

  private Accelerator(Kind kind, Path library, Map<String, String> pluginOptions, Boolean precisionLossAllowed,
      int maxPartitions, GpuUsage usage, GpuPriority priority1, GpuPriority priority2, GpuPriority priority3,
      GpuBackend backend, Path serializationDir, String modelToken) {
    this.kind = kind;
    this.library = library;
    this.pluginOptions = pluginOptions;
    this.precisionLossAllowed = precisionLossAllowed;
    this.maxPartitions = maxPartitions;
    this.usage = usage;
    this.priority1 = priority1;
    this.priority2 = priority2;
    this.priority3 = priority3;
    this.backend = backend;
    this.serializationDir = serializationDir;
    this.modelToken = modelToken;
  }

  private Accelerator copy(Path library, Boolean precisionLossAllowed, int maxPartitions, GpuUsage usage,
      GpuPriority p1, GpuPriority p2, GpuPriority p3, GpuBackend backend, Path serializationDir,
      String modelToken) {
    return new Accelerator(kind, library, pluginOptions, precisionLossAllowed, maxPartitions, usage, p1, p2, p3,
        backend, serializationDir, modelToken);
  }

  /** @return the CPU: TensorFlow Lite's kernels, with XNNPACK unless disabled in the options (the default) */
  public static Accelerator cpu() {
    return CPU;
  }

  /**
   * @return the TensorFlow Lite GPU delegate, strictly: building a model fails with
   *     {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} when it cannot be used
   */
  public static Accelerator gpu() {
    return GPU;
  }

  /** @return the GPU when usable, otherwise the CPU (see {@link ExecutionReport#notes()} for why) */
  public static Accelerator auto() {
    return AUTO;
  }

  /**
   * A delegate plugin: a shared library exporting {@code tflite_plugin_create_delegate} and
   * {@code tflite_plugin_destroy_delegate}, given string options (like Python's
   * {@code tf.lite.experimental.load_delegate(library, options)}).
   *
   * @param library the plugin's path (or a bare file name, searched by the dynamic linker)
   * @param options key/value options passed to the plugin, in iteration order
   * @throws IllegalArgumentException if a key is empty or a key or value contains a NUL character
   */
  public static Accelerator plugin(Path library, Map<String, String> options) {
    Objects.requireNonNull(library, "library");
    Objects.requireNonNull(options, "options");
    Map<String, String> copy = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : options.entrySet()) {
      String key = Objects.requireNonNull(entry.getKey(), "option key");
      String value = Objects.requireNonNull(entry.getValue(), "value of option " + key);
      if (key.isEmpty() || key.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("plugin option keys must be non-empty and keys and values free of NUL "
            + "characters; got '" + key + "'");
      }
      copy.put(key, value);
    }
    return new Accelerator(Kind.PLUGIN, library, Collections.unmodifiableMap(copy), null, -1, null, null, null,
        null, GpuBackend.AUTO, null, null);
  }

  /** @return a plugin with no options (see {@link #plugin(Path, Map)}) */
  public static Accelerator plugin(Path library) {
    return plugin(library, Map.of());
  }

  private void requireGpu(String what) {
    if (kind != Kind.GPU && kind != Kind.AUTO) {
      throw new IllegalStateException(what + " applies to the GPU (gpu() or auto()), not to " + kind);
    }
  }

  /**
   * @param path the GPU delegate library to load, overriding the system property and the search path
   * @throws IllegalStateException unless this is {@link #gpu()} or {@link #auto()}
   */
  public Accelerator withLibrary(Path path) {
    requireGpu("withLibrary");
    return copy(Objects.requireNonNull(path, "path"), precisionLossAllowed, maxPartitions, usage, priority1,
        priority2, priority3, backend, serializationDir, modelToken);
  }

  /** @param allowed let the GPU compute in fp16 (faster; about 1e-3 relative error). Library default: no. */
  public Accelerator withPrecisionLossAllowed(boolean allowed) {
    requireGpu("withPrecisionLossAllowed");
    return copy(library, allowed, maxPartitions, usage, priority1, priority2, priority3, backend, serializationDir,
        modelToken);
  }

  /** @param usage the compile/run trade-off. Library default: {@link GpuUsage#FAST_SINGLE_ANSWER}. */
  public Accelerator withUsage(GpuUsage usage) {
    requireGpu("withUsage");
    return copy(library, precisionLossAllowed, maxPartitions, Objects.requireNonNull(usage, "usage"), priority1,
        priority2, priority3, backend, serializationDir, modelToken);
  }

  /**
   * Ordered inference priorities; {@link GpuPriority#AUTO} is only valid after fully specified higher priorities
   * (the delegate rejects the model otherwise). Library default: MAX_PRECISION, AUTO, AUTO.
   */
  public Accelerator withPriorities(GpuPriority first, GpuPriority second, GpuPriority third) {
    requireGpu("withPriorities");
    return copy(library, precisionLossAllowed, maxPartitions, usage, Objects.requireNonNull(first, "first"),
        Objects.requireNonNull(second, "second"), Objects.requireNonNull(third, "third"), backend,
        serializationDir, modelToken);
  }

  /** @param backend force OpenCL or OpenGL ES. Default: {@link GpuBackend#AUTO}. */
  public Accelerator withBackend(GpuBackend backend) {
    requireGpu("withBackend");
    return copy(library, precisionLossAllowed, maxPartitions, usage, priority1, priority2, priority3,
        Objects.requireNonNull(backend, "backend"), serializationDir, modelToken);
  }

  /** @param partitions most graph partitions the GPU takes (library default 1) */
  public Accelerator withMaxDelegatedPartitions(int partitions) {
    requireGpu("withMaxDelegatedPartitions");
    if (partitions < 1) {
      throw new IllegalArgumentException("max delegated partitions must be >= 1, got " + partitions);
    }
    return copy(library, precisionLossAllowed, partitions, usage, priority1, priority2, priority3, backend,
        serializationDir, modelToken);
  }

  /**
   * Caches compiled GPU kernels in {@code directory} under {@code modelToken}, so later starts are fast (OpenCL
   * backend only; sets {@code TFLITE_GPU_EXPERIMENTAL_FLAGS_ENABLE_SERIALIZATION}).
   *
   * @param directory a directory private to the application
   * @param modelToken a name unique to this model (graph and weights)
   */
  public Accelerator withSerialization(Path directory, String modelToken) {
    requireGpu("withSerialization");
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(modelToken, "modelToken");
    if (modelToken.isEmpty() || modelToken.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("model token must be non-empty text, got '" + modelToken + "'");
    }
    return copy(library, precisionLossAllowed, maxPartitions, usage, priority1, priority2, priority3, backend,
        directory, modelToken);
  }

  /** @return the kind */
  public Kind kind() {
    return kind;
  }

  /** @return the explicit library (plugin, or GPU override), or null */
  public Path library() {
    return library;
  }

  /** @return the plugin options (empty unless {@link Kind#PLUGIN}) */
  public Map<String, String> pluginOptions() {
    return pluginOptions;
  }

  Boolean precisionLossAllowed() {
    return precisionLossAllowed;
  }

  int maxPartitions() {
    return maxPartitions;
  }

  GpuUsage usage() {
    return usage;
  }

  GpuPriority priority(int which) {
    return which == 1 ? priority1 : which == 2 ? priority2 : priority3;
  }

  GpuBackend backend() {
    return backend;
  }

  Path serializationDir() {
    return serializationDir;
  }

  String modelToken() {
    return modelToken;
  }

  @Override
  public String toString() {
    switch (kind) {
      case PLUGIN:
        return "PLUGIN(" + library + (pluginOptions.isEmpty() ? "" : ", " + pluginOptions) + ")";
      case GPU:
      case AUTO:
        StringBuilder text = new StringBuilder(kind.name()).append('(');
        if (library != null) {
          text.append("library=").append(library).append(", ");
        }
        if (precisionLossAllowed != null) {
          text.append("precisionLossAllowed=").append(precisionLossAllowed).append(", ");
        }
        if (usage != null) {
          text.append("usage=").append(usage).append(", ");
        }
        if (priority1 != null) {
          text.append("priorities=").append(priority1).append('/').append(priority2).append('/')
              .append(priority3).append(", ");
        }
        if (maxPartitions > 0) {
          text.append("maxPartitions=").append(maxPartitions).append(", ");
        }
        if (serializationDir != null) {
          text.append("serialization=").append(serializationDir).append('#').append(modelToken).append(", ");
        }
        text.append("backend=").append(backend).append(')');
        return text.toString();
      default:
        return kind.name();
    }
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof Accelerator)) {
      return false;
    }
    Accelerator that = (Accelerator) other;
    return kind == that.kind && Objects.equals(library, that.library)
        && pluginOptions.equals(that.pluginOptions) && Objects.equals(precisionLossAllowed,
            that.precisionLossAllowed)
        && maxPartitions == that.maxPartitions && usage == that.usage && priority1 == that.priority1
        && priority2 == that.priority2 && priority3 == that.priority3 && backend == that.backend
        && Objects.equals(serializationDir, that.serializationDir) && Objects.equals(modelToken, that.modelToken);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, library, pluginOptions, precisionLossAllowed, maxPartitions, usage, priority1,
        priority2, priority3, backend, serializationDir, modelToken);
  }
}
