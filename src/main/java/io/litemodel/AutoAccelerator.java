package io.litemodel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * AUTO: the GPU delegate when its library loads, it applies to the model and takes at least one operator;
 * otherwise the CPU, with the reason in {@link ExecutionReport#notes()}. Carries the {@link GpuAccelerator} it tries
 * (its {@code with} methods set that GPU's options). Immutable. Get one from {@link Accelerator#auto()}.
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

  /** @return the GPU tried first, with the options set on this instance */
  public GpuAccelerator gpuAccelerator() {
    return gpu;
  }

  /**
   * @param path see {@link GpuAccelerator#withLibrary(Path)}
   * @return a copy whose GPU has this option set
   */
  public AutoAccelerator withLibrary(Path path) {
    return new AutoAccelerator(gpu.withLibrary(path));
  }

  /**
   * @param allowed see {@link GpuAccelerator#withPrecisionLossAllowed(boolean)}
   * @return a copy whose GPU has this option set
   */
  public AutoAccelerator withPrecisionLossAllowed(boolean allowed) {
    return new AutoAccelerator(gpu.withPrecisionLossAllowed(allowed));
  }

  /**
   * @param usage see {@link GpuAccelerator#withUsage(Accelerator.GpuUsage)}
   * @return a copy whose GPU has this option set
   */
  public AutoAccelerator withUsage(Accelerator.GpuUsage usage) {
    return new AutoAccelerator(gpu.withUsage(usage));
  }

  /**
   * See {@link GpuAccelerator#withPriorities}.
   *
   * @param first the first priority
   * @param second the second priority
   * @param third the third priority
   * @return a copy whose GPU has this option set
   */
  public AutoAccelerator withPriorities(Accelerator.GpuPriority first, Accelerator.GpuPriority second,
      Accelerator.GpuPriority third) {
    return new AutoAccelerator(gpu.withPriorities(first, second, third));
  }

  /**
   * @param backend see {@link GpuAccelerator#withBackend(Accelerator.GpuBackend)}
   * @return a copy whose GPU has this option set
   */
  public AutoAccelerator withBackend(Accelerator.GpuBackend backend) {
    return new AutoAccelerator(gpu.withBackend(backend));
  }

  /**
   * @param partitions see {@link GpuAccelerator#withMaxDelegatedPartitions(int)}
   * @return a copy whose GPU has this option set
   */
  public AutoAccelerator withMaxDelegatedPartitions(int partitions) {
    return new AutoAccelerator(gpu.withMaxDelegatedPartitions(partitions));
  }

  /**
   * See {@link GpuAccelerator#withSerialization(Path, String)}.
   *
   * @param directory a directory private to the application
   * @param modelToken a name unique to this model (graph and weights)
   * @return a copy whose GPU has this option set
   */
  public AutoAccelerator withSerialization(Path directory, String modelToken) {
    return new AutoAccelerator(gpu.withSerialization(directory, modelToken));
  }

  /** Tries the GPU; a GPU that is unavailable (for any reason) leaves the model on the CPU, with a note why. */
  @Override
  NativeInterpreter createInterpreter(ModelHandle model, LiteModel.Options options) {
    List<String> notes = new ArrayList<>();
    try {
      return gpu.createInterpreter(model, options, true, notes);
    } catch (LiteModelException e) {
      if (e.status() != LiteModelException.Status.ACCELERATOR_UNAVAILABLE) {
        throw e;
      }
      notes.add("AUTO chose the CPU, GPU not used: " + e.getMessage());
      return AcceleratorResolver.onCpu(model, options, notes);
    }
  }

  @Override
  public String toString() {
    return gpu.describe(Kind.AUTO);
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
