package io.litemodel.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixed subset of the fuzzer in the test suite: one committed mutant per crash class the schema-aware fuzzer
 * found (written by {@code python -m modelfuzz regressions}, see {@code src/test/python/modelfuzz/regressions.py}),
 * each loaded, run and closed in child JVMs with the default JavaCPP limits. Before LiteModel checked graphs itself,
 * each of them crashed or aborted the JVM, or let an unclean Java error out of the API; now each must be rejected
 * with a {@code LiteModelException} that says what is wrong: at load, or (for two whose flaw shows only there) when
 * predict or the broken signature is called.
 */
class FuzzRegressionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path out;
  private static FuzzRunner.Report report;

  /** One run of the corpus for both tests: each mutant costs a load in a child JVM. */
  @BeforeAll
  static void runTheCorpus() throws Exception {
    report = new FuzzRunner(corpus(), out, List.of("-Xmx256m"), 120).run();
  }

  @Test
  void everyKnownCrashClassIsRejectedWithItsReason() throws Exception {
    assertEachHasItsOutcomeAndMessage(corpus(), report);
  }

  /**
   * Asserts that {@code report} covers every mutant in {@code corpus}'s manifest, with no crash, hang or unclean
   * error, and that each had its expected outcome with a {@code LiteModelException} (or, refused when run, an
   * {@code IllegalStateException}) holding its expected message.
   */
  static void assertEachHasItsOutcomeAndMessage(Path corpus, FuzzRunner.Report report) throws IOException {
    List<String> manifest = Files.readAllLines(corpus.resolve("manifest.jsonl"), StandardCharsets.UTF_8);
    assertEquals(manifest.size(), report.results().size());
    assertEquals(0, report.total("crash") + report.total("hang") + report.total("unclean"),
        FuzzRunner.markdown(report));
    for (Map<String, Object> result : report.results()) {
      String detail = (String) result.get("detail");
      assertEquals(result.get("expected_outcome"), result.get("outcome"), result.toString());
      assertTrue(detail.contains("io.litemodel.LiteModelException: ")
          || detail.contains("java.lang.IllegalStateException: "), result.toString());
      assertTrue(detail.contains((String) result.get("expected")), result.get("kind") + ": expected '"
          + result.get("expected") + "' in: " + detail);
    }
  }

  @Test
  void theReportCountsOutcomesByKind() throws Exception {
    String markdown = Files.readString(out.resolve("report.md"));
    assertTrue(markdown.startsWith("| kind | mutants | ok | rejected | run_error | unclean | crash | hang |"),
        markdown);
    assertTrue(markdown.contains("| output_without_producer | 1 | 0 | 1 | 0 | 0 | 0 | 0 |"), markdown);
    assertTrue(markdown.contains("| conv_padding_minus_one | 1 | 0 | 1 | 0 | 0 | 0 | 0 |"), markdown);
    int all = report.results().size();
    assertTrue(markdown.contains("| **all** | " + all + " | 0 | " + (all - 2) + " | 2 | 0 | 0 | 0 |"), markdown);
    Map<?, ?> json = JSON.readValue(out.resolve("report.json").toFile(), Map.class);
    assertEquals(report.results().size(), json.get("mutants"));
  }

  static Path corpus() throws URISyntaxException {
    return Path.of(FuzzRegressionTest.class.getResource("/io/litemodel/fuzz/manifest.jsonl").toURI()).getParent();
  }
}
