package io.litemodel.cli;

import io.litemodel.LiteModel;
import io.litemodel.NativeLog;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options every command that loads a model shares ({@code --model}, {@code --threads}, {@code --no-xnnpack},
 * {@code --isolate}, {@code --memory-budget}, {@code --verbose}), as a picocli mixin, with their validation and their
 * translation into {@link LiteModel.Options}.
 */
final class ModelOptions {
  @Option(names = "--model", required = true, paramLabel = "MODEL.tflite", description = "The .tflite file.")
  Path model;

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
    if (!Files.isRegularFile(model)) {
      throw new ParameterException(commandLine, "--model: no such file: " + model);
    }
  }

  /** @return the options these flags ask for */
  LiteModel.Options toOptions() {
    return LiteModel.Options.defaults().withThreads(threads).withXnnpack(!noXnnpack).withChildProcessCheck(isolate)
        .withMemoryBudget(memoryBudgetMib << 20);
  }
}
