package io.litemodel.cli;

import io.litemodel.tensorflow.TfModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One step of the demo ({@code mvn -Pdemo package}, README): runs one {@code litemodel} command in a child JVM on
 * this class path, shows its output, and ends with one line, {@code demo step TITLE: PASS}, {@code FAIL} or
 * {@code SKIPPED}, and the reason. A failed step exits non-zero, so the build fails; a skipped one does not.
 *
 * <pre>{@code
 * java -cp CLASSPATH io.litemodel.cli.DemoStep "check image_cnn" -- check --model models/image_cnn.tflite
 * java -cp CLASSPATH io.litemodel.cli.DemoStep "TensorFlow runtime" --needs-tensorflow -- check --model ...
 * }</pre>
 *
 * <p>Quiet unless the system property {@value #VERBOSE_PROPERTY} is true: TensorFlow's C++ runtime reads its log
 * level ({@value #TF_LOG_LEVEL}) from the environment when its library loads, so the child starts with it at 1 (no
 * INFO lines); the two lines TensorFlow 2.18 logs through its own copy of absl, which that variable does not reach
 * (see {@link #isTensorFlowAbslInfo}), are left out of the output. TensorFlow Lite's are silent already
 * ({@link io.litemodel.NativeLog}).
 */
public final class DemoStep {
  /** {@code -Dlitemodel.demo.verbose=true}: TensorFlow's INFO lines too. */
  static final String VERBOSE_PROPERTY = "litemodel.demo.verbose";
  /** The environment variable TensorFlow's C++ runtime reads its minimum log level from. */
  static final String TF_LOG_LEVEL = "TF_CPP_MIN_LOG_LEVEL";
  static final String NEEDS_TENSORFLOW = "--needs-tensorflow";

  /**
   * absl's INFO line prefix: {@code I1207 10:11:34.663332   12633 file.cc:401] } (month and day, time, thread), or
   * before absl is initialized {@code I0000 00:00:1796638294.663332   12633 file.cc:401] } (seconds since 1970).
   */
  private static final Pattern ABSL_INFO = Pattern.compile("^I\\d{4} \\d\\d:\\d\\d:\\d+\\.\\d+ +\\d+ \\S+:\\d+\\] .*");
  /** What absl prints once before its first line when nothing initialized its log. */
  static final String ABSL_UNINITIALIZED =
      "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR";

  /** How a step ended. */
  enum Outcome { PASS, FAIL, SKIPPED }

  /**
   * How a step ended, and why.
   *
   * @param outcome pass, fail or skipped
   * @param reason why, in words
   * @param exitStatus what the step exits with: the command's status when it failed, else 0 (the build goes on)
   */
  record Status(Outcome outcome, String reason, int exitStatus) {
    /** @return the step's last line, e.g. {@code demo step check image_cnn: PASS (exit status 0)} */
    String line(String title) {
      return "demo step " + title + ": " + outcome + " (" + reason + ")";
    }
  }

  private DemoStep() {}

  /**
   * Runs a step and exits: 0 when it passed or was skipped, else the command's exit status.
   *
   * @param args the title, optionally {@value #NEEDS_TENSORFLOW}, then {@code --} and the command's arguments
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    int separator = Arrays.asList(args).indexOf("--");
    if (separator < 1) {
      throw new IllegalArgumentException("usage: DemoStep TITLE [" + NEEDS_TENSORFLOW + "] -- COMMAND ARGS...");
    }
    String title = args[0];
    boolean needsTensorFlow = Arrays.asList(args).subList(1, separator).contains(NEEDS_TENSORFLOW);
    List<String> command = Arrays.asList(args).subList(separator + 1, args.length);
    Optional<String> missing = needsTensorFlow ? TfModel.runtimeProblem() : Optional.empty();
    Status status = missing.isPresent() ? skipped("this build has no TensorFlow runtime: " + missing.get())
        : judge(run(command, Boolean.getBoolean(VERBOSE_PROPERTY), System.out));
    System.out.println(status.line(title));
    System.exit(status.exitStatus());
  }

  /**
   * Runs {@code litemodel ARGS} in a child JVM on this class path, copying its output (stdout and stderr together) to
   * {@code out}, without TensorFlow's INFO lines unless {@code verbose}.
   *
   * @return the command's exit status
   */
  static int run(List<String> command, boolean verbose, PrintStream out) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LiteModelCli.class.getName()));
    line.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
    builder.environment().put(TF_LOG_LEVEL, verbose ? "0" : "1");
    Process process = builder.start();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String text = reader.readLine(); text != null; text = reader.readLine()) {
        if (verbose || !isTensorFlowAbslInfo(text)) {
          out.println(text);
        }
      }
    }
    return process.waitFor();
  }

  /**
   * @return true for the lines TensorFlow logs through absl at INFO (e.g. {@code I0000 00:00:1796638294.663332
   *     12633 mlir_graph_optimization_pass.cc:401] MLIR V1 optimization pass is not enabled}) and absl's notice
   *     before the first of them: its library's own copy of absl, which neither {@value #TF_LOG_LEVEL} nor any
   *     exported function reaches
   */
  static boolean isTensorFlowAbslInfo(String line) {
    return line.equals(ABSL_UNINITIALIZED) || ABSL_INFO.matcher(line).matches();
  }

  /** @return the step's status from the command's exit status ({@link ExitStatus}) */
  static Status judge(int exitStatus) {
    return switch (exitStatus) {
      case ExitStatus.SUCCESS -> new Status(Outcome.PASS, "exit status 0", 0);
      case ExitStatus.USAGE -> new Status(Outcome.FAIL, "exit status 2: usage error, see the error line above", 2);
      case ExitStatus.VERIFICATION_FAILED -> new Status(Outcome.FAIL,
          "exit status 3: predictions differ from the golden files beyond tolerance", 3);
      default -> new Status(Outcome.FAIL, "exit status " + exitStatus + ": the command failed, see the error "
          + "line above", exitStatus);
    };
  }

  /** @return a skipped step's status */
  static Status skipped(String reason) {
    return new Status(Outcome.SKIPPED, reason, 0);
  }
}
