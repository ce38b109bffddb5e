package io.litemodel;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the requested {@link Accelerator} into a built {@link ModelInterpreter}. Each kind decides how it is
 * applied ({@link Accelerator#createInterpreter}); the steps the TensorFlow Lite kinds share live here: building with
 * the accelerator's delegates first, enforcing strict GPU delegate requests, and recording what runs and why for the
 * {@link ExecutionReport}.
 */
final class AcceleratorResolver {
  /** The XNNPACK delegate's kernel name in the execution plan. */
  static final String XNNPACK_KERNEL = "TfLiteXNNPackDelegate";

  private AcceleratorResolver() {}

  /**
   * @throws LiteModelException with {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} when a GPU was
   *     requested strictly and cannot be used, or {@link LiteModelException.Status#DELEGATE_ERROR} when a plugin
   *     cannot be loaded or rejects its options
   */
  static ModelInterpreter create(ModelHandle model, LiteModel.Options options) {
    return options.accelerator().createInterpreter(model, options);
  }

  /** @return an interpreter on the CPU kernels (and XNNPACK, when enabled), reporting {@code notes} */
  static NativeInterpreter onCpu(ModelHandle model, LiteModel.Options options, List<String> notes) {
    NativeInterpreter cpu = NativeInterpreter.create(model, options, null);
    cpu.describeResolution(Accelerator.Kind.CPU, notes);
    return cpu;
  }

  /**
   * Builds an interpreter with an accelerator's delegates first. For the GPU delegate, any failure to apply it is
   * {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} (strict); a plugin's complaints become notes.
   *
   * @param kind the kind the report names
   * @param factory creates the accelerator's delegates
   */
  static NativeInterpreter delegated(ModelHandle model, LiteModel.Options options, Accelerator.Kind kind,
      NativeInterpreter.DelegateFactory factory) {
    List<String> notes = new ArrayList<>();
    NativeInterpreter built;
    try {
      built = NativeInterpreter.create(model, options, factory);
    } catch (LiteModelException e) {
      if (kind == Accelerator.Kind.GPU_DELEGATE && e.status() != LiteModelException.Status.ACCELERATOR_UNAVAILABLE) {
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
      if (kind == Accelerator.Kind.GPU_DELEGATE) {
        built.close();
        throw new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE,
            "GPU accelerator unavailable: the GPU delegate failed while being applied: " + errors);
      }
      notes.add(kind + " reported while being applied: " + errors);
    }
    ExecutionReport report = built.report();
    int acceleratorPartitions = report.partitions() - report.partitionsOf(XNNPACK_KERNEL);
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
