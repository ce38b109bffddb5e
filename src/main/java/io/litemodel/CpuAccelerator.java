package io.litemodel;

/**
 * The CPU: TensorFlow Lite's kernels, with the XNNPACK delegate unless disabled in {@link LiteModel.Options}. It
 * has no options of its own. Get it from {@link Accelerator#cpu()}.
 */
public final class CpuAccelerator extends Accelerator {
  static final CpuAccelerator INSTANCE = new CpuAccelerator();

  private CpuAccelerator() {}

  /** @return {@link Accelerator.Kind#CPU} */
  @Override
  public Kind kind() {
    return Kind.CPU;
  }

  @Override
  public String toString() {
    return Kind.CPU.name();
  }
}
