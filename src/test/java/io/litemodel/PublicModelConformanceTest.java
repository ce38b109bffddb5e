package io.litemodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LiteModel against TensorFlow's Python interpreter on public models nobody on the team made
 * ({@code models/public/manifest.json}; what is compared: {@link PublicModelCheck}). Each model runs in its own child
 * JVM, so a model that crashes the process fails its own test, with the child's output, and the others still run.
 *
 * <p>The reference data come from {@code models/public/gather.py} ({@code mvn -Pfull} runs it in
 * generate-test-resources); when they are missing each model is skipped with the command that builds them. System
 * property {@code litemodel.public.only} (comma list) narrows the run to some models. The table of results goes to
 * {@code target/conformance.md} (system property {@code litemodel.conformance.table}).
 */
class PublicModelConformanceTest {
  private static final ConformanceTable TABLE =
      new ConformanceTable(PublicModels.entries().stream().map(PublicModels.Entry::name).toList());

  /** Every model of the manifest, or those named in system property {@code litemodel.public.only}. */
  static List<PublicModels.Entry> models() {
    String only = System.getProperty("litemodel.public.only", "");
    if (only.isBlank()) {
      return PublicModels.entries();
    }
    List<String> names = List.of(only.split(","));
    return PublicModels.entries().stream().filter(entry -> names.contains(entry.name())).toList();
  }

  @AfterAll
  static void writeTable() {
    TABLE.write(Path.of(System.getProperty("litemodel.conformance.table", "target/conformance.md")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void conformsToTensorFlowPython(PublicModels.Entry entry) {
    String missing = PublicModels.unavailable(entry);
    assumeTrue(missing == null, missing);
    ConformanceTable.Row row = TABLE.row(entry);
    ChildJvm.Result child = ChildJvm.run(List.of("-Xmx1g",
        "-Dlitemodel.public.manifest=" + PublicModels.MANIFEST, "-Dlitemodel.public.cache=" + PublicModels.CACHE),
        PublicModelCheck.class, entry.name());
    if (child.exitCode() != 0 || !child.output().contains("end=done")) {
      row.result = "**crashes the JVM** (exit " + child.exitCode() + "): " + lastLines(child.output(), 3);
      throw new AssertionError(entry.name() + " ended its JVM (exit " + child.exitCode() + "):\n" + child.output());
    }
    row.runsWhere = child.value("runsWhere");
    row.maxDifference = child.value("maxDifference");
    row.bytesPerCall = child.value("bytesPerCall");
    row.result = child.value("result");
    List<String> problems = child.output().lines().filter(line -> line.startsWith("problem="))
        .map(line -> line.substring("problem=".length())).toList();
    assertTrue(problems.isEmpty(), entry.name() + ":\n  " + String.join("\n  ", problems));
  }

  @Test
  void unresolvedOpsAreFoundWithTheirCounts() {
    String message = "uses operators ... no applied delegate took: Landmarks2TransformMatrix (3 nodes; only the GPU "
        + "delegate runs it), TransformLandmarks (5 nodes; ...)";
    assertTrue(PublicModelCheck.mentionsWithCount(message, "Landmarks2TransformMatrix", 3));
    assertTrue(PublicModelCheck.mentionsWithCount("2 x Foo and 7 x Bar", "Bar", 7));
    assertFalse(PublicModelCheck.mentionsWithCount(message, "TransformLandmarks", 3), "the count must be its own");
    assertFalse(PublicModelCheck.mentionsWithCount(message, "TransformTensorBilinear", 3), "an op not named");
  }

  @Test
  void manifestListsAtLeastTenDistinctModels() {
    assertEquals(PublicModels.entries().size(), PublicModels.entries().stream().map(PublicModels.Entry::name)
        .distinct().count());
    assertTrue(PublicModels.entries().size() >= 10, "the suite has at least 10 public models");
  }

  private static String lastLines(String text, int count) {
    List<String> lines = text.lines().filter(line -> !line.isBlank()).toList();
    return String.join(" / ", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }
}
