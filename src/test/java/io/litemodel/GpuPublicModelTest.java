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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LiteRT's GPU path on the public models of the conformance suite (nobody on the team made them), on SwiftShader, each
 * in its own child JVM: a model must either run on the GPU and agree with XNNPACK, or be refused with
 * {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} and LiteRT's reason; it must never take the JVM down. The
 * table goes to {@code target/gpu-conformance.md}.
 */
class GpuPublicModelTest {
  /** GPU kernels (and their fp32 transcendental functions) differ from XNNPACK's; relative to the output's scale. */
  private static final double RELATIVE_TOLERANCE = 1e-3;
  private static final Map<String, String> TABLE = new TreeMap<>();

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
    if (result.startsWith("refused by the GPU path")) {
      assertEquals("ACCELERATOR_UNAVAILABLE", child.value("status"), child.output());
      if (entry.name().equals("face_detection_full_range_sparse")) { // LiteRT gets it wrong: see LiteRtInterpreter
        assertTrue(result.contains("sparse tensor(s); LiteRT 2.3's GPU path returns wrong results"), result);
      }
      if (entry.name().equals("melspectrogram")) { // its operators reject its stored shapes: never compiled
        assertTrue(result.contains("reject its stored input shapes"), result);
      }
    } else if (result.startsWith("GPU run failed")) {
      throw new AssertionError(entry.name() + ": loaded on the GPU, then failed to run:\n" + child.output());
    } else if (result.equals("runs on the GPU")) {
      assertEquals("GPU", child.value("accelerator"), child.output());
      double relative = Double.parseDouble(child.value("relativeDifference"));
      assertTrue(relative < RELATIVE_TOLERANCE, entry.name() + ": GPU and XNNPACK differ by " + relative
          + " of the output's scale:\n" + child.output());
    }
  }

  static {
    if (!Files.isDirectory(Path.of("target"))) {
      throw new UncheckedIOException(new IOException("run from the project folder"));
    }
  }
}
