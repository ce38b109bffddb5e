package io.litemodel.cli;

import io.litemodel.LiteModel;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code info}: loads a model and prints its inputs, outputs, batching and what runs where. */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Print a model's inputs, outputs, signatures and execution plan.")
final class InfoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, description = "The .tflite file.")
  Path model;

  @Option(names = "--threads", defaultValue = "1", description = "Threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--no-xnnpack", description = "Run without the XNNPACK delegate.")
  boolean noXnnpack;

  @Override
  public Integer call() {
    LiteModel.Options options = LiteModel.Options.defaults().withThreads(threads).withXnnpack(!noXnnpack);
    PrintWriter out = spec.commandLine().getOut();
    try (LiteModel loaded = LiteModel.load(model, options)) {
      out.println(loaded);
    }
    out.flush();
    return 0;
  }
}
