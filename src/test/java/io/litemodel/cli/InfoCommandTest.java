package io.litemodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class InfoCommandTest {
  @Test
  void printsTheModelToTheCommandLinesOutput() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = LiteModelCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int status = cli.execute("info", "--model", "models/seed_mlp.tflite");
    assertEquals(0, status, err.toString());
    // Printed through picocli's writer (so embedding callers and tests capture it), not straight to System.out.
    assertTrue(out.toString().contains("seed_mlp"), out.toString());
  }

  @Test
  void isolationAndTheMemoryBudgetAreCommandLineFlags() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = LiteModelCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    assertEquals(0, cli.execute("info", "--model", "models/seed_mlp.tflite", "--isolate", "--memory-budget", "64"),
        err.toString());
    assertTrue(out.toString().contains("seed_mlp"), out.toString());
    StringWriter tooSmall = new StringWriter();
    cli.setErr(new PrintWriter(tooSmall, true));
    assertEquals(1, cli.execute("info", "--model", "models/image_cnn.tflite", "--memory-budget", "1"));
    assertTrue(tooSmall.toString().contains("over the memory budget"), tooSmall.toString());
  }

  /** The GPU path from the command line, on SwiftShader (fetched by mvn -Pfull; the plain build skips this). */
  @Test
  void deviceGpuRunsATfliteModelOnLiteRtAndRefusesASoftwareDeviceUnlessAllowed() {
    assumeFalse(Boolean.getBoolean("litemodel.native.skipped"), "LiteRT and SwiftShader come with mvn -Pfull");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = LiteModelCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    assertEquals(0, cli.execute("info", "--model", "models/seed_mlp.tflite", "--device", "gpu", "--software-gpu"),
        err.toString());
    assertTrue(out.toString().contains("runs on: GPU on SwiftShader Device (Subzero) (Vulkan, CPU / software): LiteRT "
        + "GPU accelerator"), out.toString());

    StringWriter refused = new StringWriter();
    cli.setErr(new PrintWriter(refused, true));
    assertEquals(1, cli.execute("info", "--model", "models/seed_mlp.tflite", "--device", "gpu"));
    assertTrue(refused.toString().contains("no hardware Vulkan device"), refused.toString());
    assertEquals(2, cli.execute("info", "--model", "models/seed_mlp.tflite", "--software-gpu"));
  }
}
