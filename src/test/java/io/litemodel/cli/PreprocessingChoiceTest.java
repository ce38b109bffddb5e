package io.litemodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.image.Normalization;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessingChoiceTest {
  private static final Path CNN = Path.of("models/image_cnn.tflite");

  @TempDir
  Path dir;

  @Test
  void theSidecarsRecordIsUsedWhenNoFlagIsGiven() throws Exception {
    PreprocessingChoice choice = PreprocessingChoice.resolve(null, CNN);
    assertSame(Normalization.symmetric(), choice.normalization());
    assertEquals("preprocessing: [-1,1] (symmetric, recorded in models/image_cnn.json)", choice.describe());
  }

  @Test
  void anExplicitFlagWins() throws Exception {
    PreprocessingChoice choice = PreprocessingChoice.resolve("unit", CNN);
    assertSame(Normalization.unit(), choice.normalization());
    assertEquals("preprocessing: [0,1] (--normalize unit)", choice.describe());
  }

  @Test
  void withoutARecordTheDefaultIsUsedAndTheReasonSaid() throws Exception {
    assertEquals("preprocessing: [0,1] (default unit: models/seed_mlp.json records no preprocessing)",
        PreprocessingChoice.resolve(null, Path.of("models/seed_mlp.tflite")).describe());

    Path lonely = dir.resolve("lonely.tflite");
    Files.copy(CNN, lonely);
    assertEquals("preprocessing: [0,1] (default unit: no sidecar " + dir.resolve("lonely.json") + ")",
        PreprocessingChoice.resolve(null, lonely).describe());

    String json = Files.readString(Path.of("models/image_cnn.json"));
    Path other = dir.resolve("other.tflite");
    Files.copy(Path.of("models/seed_mlp.tflite"), other);
    Files.writeString(dir.resolve("other.json"), json);
    assertEquals("preprocessing: [0,1] (default unit: " + dir.resolve("other.json")
        + " describes another model file (size or SHA-256 differ))",
        PreprocessingChoice.resolve(null, other).describe());

    Path none = dir.resolve("none.tflite");
    Files.copy(CNN, none);
    Files.writeString(dir.resolve("none.json"), json.replace("\"normalization\": \"symmetric\"",
        "\"normalization\": \"none\""));
    assertEquals("preprocessing: [0,1] (default unit: " + dir.resolve("none.json")
        + " says the model's inputs are not images)", PreprocessingChoice.resolve(null, none).describe());
  }

  @Test
  void aBadSidecarIsAnErrorThatPointsToTheFlag() throws Exception {
    Path model = dir.resolve("m.tflite");
    Files.copy(CNN, model);
    String json = Files.readString(Path.of("models/image_cnn.json"));
    Files.writeString(dir.resolve("m.json"), json.replace("\"normalization\": \"symmetric\"",
        "\"normalization\": \"bright\""));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PreprocessingChoice.resolve(null, model));
    assertTrue(e.getMessage().contains("m.json: preprocessing: unknown normalization 'bright'"), e.getMessage());
    assertTrue(e.getMessage().endsWith("(pass --normalize to choose the preprocessing yourself)"), e.getMessage());
    assertSame(Normalization.raw(), PreprocessingChoice.resolve("raw", model).normalization());

    Files.writeString(dir.resolve("m.json"), "{");
    e = assertThrows(IllegalArgumentException.class, () -> PreprocessingChoice.resolve(null, model));
    assertTrue(e.getMessage().contains("m.json is not valid JSON"), e.getMessage());
    assertTrue(e.getMessage().endsWith("(pass --normalize to choose the preprocessing yourself)"), e.getMessage());
  }
}
