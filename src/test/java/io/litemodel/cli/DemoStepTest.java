package io.litemodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's steps: each ends with PASS, FAIL or SKIPPED and the reason, and TensorFlow's INFO lines stay out. */
class DemoStepTest {
  @Test
  void theExitStatusDecidesPassOrFailAndTheReasonSaysWhy() {
    assertEquals("demo step info seed_mlp: PASS (exit status 0)", DemoStep.judge(0).line("info seed_mlp"));
    assertEquals("demo step check image_cnn: FAIL (exit status 3: predictions differ from the golden files beyond "
        + "tolerance)", DemoStep.judge(3).line("check image_cnn"));
    assertEquals("demo step x: FAIL (exit status 2: usage error, see the error line above)",
        DemoStep.judge(2).line("x"));
    assertEquals("demo step x: FAIL (exit status 1: the command failed, see the error line above)",
        DemoStep.judge(1).line("x"));
    assertEquals("demo step tf: SKIPPED (this build has no TensorFlow runtime)",
        DemoStep.skipped("this build has no TensorFlow runtime").line("tf"));
    // A failed step fails the build with the command's status; passed and skipped ones let it go on.
    assertEquals(List.of(0, 1, 2, 3, 0), List.of(DemoStep.judge(0).exitStatus(), DemoStep.judge(1).exitStatus(),
        DemoStep.judge(2).exitStatus(), DemoStep.judge(3).exitStatus(), DemoStep.skipped("why").exitStatus()));
  }

  @Test
  void tensorFlowsAbslInfoLinesAreRecognizedAndNothingElse() {
    assertTrue(DemoStep.isTensorFlowAbslInfo("I0000 00:00:1796638294.663332   12633 mlir_graph_optimization_pass"
        + ".cc:401] MLIR V1 optimization pass is not enabled"));
    assertTrue(DemoStep.isTensorFlowAbslInfo(
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"));
    assertFalse(DemoStep.isTensorFlowAbslInfo("W0000 00:00:1796638294.663332   12633 x.cc:1] a warning stays"));
    assertFalse(DemoStep.isTensorFlowAbslInfo("PASS: 2 comparisons with the golden files within tolerance"));
    assertFalse(DemoStep.isTensorFlowAbslInfo("error: I0000 is not at the start"));
  }

  /** The demo's TensorFlow step on the real runtime: no INFO line of TensorFlow's in its output unless verbose. */
  @Test
  void theTensorFlowStepIsQuietUnlessVerbose() throws Exception {
    List<String> check = List.of("check", "--model", "models/seed_mlp_savedmodel", "--sidecar",
        "models/seed_mlp.json");
    ByteArrayOutputStream quiet = new ByteArrayOutputStream();
    assertEquals(0, DemoStep.run(check, false, new PrintStream(quiet, true, StandardCharsets.UTF_8)));
    String output = quiet.toString(StandardCharsets.UTF_8);
    assertTrue(output.contains("PASS: 2 comparisons"), output);
    assertFalse(output.contains("tensorflow/"), output); // TensorFlow's own lines name their source file
    assertFalse(output.contains("absl"), output);
    assertFalse(output.lines().anyMatch(line -> line.matches("^I\\d{4} .*")), output);

    ByteArrayOutputStream verbose = new ByteArrayOutputStream();
    assertEquals(0, DemoStep.run(check, true, new PrintStream(verbose, true, StandardCharsets.UTF_8)));
    assertTrue(verbose.toString(StandardCharsets.UTF_8).contains("I tensorflow/cc/saved_model/loader.cc"),
        verbose.toString(StandardCharsets.UTF_8));
  }

  /** A step as the demo profile runs it: the command's output, then the status line, and the exit status. */
  @Test
  void aStepEndsWithItsStatusLine() {
    ChildJvm.Result pass = ChildJvm.run(List.of("-Xmx256m"), DemoStep.class, "check seed_mlp_int8", "--",
        "check", "--model", "models/seed_mlp_int8.tflite");
    assertEquals(0, pass.exitCode(), pass.output());
    List<String> lines = pass.output().lines().toList();
    assertEquals("demo step check seed_mlp_int8: PASS (exit status 0)", lines.get(lines.size() - 1), pass.output());

    ChildJvm.Result fail = ChildJvm.run(List.of("-Xmx256m"), DemoStep.class, "bad", "--", "check", "--model",
        "models/no_such.tflite");
    assertEquals(2, fail.exitCode(), fail.output());
    assertTrue(fail.output().strip().endsWith("demo step bad: FAIL (exit status 2: usage error, see the error line "
        + "above)"), fail.output());
  }
}
