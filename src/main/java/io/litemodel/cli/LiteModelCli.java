package io.litemodel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * The {@code litemodel} command line: {@code info}, {@code predict}, {@code latency}, {@code check},
 * {@code convert}.
 *
 * <pre>{@code
 * java -jar target/litemodel-cli.jar info --model models/seed_mlp.tflite
 * target/litemodel info --model models/seed_mlp.tflite      # the launcher script beside the jar
 * }</pre>
 *
 * <p>Exit statuses follow {@link ExitStatus}: 0 success, 1 failure, 2 usage error (one line and a hint to
 * {@code --help} on stderr), 3 verification failed (the converter's, or {@code check}'s golden comparison).
 * TensorFlow Lite's own log lines are silent unless {@code --verbose} or {@code -Dlitemodel.native.log=...} asks for
 * them ({@link io.litemodel.NativeLog}).
 */
@Command(
    name = "litemodel",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Run TensorFlow Lite models converted from Keras, from the JVM.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {"0:success", "1:failure", "2:usage error", "3:verification failed (convert, check)"},
    subcommands = {InfoCommand.class, PredictCommand.class, LatencyCommand.class, CheckCommand.class,
        ConvertCommand.class,
        CommandLine.HelpCommand.class})
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
   * @return the exit status ({@link ExitStatus}): 0 success, 1 failure, 2 usage error, 3 verification failed
   */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /**
   * @return the configured picocli command line: failures become one {@code error:} line and status 1, usage
   *     errors one {@code error:} line, a hint to {@code --help} and status 2
   */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new LiteModelCli());
    commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
      cmd.getErr().println(cmd.getColorScheme().errorText("error: " + exception.getMessage()));
      return ExitStatus.FAILURE;
    });
    commandLine.setParameterExceptionHandler(LiteModelCli::usageError);
    // Everything after "convert" is the converter's (its --help included), in order.
    commandLine.getSubcommands().get("convert").setUnmatchedOptionsArePositionalParams(true);
    return commandLine;
  }

  /** A usage error: the reason in one line and where to read more, instead of the whole help text. */
  private static int usageError(ParameterException exception, String[] args) {
    CommandLine cmd = exception.getCommandLine();
    cmd.getErr().println(cmd.getColorScheme().errorText("error: " + exception.getMessage()));
    cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    cmd.getErr().flush();
    return ExitStatus.USAGE;
  }
}
