package io.litemodel;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The classic TensorFlow Lite GPU delegate (V2, OpenCL or OpenGL ES) from a library the user provides, and its
 * options, strictly: building a model fails with {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} when the
 * delegate cannot be used (see {@link Accelerator#gpuDelegate()} for where its library is looked for). No package
 * LiteModel can depend on ships that library for desktop Linux; it is for users who build one. LiteModel's own GPU
 * path is {@link Accelerator#gpu()} (LiteRT). Immutable; each {@code with} method returns a new instance. Options
 * left unset keep the library's defaults.
 */
public final class GpuDelegateAccelerator extends Accelerator {
  static final GpuDelegateAccelerator DEFAULTS = new GpuDelegateAccelerator();

  // Set only by the with-methods, on a fresh copy, before the instance is returned: instances never change.
  // Null (or -1) keeps the library's default.
  private Path library;
  private Boolean precisionLossAllowed;
  private int maxPartitions = -1;
  private Accelerator.GpuUsage usage;
  private Accelerator.GpuPriority priority1;
  private Accelerator.GpuPriority priority2;
  private Accelerator.GpuPriority priority3;
  private Accelerator.GpuBackend backend = Accelerator.GpuBackend.AUTO;
  private Path serializationDir;
  private String modelToken;

  private GpuDelegateAccelerator() {}

  /** @return {@link Accelerator.Kind#GPU_DELEGATE} */
  @Override
  public Kind kind() {
    return Kind.GPU_DELEGATE;
  }

  /**
   * @param path the GPU delegate library to load, overriding the system property and the search path
   * @return a copy with this option set
   */
  public GpuDelegateAccelerator withLibrary(Path path) {
    GpuDelegateAccelerator copy = copy();
    copy.library = Objects.requireNonNull(path, "path");
    return copy;
  }

  /**
   * @param allowed let the GPU compute in fp16 (faster; about 1e-3 relative error). Library default: no.
   * @return a copy with this option set
   */
  public GpuDelegateAccelerator withPrecisionLossAllowed(boolean allowed) {
    GpuDelegateAccelerator copy = copy();
    copy.precisionLossAllowed = allowed;
    return copy;
  }

  /**
   * @param usage the compile/run trade-off. Library default: {@link Accelerator.GpuUsage#FAST_SINGLE_ANSWER}.
   * @return a copy with this option set
   */
  public GpuDelegateAccelerator withUsage(Accelerator.GpuUsage usage) {
    GpuDelegateAccelerator copy = copy();
    copy.usage = Objects.requireNonNull(usage, "usage");
    return copy;
  }

  /**
   * Ordered inference priorities; {@link Accelerator.GpuPriority#AUTO} is only valid after fully specified higher
   * priorities (the delegate rejects the model otherwise). Library default: MAX_PRECISION, AUTO, AUTO.
   *
   * @param first the first priority
   * @param second the second priority
   * @param third the third priority
   * @return a copy with this option set
   */
  public GpuDelegateAccelerator withPriorities(Accelerator.GpuPriority first, Accelerator.GpuPriority second,
      Accelerator.GpuPriority third) {
    GpuDelegateAccelerator copy = copy();
    copy.priority1 = Objects.requireNonNull(first, "first");
    copy.priority2 = Objects.requireNonNull(second, "second");
    copy.priority3 = Objects.requireNonNull(third, "third");
    return copy;
  }

  /**
   * @param backend force OpenCL or OpenGL ES. Default: {@link Accelerator.GpuBackend#AUTO}.
   * @return a copy with this option set
   */
  public GpuDelegateAccelerator withBackend(Accelerator.GpuBackend backend) {
    GpuDelegateAccelerator copy = copy();
    copy.backend = Objects.requireNonNull(backend, "backend");
    return copy;
  }

  /**
   * @param partitions most graph partitions the GPU takes (library default 1)
   * @return a copy with this option set
   */
  public GpuDelegateAccelerator withMaxDelegatedPartitions(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("max delegated partitions must be >= 1, got " + partitions);
    }
    GpuDelegateAccelerator copy = copy();
    copy.maxPartitions = partitions;
    return copy;
  }

  /**
   * Caches compiled GPU kernels in {@code directory} under {@code modelToken}, so later starts are fast (OpenCL
   * backend only; sets {@code TFLITE_GPU_EXPERIMENTAL_FLAGS_ENABLE_SERIALIZATION}).
   *
   * @param directory a directory private to the application
   * @param modelToken a name unique to this model (graph and weights)
   * @return a copy with this option set
   */
  public GpuDelegateAccelerator withSerialization(Path directory, String modelToken) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(modelToken, "modelToken");
    if (modelToken.isEmpty() || modelToken.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("model token must be non-empty text, got '" + modelToken + "'");
    }
    GpuDelegateAccelerator copy = copy();
    copy.serializationDir = directory;
    copy.modelToken = modelToken;
    return copy;
  }

  /** @return the explicit GPU delegate library, or null to search for it */
  public Path library() {
    return library;
  }

  public Boolean precisionLossAllowed() {
    return precisionLossAllowed;
  }

  public int maxPartitions() {
    return maxPartitions;
  }

  public Accelerator.GpuUsage usage() {
    return usage;
  }

  public Accelerator.GpuPriority priority(int which) {
    return which == 1 ? priority1 : which == 2 ? priority2 : priority3;
  }

  public Accelerator.GpuBackend backend() {
    return backend;
  }

  public Path serializationDir() {
    return serializationDir;
  }

  public String modelToken() {
    return modelToken;
  }

  /** @return the options that differ from the library's defaults, as {@code GPU_DELEGATE(option=value, ...)} */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(Kind.GPU_DELEGATE.name()).append('(');
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
      text.append("priorities=").append(priority1).append('/').append(priority2).append('/').append(priority3)
          .append(", ");
    }
    if (maxPartitions > 0) {
      text.append("maxPartitions=").append(maxPartitions).append(", ");
    }
    if (serializationDir != null) {
      text.append("serialization=").append(serializationDir).append('#').append(modelToken).append(", ");
    }
    return text.append("backend=").append(backend).append(')').toString();
  }
}
