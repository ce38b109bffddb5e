package io.litemodel.internal.runtime;

import io.litemodel.Accelerator;
import io.litemodel.AutoAccelerator;
import io.litemodel.ExecutionReport;
import io.litemodel.GpuAccelerator;
import io.litemodel.GpuDelegateAccelerator;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.PluginAccelerator;
import io.litemodel.internal.core.ModelInterpreter;
import io.litemodel.internal.litert.LiteRtInterpreter;
import io.litemodel.internal.tflite.GpuDelegate;
import io.litemodel.internal.tflite.ModelHandle;
import io.litemodel.internal.tflite.NativeInterpreter;
import io.litemodel.internal.tflite.PluginDelegate;
import io.litemodel.internal.tflite.XnnpackDelegate;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the runtime under a {@link LiteModel} from its settings: one switch over {@link Accelerator.Kind} decides,
 * for every kind, which runtime runs the model and which delegates it gets, and records what runs and why for the
 * {@link ExecutionReport}. Loading only goes down: {@link LiteModel} asks this factory, the factory reads the
 * settings and builds a runtime; the settings types never build anything. Adding a kind is one settings type, one
 * case here and one table in {@code io.litemodel.OptionsCodec} (javac finds the missing case: the switches have no default).
 */
final class RuntimeFactory {
  private RuntimeFactory() {}

  /**
   * @return the runtime that runs {@code model} where {@code options} say: TensorFlow Lite's interpreter with the
   *     accelerator's delegates first and XNNPACK after them when the options enable it, or LiteRT's compiled model
   *     for the GPU
   * @throws LiteModelException with {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} when a GPU was
   *     requested strictly and cannot be used, or {@link LiteModelException.Status#DELEGATE_ERROR} when a plugin
   *     cannot be loaded or rejects its options
   */
  static ModelInterpreter create(ModelHandle model, LiteModel.Options options) {
    Accelerator accelerator = options.accelerator();
    // The kind names the settings type (one type per kind), so each cast below is the kind's own type.
    return switch (accelerator.kind()) {
      case CPU -> onCpu(model, options, List.of());
      case GPU -> LiteRtInterpreter.create(model, options, (GpuAccelerator) accelerator, new ArrayList<>());
      case GPU_DELEGATE -> {
        GpuDelegateAccelerator gpu = (GpuDelegateAccelerator) accelerator;
        yield delegated(model, options, Accelerator.Kind.GPU_DELEGATE, () -> List.of(GpuDelegate.create(gpu)));
      }
      case PLUGIN -> {
        PluginAccelerator plugin = (PluginAccelerator) accelerator;
        yield delegated(model, options, Accelerator.Kind.PLUGIN,
            () -> List.of(PluginDelegate.create(plugin.library(), plugin.pluginOptions())));
      }
      case AUTO -> auto(model, options, (AutoAccelerator) accelerator);
    };
  }

  /**
   * AUTO: tries LiteRT's GPU; a GPU that is unavailable (for any reason) or takes no operator leaves the model on the
   * CPU, with a note why.
   */
  private static ModelInterpreter auto(ModelHandle model, LiteModel.Options options, AutoAccelerator auto) {
    List<String> notes = new ArrayList<>();
    try {
      LiteRtInterpreter onGpu = LiteRtInterpreter.create(model, options, auto.gpuAccelerator(), notes);
      if (onGpu.gpuTookSomething()) {
        return onGpu;
      }
      onGpu.close();
      throw new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE,
          "LiteRT's GPU accelerator took no operator of this model that LiteRT reported");
    } catch (LiteModelException e) {
      if (e.status() != LiteModelException.Status.ACCELERATOR_UNAVAILABLE) {
        throw e;
      }
      notes.add("AUTO chose the CPU, GPU not used: " + e.getMessage());
      return onCpu(model, options, notes);
    }
  }

  /** @return an interpreter on the CPU kernels (and XNNPACK, when enabled), reporting {@code notes} */
  private static NativeInterpreter onCpu(ModelHandle model, LiteModel.Options options, List<String> notes) {
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
  private static NativeInterpreter delegated(ModelHandle model, LiteModel.Options options, Accelerator.Kind kind,
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
    int acceleratorPartitions = report.partitions() - report.partitionsOf(XnnpackDelegate.KERNEL_NAME);
    if (report.planSize() >= 0 && acceleratorPartitions == 0) {
      notes.add(kind + " took no operator (none it supports); everything runs on the CPU"
          + (options.xnnpack() ? " (XNNPACK and built-in kernels)" : " (built-in kernels)"));
    } else if (!report.cpuOperators().isEmpty() || report.partitionsOf(XnnpackDelegate.KERNEL_NAME) > 0) {
      notes.add(kind + " took " + acceleratorPartitions + " partition(s); operators it does not support run on "
          + "the CPU" + (options.xnnpack() ? " (XNNPACK first, then built-in kernels)" : ""));
    }
    built.describeResolution(kind, notes);
    return built;
  }
}
