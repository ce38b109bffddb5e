package io.litemodel.fuzz;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
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
    FuzzRegressionTest.assertEachHasItsOutcomeAndMessage(corpus, report);
  }

  private static Path corpus() throws URISyntaxException {
    return Path.of(FoundMutantsRegressionTest.class.getResource("/io/litemodel/fuzz-found/manifest.jsonl").toURI())
        .getParent();
  }
}
