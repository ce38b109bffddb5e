package io.litemodel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code litemodel} command line: {@code info}, {@code latency}, {@code predict}.
 *
 * <pre>{@code
 * java -jar target/litemodel-cli.jar info --model models/seed_mlp.tflite
 * }</pre>
 */
@Command(
    name = "litemodel",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Run TensorFlow Lite models converted from Keras, from the JVM.",
    subcommands = {InfoCommand.class, PredictCommand.class, LatencyCommand.class, CommandLine.HelpCommand.class})
public final class LiteModelCli {
  private LiteModelCli() {}

  /**
   * Runs the command line and exits with its status.
   *
   * @param args command line arguments
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the command line without exiting (for tests and embedding).
   *
   * @param args command line arguments
   * @return the exit status: 0 success, 1 failure, 2 usage error
   */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** @return the configured picocli command line, with exceptions turned into one-line messages and status 1 */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new LiteModelCli());
    commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
      cmd.getErr().println(cmd.getColorScheme().errorText("error: " + exception.getMessage()));
      return 1;
    });
    return commandLine;
  }
}
