package io.litemodel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code latency} command end to end on a small reference model: report structure, plot, JSON, bad input. */
class LatencyCommandTest {
  private static final Path MODELS = Path.of(System.getProperty("litemodel.models", "models")).toAbsolutePath();
  private static final String SEED_MLP = MODELS.resolve("seed_mlp.tflite").toString();

  @TempDir
  Path temp;

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
  void reportsPercentilesSpikesAndDriftPerWindow() {
    Run run = run("latency", "--model", SEED_MLP, "--calls", "250", "--warmup", "20", "--window", "100");
    assertEquals(0, run.status(), run.err());
    String out = run.out();
    assertTrue(out.startsWith("latency: " + SEED_MLP + ", 250 calls after 20 warm-up, threads 1, XNNPACK on"),
        out);
    double previous = 0;
    for (String label : new String[] {"p50", "p90", "p99", "p99.9", "max"}) {
      Matcher m = Pattern.compile("(?m)^  " + Pattern.quote(label) + "\\s+([0-9.]+)$").matcher(out);
      assertTrue(m.find(), "no " + label + " line in\n" + out);
      double value = Double.parseDouble(m.group(1));
      assertTrue(value > 0 && value >= previous, label + " = " + value + " after " + previous);
      previous = value;
    }
    assertTrue(Pattern.compile("(?m)^spikes \\(calls over 10x p50 = [0-9.]+ us\\): \\d+ of 250 ").matcher(out)
        .find(), out);
    assertTrue(out.contains("drift (per window of 100 calls):"), out);
    // 250 calls in windows of 100: two full windows and a short third one.
    assertTrue(Pattern.compile("(?m)^  1\\s+1-100\\s").matcher(out).find(), out);
    assertTrue(Pattern.compile("(?m)^  2\\s+101-200\\s").matcher(out).find(), out);
    assertTrue(Pattern.compile("(?m)^  3\\s+201-250\\s").matcher(out).find(), out);
    assertTrue(Pattern.compile("(?m)^  last/first window p99.9: [0-9.]+x$").matcher(out).find(), out);
    assertTrue(Pattern.compile("(?m)^allocated during the timed loop: \\d+ bytes").matcher(out).find(), out);
  }

