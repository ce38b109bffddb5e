package io.litemodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
