package io.litemodel;

/**
 * AUTO: LiteRT's GPU accelerator ({@link GpuAccelerator}) when it is usable on a hardware GPU, otherwise the CPU, with
 * {@link ExecutionReport#notes()} saying why the GPU was not used. A software Vulkan device (SwiftShader, lavapipe) is
 * never chosen here, since the CPU path is faster than it; ask for one explicitly with
 * {@code Accelerator.gpu().withSoftwareAdapter(true)}. The classic GPU delegate ({@link Accelerator#gpuDelegate()}) is
 * never tried automatically either. Immutable. Get one from {@link Accelerator#auto()}.
 */
public final class AutoAccelerator extends Accelerator {
  static final AutoAccelerator DEFAULTS = new AutoAccelerator();

  // Set only by the with-methods, on a fresh copy, before the instance is returned: instances never change.
  private GpuAccelerator gpu = GpuAccelerator.DEFAULTS;

  private AutoAccelerator() {}

  /** @return {@link Accelerator.Kind#AUTO} */
  @Override
  public Kind kind() {
    return Kind.AUTO;
  }

  /** @return the GPU tried first, with the options set on this instance (never a software adapter) */
  public GpuAccelerator gpuAccelerator() {
    return gpu;
  }

  /**
   * @param allowed let operators the GPU does not take run on LiteRT's CPU accelerator (the default); when false, a
   *     model the GPU does not take whole runs on LiteModel's CPU path instead
   * @return a copy with this option set
   */
  public AutoAccelerator withCpuFallback(boolean allowed) {
    AutoAccelerator copy = copy();
    copy.gpu = gpu.withCpuFallback(allowed);
    return copy;
  }

  @Override
  public String toString() {
    return "AUTO(GPU if a hardware Vulkan device runs it, else CPU; cpuFallback=" + gpu.cpuFallback() + ")";
  }
}
