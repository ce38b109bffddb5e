package io.litemodel.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.litemodel.io.NpyArray;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of {@link NpyArray#open(Path)} and its readers: every input is written to a file, opened,
 * and up to {@value #ROWS} rows are read (the whole array too when it is small). The rule: {@link IOException} or
 * {@link IllegalArgumentException} from open, nothing from reading an array open accepted.
 */
public final class NpyFuzzTest {
  private static final int ROWS = 64;
  private static final int MAX_ELEMENTS = 1 << 20;
  private static final Path FILE = Scratch.file("input.npy");

  /**
   * Replays the committed inputs ({@code NpyFuzzTestInputs/openNpy}); fuzzes with {@code JAZZER_FUZZ=1}.
   *
   * @param data the file's bytes
   * @throws IOException if the scratch file cannot be written
   */
  @FuzzTest(maxDuration = "10m")
  void openNpy(byte[] data) throws IOException {
    fuzzerTestOneInput(data);
  }

  /**
   * The harness, also the entry point of Jazzer's standalone driver.
   *
   * @param data the file's bytes
   * @throws IOException if the scratch file cannot be written
   */
  public static void fuzzerTestOneInput(byte[] data) throws IOException {
    Files.write(FILE, data);
    NpyArray array;
    try {
      array = NpyArray.open(FILE);
    } catch (IOException | IllegalArgumentException e) {
      return; // documented
    }
    int row = array.rowElements();
    if (row > MAX_ELEMENTS) {
      return;
    }
    FloatBuffer target = FloatBuffer.allocate(row);
    for (long r = 0; r < Math.min(array.rows(), ROWS); r++) {
      array.readRow(r, target);
    }
    if (array.rows() <= MAX_ELEMENTS / Math.max(1, row)) {
      array.toMatrix();
    }
  }
}
