package io.litemodel.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.litemodel.io.ModelSidecar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the sidecar JSON reader behind {@link ModelSidecar#read(Path)}: every input is written to
 * a file and read, and what was read is walked. The rule: {@link IOException} or {@link IllegalArgumentException}
 * (jackson-databind is on the test class path, so its {@link IllegalStateException} cannot occur).
 */
public final class SidecarFuzzTest {
  private static final Path FILE = Scratch.file("model.json");

  /**
   * Replays the committed inputs ({@code SidecarFuzzTestInputs/readSidecar}); fuzzes with {@code JAZZER_FUZZ=1}.
   *
   * @param data the file's bytes
   * @throws IOException if the scratch file cannot be written
   */
  @FuzzTest(maxDuration = "10m")
  void readSidecar(byte[] data) throws IOException {
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
    ModelSidecar sidecar;
    try {
      sidecar = ModelSidecar.read(FILE);
    } catch (IOException | IllegalArgumentException e) {
      return; // documented
    }
    sidecar.toString();
    sidecar.modelFile();
    for (ModelSidecar.Signature signature : sidecar.signatures()) {
      sidecar.signature(signature.key());
    }
    sidecar.preprocessing().ifPresent(ModelSidecar.Preprocessing::scalesPixels);
    for (ModelSidecar.GoldenFile golden : sidecar.goldenFiles()) {
      sidecar.golden(golden.signature(), golden.kind(), golden.tensor());
    }
  }
}
