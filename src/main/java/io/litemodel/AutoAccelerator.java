package io.litemodel;

import java.util.Objects;

/**
 * AUTO: LiteRT's GPU accelerator ({@link GpuAccelerator}) when it is usable on a hardware GPU, otherwise the CPU, with
 * {@link ExecutionReport#notes()} saying why the GPU was not used. A software Vulkan device (SwiftShader, lavapipe) is
 * never chosen here, since the CPU path is faster than it; ask for one explicitly with
 * {@code Accelerator.gpu().withSoftwareAdapter(true)}. The classic GPU delegate ({@link Accelerator#gpuDelegate()}) is
 * never tried automatically either. Immutable. Get one from {@link Accelerator#auto()}.
 */
public final class AutoAccelerator extends Accelerator {
  static final AutoAccelerator DEFAULTS = new AutoAccelerator(GpuAccelerator.DEFAULTS);

  private final GpuAccelerator gpu;

  private AutoAccelerator(GpuAccelerator gpu) {
    this.gpu = gpu;
  }

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
    return new AutoAccelerator(gpu.withCpuFallback(allowed));
  }

  @Override
  public String toString() {
    return "AUTO(GPU if a hardware Vulkan device runs it, else CPU; cpuFallback=" + gpu.cpuFallback() + ")";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AutoAccelerator that && gpu.equals(that.gpu);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Kind.AUTO, gpu);
  }
}
