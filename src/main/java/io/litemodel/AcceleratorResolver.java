package io.litemodel;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the requested {@link Accelerator} into a built {@link NativeInterpreter}: creates the accelerator's
 * delegate, applies AUTO's fallback, enforces strict GPU requests, and records what runs and why for the
 * {@link ExecutionReport}.
 */
final class AcceleratorResolver {
  /** The XNNPACK delegate's kernel name in the execution plan. */
  static final String XNNPACK_KERNEL = "TfLiteXNNPackDelegate";

  private AcceleratorResolver() {}

  /**
   * @throws LiteModelException with {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} when the GPU was
   *     requested strictly and cannot be used, or {@link LiteModelException.Status#DELEGATE_ERROR} when a plugin
   *     cannot be loaded or rejects its options
   */
  static NativeInterpreter create(ModelHandle model, LiteModel.Options options) {
    Accelerator accelerator = options.accelerator();
    switch (accelerator.kind()) {
      case GPU:
        return withAccelerator(model, options, Accelerator.Kind.GPU, new ArrayList<>());
      case AUTO: {
        List<String> notes = new ArrayList<>();
        try {
          return withAccelerator(model, options, Accelerator.Kind.GPU, notes);
        } catch (LiteModelException e) {
          if (e.status() != LiteModelException.Status.ACCELERATOR_UNAVAILABLE) {
            throw e;
          }
          notes.add("AUTO chose the CPU, GPU not used: " + e.getMessage());
          NativeInterpreter cpu = NativeInterpreter.create(model, options, null);
          cpu.describeResolution(Accelerator.Kind.CPU, notes);
          return cpu;
        }
      }
      case PLUGIN:
        return withAccelerator(model, options, Accelerator.Kind.PLUGIN, new ArrayList<>());
      case CPU:
      default: {
        NativeInterpreter cpu = NativeInterpreter.create(model, options, null);
        cpu.describeResolution(Accelerator.Kind.CPU, List.of());
        return cpu;
      }
    }
  }

  private static NativeInterpreter withAccelerator(ModelHandle model, LiteModel.Options options,
      Accelerator.Kind kind, List<String> notes) {
    Accelerator accelerator = options.accelerator();
    NativeInterpreter.DelegateFactory factory = kind == Accelerator.Kind.GPU
        ? () -> List.of(GpuDelegate.create(accelerator))
        : () -> List.of(PluginDelegate.create(accelerator.library(), accelerator.pluginOptions()));
    NativeInterpreter built;
    try {
      built = NativeInterpreter.create(model, options, factory);
    } catch (LiteModelException e) {
      if (kind == Accelerator.Kind.GPU && e.status() != LiteModelException.Status.ACCELERATOR_UNAVAILABLE) {
        // The library loaded but the delegate failed on this model or machine (e.g. no OpenCL/OpenGL device): for
        // the caller that is "GPU unavailable", with TensorFlow Lite's reason.
        throw new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE,
            "GPU accelerator unavailable: the GPU delegate could not be applied to this model: " + e.getMessage(),
            e);
      }
      throw e;
    }
    // TensorFlow Lite may undo a delegate that failed to prepare and go on without it; what it reported tells.
    String errors = built.buildErrors();
    if (!errors.isEmpty()) {
      if (kind == Accelerator.Kind.GPU) {
        built.close();
        throw new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE,
            "GPU accelerator unavailable: the GPU delegate failed while being applied: " + errors);
      }
      notes.add(kind + " reported while being applied: " + errors);
    }
    ExecutionReport report = built.report();
    int acceleratorPartitions = report.partitions() - report.partitionsOf(XNNPACK_KERNEL);
    if (report.planSize() >= 0 && acceleratorPartitions == 0 && options.accelerator().kind() == Accelerator.Kind.AUTO) {
      // AUTO promises "GPU if usable": a GPU that takes no operator is not, so don't keep its delegate around.
      built.close();
      throw new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE,
          kind + " took no operator of this model (none it supports)");
    }
    if (report.planSize() >= 0 && acceleratorPartitions == 0) {
      notes.add(kind + " took no operator (none it supports); everything runs on the CPU"
          + (options.xnnpack() ? " (XNNPACK and built-in kernels)" : " (built-in kernels)"));
    } else if (!report.cpuOperators().isEmpty() || report.partitionsOf(XNNPACK_KERNEL) > 0) {
      notes.add(kind + " took " + acceleratorPartitions + " partition(s); operators it does not support run on "
          + "the CPU" + (options.xnnpack() ? " (XNNPACK first, then built-in kernels)" : ""));
    }
    built.describeResolution(kind, notes);
    return built;
  }
}
