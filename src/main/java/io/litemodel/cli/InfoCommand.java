package io.litemodel.cli;

import io.litemodel.InferenceModel;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code info}: loads a model and prints its inputs, outputs, batching and what runs where, then which runtimes and
 * image decoders this command line has, and how to add a missing one ({@link RuntimeInventory}).
 */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = {"Print a model's inputs, outputs, signatures and execution plan.",
        "Then which runtimes (TensorFlow Lite, LiteRT GPU, TensorFlow C API) and image decoders (OpenCV, ImageIO) "
            + "this command line has, and how to add a missing one."})
final class InfoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ModelOptions modelOptions;

  @Override
  public Integer call() {
    modelOptions.validate(spec.commandLine());
    PrintWriter out = spec.commandLine().getOut();
    try (InferenceModel loaded = modelOptions.open(modelOptions.toOptions())) {
      out.println(loaded);
    }
    RuntimeInventory.current().lines().forEach(out::println);
    out.flush();
    return 0;
  }
}
