package io.litemodel.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crashes the fresh batch of {@code mvn -Pfull verify} found in mutants of public models, kept as it saved them
 * (in {@code io/litemodel/fuzz-found/}, beside the tool-written corpus of {@link FuzzRegressionTest}, which a pytest
 * compares with what {@code python -m modelfuzz regressions} writes): each runs in a child JVM and must be rejected
 * with its {@code LiteModelException} message.
 */
class FoundMutantsRegressionTest {
  @TempDir Path out;

  @Test
  void everyFoundCrashIsRejectedWithItsReason() throws Exception {
    Path corpus = corpus();
    FuzzRunner.Report report = new FuzzRunner(corpus, out, List.of("-Xmx512m"), 120).run();
    List<String> manifest = Files.readAllLines(corpus.resolve("manifest.jsonl"), StandardCharsets.UTF_8);
    assertEquals(manifest.size(), report.results().size());
    assertEquals(0, report.total("crash") + report.total("hang") + report.total("unclean"),
        FuzzRunner.markdown(report));
    for (Map<String, Object> result : report.results()) {
      String detail = (String) result.get("detail");
      assertEquals(result.get("expected_outcome"), result.get("outcome"), result.toString());
      assertTrue(detail.contains("io.litemodel.LiteModelException: "), result.toString());
      assertTrue(detail.contains((String) result.get("expected")), result.get("kind") + ": expected '"
          + result.get("expected") + "' in: " + detail);
    }
  }

  private static Path corpus() throws URISyntaxException {
    return Path.of(FoundMutantsRegressionTest.class.getResource("/io/litemodel/fuzz-found/manifest.jsonl").toURI())
        .getParent();
  }
}
