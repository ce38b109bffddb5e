package io.litemodel.cli;

import io.litemodel.Accelerator;
import io.litemodel.InferenceModel;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.NativeLog;
import io.litemodel.open.ModelFormat;
import io.litemodel.open.Models;
import io.litemodel.open.OpenOptions;
import io.litemodel.tensorflow.DevicePlacement;
import io.litemodel.tensorflow.TfOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options every command that loads a model shares ({@code --model}, {@code --threads}, {@code --no-xnnpack},
 * {@code --isolate}, {@code --memory-budget}, {@code --verbose}), as a picocli mixin, with their validation and their
 * translation into {@link LiteModel.Options}. {@code --model} may also be a SavedModel directory or a frozen graph
 * {@code .pb} (then {@code --input-op}/{@code --output-op}), which the TensorFlow runtime opens ({@link Models#open}).
 */
final class ModelOptions {
  @Option(names = "--model", required = true, paramLabel = "MODEL",
      description = "The .tflite file, or a SavedModel directory or frozen graph .pb (TensorFlow runtime).")
  Path model;

  @Option(names = "--input-op", paramLabel = "NAME[:i]", split = ",",
      description = "A frozen graph's input operations, in order (.pb models only; repeatable or comma-separated).")
  List<String> inputOps = new ArrayList<>();

  @Option(names = "--output-op", paramLabel = "NAME[:i]", split = ",",
      description = "A frozen graph's output operations, in order (.pb models only).")
  List<String> outputOps = new ArrayList<>();

  @Option(names = "--signature", paramLabel = "KEY",
      description = "The SavedModel signature to run (default: " + TfOptions.DEFAULT_SIGNATURE + ").")
  String signature;

  @Option(names = "--tag", paramLabel = "TAG", split = ",",
      description = "The SavedModel meta graph's tags (default: " + TfOptions.SERVE_TAG + ").")
  List<String> tags = new ArrayList<>();

  @Option(names = "--device", paramLabel = "auto|cpu|gpu",
      description = "Where the model runs: cpu, gpu (fail without one) or auto (the GPU when usable, else the CPU; "
          + "the report says why). A .tflite model's GPU is LiteRT's GPU accelerator over Vulkan (default: cpu); the "
          + "TensorFlow runtime's is CUDA (default: auto).")
  String device;

  @Option(names = "--software-gpu", description = "Let --device gpu run a .tflite model on a software Vulkan device "
      + "(SwiftShader): correct but slow, for checking the GPU path on a machine without a GPU.")
  boolean softwareGpu;

  @Option(names = "--threads", defaultValue = "1",
      description = "Threads TensorFlow Lite (and XNNPACK) may use inside each invocation (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--no-xnnpack", description = "Run without the XNNPACK delegate (built-in kernels only).")
  boolean noXnnpack;

  @Option(names = "--isolate", description = "Load and run the model in a short-lived child process first, and "
      + "only then here: a model that crashes native code is refused with an error instead of ending this process "
      + "(for models you did not make; costs about a JVM start).")
  boolean isolate;

  @Option(names = "--memory-budget", paramLabel = "MiB", description = "Most tensor memory the model may take, in "
      + "MiB, checked before anything is allocated; larger batches are split (default: 1024).")
  long memoryBudgetMib = LiteModel.Options.DEFAULT_MEMORY_BUDGET >> 20;

  /**
   * Shows TensorFlow Lite's informational log lines, which are silent by default.
   *
   * @param verbose whether the flag was given
   */
  @Option(names = {"-v", "--verbose"},
      description = "Show TensorFlow Lite's own log lines (silent by default; also -Dlitemodel.native.log=LEVEL).")
  void verbose(boolean verbose) {
    if (verbose) {
      NativeLog.INFO.apply();
    }
  }

  /**
   * Checks the options before anything is loaded, so that mistakes are usage errors (exit status 2).
   *
   * @param commandLine the command, for the exception
   * @throws ParameterException on a bad value
   */
  void validate(CommandLine commandLine) {
    if (threads < 1) {
      throw new ParameterException(commandLine, "--threads must be at least 1, got " + threads);
    }
    if (memoryBudgetMib < 1) {
      throw new ParameterException(commandLine, "--memory-budget must be at least 1 (MiB), got " + memoryBudgetMib);
    }
    if (!Files.exists(model)) {
      throw new ParameterException(commandLine, "--model: no such file: " + model);
    }
    ModelFormat format = ModelFormat.of(model);
    if (format == ModelFormat.FROZEN_GRAPH && (inputOps.isEmpty() || outputOps.isEmpty())) {
      throw new ParameterException(commandLine, "--model " + model + " is a frozen graph: give its --input-op and "
          + "--output-op operation names");
    }
    if (format != ModelFormat.FROZEN_GRAPH && !(inputOps.isEmpty() && outputOps.isEmpty())) {
      throw new ParameterException(commandLine, "--input-op and --output-op apply to frozen graph .pb models only");
    }
    if (format != ModelFormat.SAVED_MODEL && (signature != null || !tags.isEmpty())) {
      throw new ParameterException(commandLine, "--signature and --tag apply to SavedModel directories only");
    }
    DevicePlacement placement = placement(commandLine);
    if (softwareGpu && (format.tensorFlow() || placement != DevicePlacement.GPU)) {
      throw new ParameterException(commandLine, "--software-gpu applies to --device gpu with a .tflite model");
    }
    if (format.tensorFlow() && (noXnnpack || isolate)) {
      throw new ParameterException(commandLine, (noXnnpack ? "--no-xnnpack" : "--isolate")
          + " applies to .tflite models only; " + model + " opens on the TensorFlow runtime");
    }
  }

  private DevicePlacement placement(CommandLine commandLine) {
    if (device == null) {
      return tensorFlow() ? DevicePlacement.AUTO : DevicePlacement.CPU;
    }
    try {
      return DevicePlacement.valueOf(device.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(commandLine, "--device must be auto, cpu or gpu, got '" + device + "'");
    }
  }

  /** @return true when {@code --model} opens on the TensorFlow runtime */
  boolean tensorFlow() {
    return ModelFormat.of(model).tensorFlow();
  }

  /** @return the TensorFlow runtime options these flags ask for (threads for both of its pools) */
  TfOptions toTfOptions() {
    TfOptions options = TfOptions.defaults().withIntraOpThreads(threads).withInterOpThreads(threads)
        .withPlacement(device == null ? DevicePlacement.AUTO : DevicePlacement.valueOf(device.toUpperCase(Locale.ROOT)));
    if (signature != null) {
      options = options.withSignature(signature);
    }
    if (!tags.isEmpty()) {
      options = options.withTags(tags.toArray(new String[0]));
    }
    return options;
  }

  /**
   * Opens the model with the right runtime.
   *
   * @param liteOptions options for a .tflite model (from {@link #toOptions()}, maybe refined by the command)
   * @return the loaded model
   * @throws LiteModelException as {@link Models#open}; when the TensorFlow runtime is missing, the message says how
   *     to add it to the command line ({@link RuntimeInventory})
   */
  InferenceModel open(LiteModel.Options liteOptions) {
    try {
      return Models.open(model, OpenOptions.defaults().withLite(liteOptions).withTensorFlow(toTfOptions())
          .withFrozenGraphOps(inputOps, outputOps));
    } catch (LiteModelException e) {
      if (tensorFlow() && e.status() == LiteModelException.Status.NATIVE_LIBRARY_UNAVAILABLE) {
        // The library names Maven coordinates; a command-line user needs the command that adds the runtime.
        RuntimeStatus runtime = RuntimeInventory.current().tensorFlow();
        if (!runtime.present()) {
          throw new LiteModelException(e.status(), "The TensorFlow runtime is not available: " + runtime.detail()
              + ". To add it: " + runtime.howToAdd().orElseThrow(), e);
        }
      }
      throw e;
    }
  }

  /** @return the options these flags ask for */
  LiteModel.Options toOptions() {
    String where = device == null ? "cpu" : device.toLowerCase(Locale.ROOT);
    Accelerator accelerator = switch (where) {
      case "gpu" -> Accelerator.gpu().withSoftwareAdapter(softwareGpu);
      case "auto" -> Accelerator.auto();
      default -> Accelerator.cpu();
    };
    return LiteModel.Options.defaults().withThreads(threads).withXnnpack(!noXnnpack).withChildProcessCheck(isolate)
        .withMemoryBudget(memoryBudgetMib << 20).withAccelerator(accelerator);
  }
}
