package io.litemodel.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.litemodel.io.CsvRows;
import java.nio.FloatBuffer;

/**
 * Coverage-guided fuzzing of the CSV row reader {@link CsvRows} (the CLI's {@code predict --input x.csv} reads every
 * line with it): a row width and a line from the input. The rule: {@link CsvRows#isNumeric} answers, and
 * {@link CsvRows#parse} fills the row or throws {@link IllegalArgumentException}, nothing else.
 */
public final class CsvFuzzTest {
  /**
   * Replays the committed inputs ({@code CsvFuzzTestInputs/parseCsvRow}); fuzzes with {@code JAZZER_FUZZ=1}.
   *
   * @param data the row width and the line
   */
  @FuzzTest(maxDuration = "10m")
  void parseCsvRow(FuzzedDataProvider data) {
    fuzzerTestOneInput(data);
  }

  /**
   * The harness, also the entry point of Jazzer's standalone driver.
   *
   * @param data the row width and the line
   */
  public static void fuzzerTestOneInput(FuzzedDataProvider data) {
    int width = data.consumeInt(0, 64);
    String line = data.consumeRemainingAsString();
    CsvRows.isNumeric(line);
    try {
      CsvRows.parse(line, FloatBuffer.allocate(width));
    } catch (IllegalArgumentException e) {
      // documented
    }
  }
}