  @Test
  void writesAValidPngPlot() throws Exception {
    Path png = temp.resolve("latency.png");
    Run run = run("latency", "--model", SEED_MLP, "--calls", "3000", "--warmup", "10", "--plot", png.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("plot: " + png + " (each point is the maximum of 2 consecutive calls)"),
        run.out());
    byte[] bytes = Files.readAllBytes(png);
    byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    assertArrayEquals(signature, Arrays.copyOf(bytes, 8));
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, "ImageIO could not decode the plot");
    assertEquals(1200, image.getWidth());
    assertEquals(600, image.getHeight());
  }

  @Test
  void writesJsonWithTheSameCallCount() throws Exception {
    Path json = temp.resolve("latency.json");
    Run run = run("latency", "--model", SEED_MLP, "--calls", "50", "--warmup", "0", "--no-xnnpack", "--json",
        json.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("XNNPACK off"), run.out());
    String text = Files.readString(json);
    assertTrue(text.contains("\"calls\": 50,"), text);
    assertTrue(text.contains("\"xnnpack\": false"), text);
    assertTrue(text.contains("\"drift_ratio\": null"), text); // one short window: nothing to compare
    for (String key : new String[] {"p50_us", "p90_us", "p99_us", "p999_us", "max_us", "spikes", "windows"}) {
      assertTrue(text.contains("\"" + key + "\": "), key + " missing in " + text);
    }
  }

  @Test
  void rejectsBadArgumentsWithClearMessages() {
    assertUsageError(run("latency", "--model", SEED_MLP, "--calls", "0"), "--calls must be at least 1, got 0");
    assertUsageError(run("latency", "--model", SEED_MLP, "--warmup", "-1"), "--warmup must be 0 or more, got -1");
    assertUsageError(run("latency", "--model", SEED_MLP, "--threads", "0"), "--threads must be at least 1, got 0");
    assertUsageError(run("latency", "--model", SEED_MLP, "--window", "0"), "--window must be at least 1, got 0");
    assertUsageError(run("latency", "--model", SEED_MLP, "--calls", "many"), "'many' is not an int");
    assertUsageError(run("latency"), "Missing required option: '--model=MODEL'");
    String missing = temp.resolve("nope.tflite").toString();
    assertUsageError(run("latency", "--model", missing), "--model: no such file: " + missing);
    assertUsageError(run("latency", "--model", SEED_MLP, "--plot", temp.resolve("chart.jpg").toString()),
        "--plot must name a .png file");
    assertUsageError(run("latency", "--model", SEED_MLP, "--plot", temp.resolve("no/such/dir/c.png").toString()),
        "--plot: folder does not exist");
    assertUsageError(run("latency", "--model", SEED_MLP, "--force-fp16", "--no-xnnpack"),
        "--force-fp16 needs XNNPACK");
  }

  @Test
  void concurrentModeMeasuresEveryWayIn() throws Exception {
    for (String via : new String[] {"batcher", "pool", "replicas"}) {
      Path json = temp.resolve(via + ".json");
      Run run = run("latency", "--model", SEED_MLP, "--callers", "3", "--rate", "2000", "--duration", "0.3",
          "--warmup", "0", "--via", via, "--json", json.toString());
      assertEquals(0, run.status(), run.err());
      assertTrue(run.out().startsWith("latency: " + SEED_MLP + ", concurrent, threads 1, XNNPACK on"), run.out());
      assertTrue(run.out().contains(", 3 callers, open loop at 2000/s (latency from the intended send time): "),
          run.out());
      Matcher counts = Pattern.compile("requests (\\d+), errors (\\d+), behind").matcher(run.out());
      assertTrue(counts.find(), run.out());
      assertTrue(Integer.parseInt(counts.group(1)) > 0, run.out());
      assertEquals("0", counts.group(2), run.out());
      com.fasterxml.jackson.databind.JsonNode figures = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(json.toFile());
      assertEquals(3, figures.get("callers").asInt());
      assertEquals(Integer.parseInt(counts.group(1)), figures.get("requests").asInt());
      assertTrue(figures.get("p99_us").asDouble() >= figures.get("p50_us").asDouble());
    }
    Run closed = run("latency", "--model", SEED_MLP, "--callers", "2", "--duration", "0.2", "--warmup", "0",
        "--combiners", "1");
    assertEquals(0, closed.status(), closed.err());
    assertTrue(closed.out().contains("batcher (batches up to 32), 2 callers, closed loop: "), closed.out());
  }

  @Test
  void concurrentModeRejectsBadArguments() {
    assertUsageError(run("latency", "--model", SEED_MLP, "--callers", "0"), "--callers must be at least 1, got 0");
    assertUsageError(run("latency", "--model", SEED_MLP, "--rate", "-5"),
        "--rate must be 0 (closed loop) or a positive number, got -5.0");
    assertUsageError(run("latency", "--model", SEED_MLP, "--callers", "2", "--duration", "0"),
        "--duration must be more than 0 and at most 3600 seconds, got 0.0");
    assertUsageError(run("latency", "--model", SEED_MLP, "--callers", "2", "--max-batch", "0"),
        "--max-batch must be at least 1, got 0");
    assertUsageError(run("latency", "--model", SEED_MLP, "--callers", "2", "--combiners", "-1"),
        "--combiners must be 0 (one per core) or more, got -1");
    assertUsageError(run("latency", "--model", SEED_MLP, "--callers", "2", "--via", "queue"),
        "Invalid value for option '--via'");
    assertUsageError(run("latency", "--model", SEED_MLP, "--callers", "2", "--plot",
        temp.resolve("c.png").toString()), "--plot plots one caller's calls; drop it with --callers or --rate");
  }

  @Test
  void rejectsModelsWithSeveralInputs() {
    Run run = run("latency", "--model", MODELS.resolve("multi_io.tflite").toString(), "--calls", "10");
    assertEquals(1, run.status(), run.err());
    assertTrue(run.err().contains("latency times predictSingle, which needs one input; this model has 2"),
        run.err());
  }

  @Test
  void rejectsAFileThatIsNotAModel() throws Exception {
    Path junk = temp.resolve("junk.tflite");
    Files.writeString(junk, "not a flatbuffer");
    Run run = run("latency", "--model", junk.toString(), "--calls", "10");
    assertEquals(1, run.status(), run.err());
    assertTrue(run.err().startsWith("error: "), run.err());
    assertFalse(run.out().contains("p50"), run.out());
  }

  private static void assertUsageError(Run run, String message) {
    assertEquals(2, run.status(), "expected a usage error for: " + message + "\nstdout: " + run.out());
    assertTrue(run.err().contains(message), "stderr lacks '" + message + "':\n" + run.err());
  }
}
