package io.litemodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Progress lines: no unknown rate, a bar only for terminals, plain lines in logs. */
class PredictProgressTest {
  @TempDir
  Path dir;

  @Test
  void aShortRunShowsNoRateRatherThanAQuestionMark() {
    assertEquals("predict  40% 4/10 items", PredictProgress.render(4, 10, Duration.ofMillis(300), false));
  }

  @Test
  void theRateAndEtaAppearAfterASecond() {
    assertEquals("predict  25% 250/1000 items, 125.0 items/s, ETA 0:00:06",
        PredictProgress.render(250, 1000, Duration.ofSeconds(2), false));
    assertEquals("predict 100% 1000/1000 items, 500.0 items/s",
        PredictProgress.render(1000, 1000, Duration.ofSeconds(2), false));
  }

  @Test
  void theTerminalLineHasABar() {
    assertEquals("predict  50% [===============               ] 5/10 items",
        PredictProgress.render(5, 10, Duration.ZERO, true));
  }

  @Test
  void aNarrowTerminalGetsAShorterBarThenNone() {
    String full = PredictProgress.render(400, 1000, Duration.ofSeconds(2), true, 0);
    assertEquals("predict  40% [============                  ] 400/1000 items, 200.0 items/s, ETA 0:00:03", full);
    String fitted = PredictProgress.render(400, 1000, Duration.ofSeconds(2), true, 80);
    assertTrue(fitted.length() < 80, fitted);
    assertTrue(fitted.endsWith("] 400/1000 items, 200.0 items/s, ETA 0:00:03"), fitted);
    assertEquals("predict  40% 400/1000 items, 200.0 items/s, ETA 0:00:03",
        PredictProgress.render(400, 1000, Duration.ofSeconds(2), true, 60));
  }

  @Test
  void withoutATerminalPredictWritesPlainLines() {
    // Under the test runner stderr is not a terminal (no console), like a CI log.
    assertFalse(PredictProgress.stderrIsTerminal());
    CommandLine cli = LiteModelCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int status = cli.execute("predict", "--model", "models/seed_mlp.tflite", "--input",
        "models/seed_mlp.golden.input.npy", "--output", dir.resolve("p.npy").toString());
    assertEquals(0, status, err.toString());
    String log = err.toString();
    assertFalse(log.contains("\r"), log);
    assertFalse(log.contains("?"), log);
    assertEquals(1, log.lines().filter(line -> line.matches("predict 100% (\\d+)/\\1 items.*")).count(), log);
    assertEquals(log.lines().distinct().count(), log.lines().count(), "a line was repeated:\n" + log);
  }
}
