package io.litemodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.litemodel.internal.litert.LiteRtRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LiteRT's GPU path on the public models of the conformance suite (nobody on the team made them), on SwiftShader, each
 * in its own child JVM: each model must run on the GPU and agree with XNNPACK, or be refused with
 * {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} and the reason {@link #EXPECTED} names for it; it must
 * never take the JVM down. The table goes to {@code target/gpu-conformance.md}.
 */
class GpuPublicModelTest {
  /** GPU kernels (and their fp32 transcendental functions) differ from XNNPACK's; relative to the output's scale. */
  private static final double RELATIVE_TOLERANCE = 1e-3;
  private static final Map<String, String> TABLE = new TreeMap<>();
  private static final String RUNS = "runs on the GPU";
  private static final String REFUSED = "refused by the GPU path (ACCELERATOR_UNAVAILABLE): ";
  /**
   * Where each public model runs (the README's "8 of 13 run on the GPU"), and for every other one the start of the
   * reason it is refused; a model that moves either way fails the test until this table and the README agree.
   */
  static final Map<String, String> EXPECTED = Map.ofEntries(
      Map.entry("basic_pitch_nmp", REFUSED + "LiteRT could not compile the model for its GPU accelerator"),
      Map.entry("embedding_model", RUNS),
      // LiteRT gets sparse models wrong: see LiteRtInterpreter.
      Map.entry("face_detection_full_range_sparse", REFUSED + "the model has 46 sparse tensor(s); LiteRT 2.3's GPU "
          + "path returns wrong results for sparse models"),
      Map.entry("face_detection_short_range", RUNS),
      Map.entry("face_landmark", RUNS),
      // MediaPipe's custom operators, which no TensorFlow Lite build here runs.
      Map.entry("face_landmark_with_attention", "refused on the CPU too (UNRESOLVED_OPS)"),
      Map.entry("hand_landmark_full", RUNS),
      Map.entry("hey_jarvis", RUNS),
      // Its operators reject its stored shapes: never compiled.
      Map.entry("melspectrogram", REFUSED + "the model's operators reject its stored input shapes"),
      Map.entry("okay_nabu", REFUSED + "input 'input_audio' is INT8; LiteRT's GPU path takes float32 inputs and "
          + "outputs only"),
      Map.entry("palm_detection_full", RUNS),
      Map.entry("pose_landmark_full", RUNS),
      Map.entry("selfie_segmentation", RUNS));

  static List<PublicModels.Entry> models() {
    return PublicModels.entries();
  }

  @AfterAll
  static void writeTable() throws IOException {
    StringBuilder text = new StringBuilder("# LiteRT's GPU path on the public models (SwiftShader)\n\n"
        + "| model | result | where it runs | max abs diff vs XNNPACK (relative to the largest output) |\n"
        + "|---|---|---|---|\n");
    TABLE.values().forEach(text::append);
    Path out = Path.of("target/gpu-conformance.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, text);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void runsOnTheGpuAndAgreesOrIsRefusedCleanly(PublicModels.Entry entry) {
    SoftwareGpu.assumeAvailable();
    String missing = PublicModels.unavailable(entry);
    assumeTrue(missing == null, missing);
    ChildJvm.Result child = ChildJvm.run(List.of("-Xmx1g",
        "-D" + LiteRtRuntime.DIR_PROPERTY + "=" + System.getProperty(LiteRtRuntime.DIR_PROPERTY),
        "-Dlitemodel.public.manifest=" + PublicModels.MANIFEST, "-Dlitemodel.public.cache=" + PublicModels.CACHE),
        GpuPublicModelCheck.class, entry.name());
    assertTrue(child.exitCode() == 0 && child.output().contains("end=done"),
        entry.name() + " ended its JVM (exit " + child.exitCode() + "):\n" + child.output());
    String result = child.value("result");
    String where = child.output().contains("runsWhere=") ? child.value("runsWhere") : "";
    String difference = child.output().contains("maxDifference=") ? child.value("maxDifference") + " (relative "
        + String.format("%.2g", Double.parseDouble(child.value("relativeDifference"))) + ")" : "";
    TABLE.put(entry.name(), "| " + entry.name() + " | " + result + " | " + where + " | " + difference + " |\n");
    assertTrue(result.startsWith(EXPECTED.get(entry.name())), entry.name() + ": expected '"
        + EXPECTED.get(entry.name()) + "', got: " + result);
    if (result.startsWith("refused by the GPU path")) {
      assertEquals("ACCELERATOR_UNAVAILABLE", child.value("status"), child.output());
    } else if (result.startsWith("GPU run failed")) {
      throw new AssertionError(entry.name() + ": loaded on the GPU, then failed to run:\n" + child.output());
    } else if (result.equals("runs on the GPU")) {
      assertEquals("GPU", child.value("accelerator"), child.output());
      double relative = Double.parseDouble(child.value("relativeDifference"));
      assertTrue(relative < RELATIVE_TOLERANCE, entry.name() + ": GPU and XNNPACK differ by " + relative
          + " of the output's scale:\n" + child.output());
    }
  }

  @Test
  void theExpectedPlacesCoverEveryPublicModelAndEightRunOnTheGpu() {
    assertEquals(models().stream().map(PublicModels.Entry::name).collect(Collectors.toSet()), EXPECTED.keySet());
    assertEquals(8, EXPECTED.values().stream().filter(RUNS::equals).count());
  }

  static {
    if (!Files.isDirectory(Path.of("target"))) {
      throw new UncheckedIOException(new IOException("run from the project folder"));
    }
  }
}
