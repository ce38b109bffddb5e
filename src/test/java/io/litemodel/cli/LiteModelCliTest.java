package io.litemodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.BuildVersions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line as a whole: usage errors, version, the documented exit statuses. */
class LiteModelCliTest {
  /** Output, error text and exit code of one command line run. */
  private record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    CommandLine commandLine = LiteModelCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int status = commandLine.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void aUsageErrorIsOneLineAndAHint() {
    Run run = run("predict", "--model", "models/seed_mlp.tflite", "--input", "models/seed_mlp.golden.input.npy",
        "--output", "unused.npy", "--bogus");
    assertEquals(ExitStatus.USAGE, run.status());
    List<String> lines = run.err().lines().toList();
    assertEquals(List.of("error: Unknown option: '--bogus'", "Try 'litemodel predict --help' for more information."),
        lines, run.err());
    assertEquals("", run.out());
  }

  @Test
  void aValidationErrorFromACommandIsAlsoAUsageError() {
    Run run = run("info", "--model", "models/no_such_model.tflite");
    assertEquals(ExitStatus.USAGE, run.status());
    assertEquals(List.of("error: --model: no such file: models/no_such_model.tflite",
        "Try 'litemodel info --help' for more information."), run.err().lines().toList());
  }

  @Test
  void anUnknownCommandNamesTheTopLevelHelp() {
    Run run = run("predcit");
    assertEquals(ExitStatus.USAGE, run.status());
    assertEquals(2, run.err().lines().count(), run.err());
    assertTrue(run.err().startsWith("error: Unmatched argument at index 0: 'predcit'"), run.err());
    assertTrue(run.err().contains("Try 'litemodel --help' for more information."), run.err());
  }

  @Test
  void versionNamesThePomsVersions() {
    Run run = run("--version");
    assertEquals(ExitStatus.SUCCESS, run.status(), run.err());
    assertTrue(run.out().contains("LiteModel " + BuildVersions.liteModel()), run.out());
    assertTrue(run.out().contains("TensorFlow Lite " + BuildVersions.tensorFlowLite() + " (org.bytedeco:tensorflow-lite:"
        + BuildVersions.tensorFlowLiteArtifact() + ")"), run.out());
  }

  @Test
  void helpDocumentsTheExitStatuses() {
    Run run = run("--help");
    assertEquals(ExitStatus.SUCCESS, run.status());
    assertTrue(run.out().contains("Exit status:"), run.out());
    assertTrue(run.out().contains("2   usage error"), run.out());
    assertTrue(run.out().contains("3   verification failed (convert, check)"), run.out());
    for (String command : List.of("info", "predict", "latency", "check", "convert")) {
      assertTrue(run.out().contains("  " + command + " "), command + " missing from:\n" + run.out());
    }
  }
}
