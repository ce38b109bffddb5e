package io.litemodel.cli;

import io.litemodel.LiteModel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code info}: loads a model and prints its inputs, outputs, batching and what runs where. */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Print a model's inputs, outputs, signatures and execution plan.")
final class InfoCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "The .tflite file.")
  Path model;

  @Option(names = "--threads", defaultValue = "1", description = "Threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--no-xnnpack", description = "Run without the XNNPACK delegate.")
  boolean noXnnpack;

  @Override
  public Integer call() {
    LiteModel.Options options = LiteModel.Options.defaults().withThreads(threads).withXnnpack(!noXnnpack);
    try (LiteModel loaded = LiteModel.load(model, options)) {
      System.out.println(loaded);
    }
    return 0;
  }
}
