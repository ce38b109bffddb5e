package io.litemodel.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every figure the README and the docs quote stands in the results file or test its passage cites. */
class FigureSourcesTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "README.md",
      "docs/bad-input.md",
      "docs/batch-and-spark.md",
      "docs/cli.md",
      "docs/install.md",
      "docs/accelerators.md",
      "docs/api.md",
      "docs/conformance.md",
      "docs/converter.md",
      "docs/many-callers.md",
      "docs/performance.md",
      "docs/platforms.md",
      "docs/spark.md",
      "docs/tensorflow.md",
  })
  void everyFigureStandsInTheFileItCites(String page) {
    List<FigureSources.Problem> problems = new FigureSources(Path.of("")).check(Path.of(page));
    assertTrue(problems.isEmpty(), page + ": figures without a source:\n" + String.join("\n",
        problems.stream().map(Object::toString).toList()));
  }

  @Test
  void figuresAreMeasuresNotCountsOrVersions() {
    assertEquals(List.of("0.994x", "42.1 µs", "1,234.5 images/s", "1.2e-6", "2.18 GB", "9 min"),
        FigureSources.figures("p50 0.994x (42.1 µs), 1,234.5 images/s, 1.2e-6 apart, 2.18 GB in 9 min"));
    assertEquals(List.of(), FigureSources.figures(
        "13 models, Java 17, Spark 4.2, 450x450 JPEGs, batch 32, version 2.20.0-1.5.13, `-Xmx1g`, v1.5x, commit 20e0776"));
  }

  @Test
  void bothEndsOfARangeAreFigures() {
    assertEquals(List.of("0.64x", "1.00x", "77 us", "98 us", "3.1 ms", "1.5x", "2x"),
        FigureSources.figures("p99 0.64-1.00x, 77–98 us, 3.1 ms, 1.5-2x; not 2026-11-30, 1-100000 calls, x86_64-2"));
  }

  @Test
  void aFigureMatchesOnlyAsANumberOfItsOwn() {
    assertTrue(FigureSources.appears("1,234.5 images/s", "| java | 1234.5 |"));
    assertTrue(FigureSources.appears("0.994x", "ratio 0.994x"));
    assertFalse(FigureSources.appears("0.99x", "ratio 0.994x"));
    assertFalse(FigureSources.appears("2.4 MB", "12.4 MB"));
    assertFalse(FigureSources.appears("1.2e-6", "1.2e-7"));
  }

  @Test
  void aTableRowMayRelyOnTheCaptionJustAboveItsTableAndATestSourceIsASource(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("benchmarks/results"));
    Files.writeString(root.resolve("benchmarks/results/run.md"), "| a | 0.994x |\n| b | 1.5 ms |\n");
    Files.createDirectories(root.resolve("src/test/java"));
    Files.writeString(root.resolve("src/test/java/Bar.java"), "class Bar { static final double BAR = 1e-4; }\n");
    Files.writeString(root.resolve("README.md"), String.join("\n",
        "Copied from `benchmarks/results/run.md`; the bar, 1e-4, is `src/test/java/Bar.java`'s:",
        "",
        "| row | ratio |",
        "|---|---|",
        "| a | 0.994x |",
        "| b | 1.6 ms |",
        "",
        "Another paragraph, no source.",
        "",
        "| c | 1.5 ms |",
        ""));
    List<String> problems = new FigureSources(root).check(Path.of("README.md")).stream()
        .map(Object::toString).toList();
    assertEquals(List.of(
        "line 6: 1.6 ms: in none of [benchmarks/results/run.md, src/test/java/Bar.java]",
        "line 10: 1.5 ms: the passage quotes figures (1.5 ms) but cites no results file or test"), problems);
  }

  @Test
  void namesTheFigureThatIsMissingFromItsSource(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("benchmarks/results"));
    Files.writeString(root.resolve("benchmarks/results/run.md"), "| p50 | 0.994x |\n| rate | 1,234.5 |\n");
    Files.writeString(root.resolve("README.md"), String.join("\n",
        "# Title",
        "",
        "Fast: 0.994x of the floor and 1234.5 images/s (`benchmarks/results/run.md`).",
        "",
        "- a stale figure: 0.990x (`benchmarks/results/run.md`)",
        "- no source: 3.1 ms",
        "",
        "| row | 7.5 ms | `benchmarks/results/gone.md` |",
        "",
        "```",
        "code is not checked: 99 ms",
        "```",
        ""));
    List<String> problems = new FigureSources(root).check(Path.of("README.md")).stream()
        .map(Object::toString).toList();
    assertEquals(List.of(
        "line 5: 0.990x: in none of [benchmarks/results/run.md]",
        "line 6: 3.1 ms: the passage quotes figures (3.1 ms) but cites no results file or test",
        "line 8: benchmarks/results/gone.md: cited, but not in the repository",
        "line 8: 7.5 ms: in none of [benchmarks/results/gone.md]"), problems);
  }
}
