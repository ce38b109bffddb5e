package io.litemodel.tensorflow;

import static io.litemodel.tensorflow.TfTestModels.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.LiteModelException;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to the TensorFlow runtime: clear Java exceptions with messages that say what and why. */
class TfModelErrorsTest {
  @TempDir
  Path temp;

  @Test
  void missingDirectory() {
    Path missing = temp.resolve("nothing_here");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TfModel.loadSavedModel(missing));
    assertEquals("SavedModel directory " + missing + " does not exist", e.getMessage());
    IllegalArgumentException file = assertThrows(IllegalArgumentException.class,
        () -> TfModel.loadSavedModel(path("image_cnn_frozen.pb")));
    assertTrue(file.getMessage().endsWith("(it is a file; a frozen graph .pb loads with loadFrozenGraph)"),
        file.getMessage());
  }

  @Test
  void directoryThatIsNotASavedModel() throws IOException {
    Path empty = Files.createDirectory(temp.resolve("empty"));
    LiteModelException e = assertThrows(LiteModelException.class, () -> TfModel.loadSavedModel(empty));
    assertSame(LiteModelException.Status.INVALID_MODEL, e.status());
    assertEquals(empty + " is not a SavedModel: it has no saved_model.pb", e.getMessage());
    Path garbage = Files.createDirectory(temp.resolve("garbage"));
    Files.write(garbage.resolve("saved_model.pb"), randomBytes(4096));
    LiteModelException corrupt = assertThrows(LiteModelException.class, () -> TfModel.loadSavedModel(garbage));
    assertSame(LiteModelException.Status.INVALID_MODEL, corrupt.status());
    assertTrue(corrupt.getMessage().startsWith("cannot load the SavedModel " + garbage + " with tags [serve]: "),
        corrupt.getMessage());
  }

  @Test
  void unknownTagCarriesTensorFlowsReason() {
    LiteModelException e = assertThrows(LiteModelException.class, () -> TfModel.loadSavedModel(
        path("multi_signature_savedmodel"), TfOptions.defaults().withTags("train")));
    assertSame(LiteModelException.Status.INVALID_MODEL, e.status());
    assertTrue(e.getMessage().startsWith("cannot load the SavedModel " + path("multi_signature_savedmodel")
        + " with tags [train]: "), e.getMessage());
    assertTrue(e.getMessage().contains("train"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TfOptions.defaults().withTags());
  }

  @Test
  void unknownSignatureListsTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TfModel.loadSavedModel(
        path("multi_signature_savedmodel"), TfOptions.defaults().withSignature("multiply")));
    assertEquals("the SavedModel " + path("multi_signature_savedmodel") + " has no signature 'multiply'; it has "
        + "[add, scale]", e.getMessage());
    IllegalArgumentException byDefault = assertThrows(IllegalArgumentException.class,
        () -> TfModel.loadSavedModel(path("multi_signature_savedmodel")));
    assertTrue(byDefault.getMessage().contains("has no signature 'serving_default'"), byDefault.getMessage());
  }

  @Test
  void corruptFrozenGraph() throws IOException {
    Path pb = temp.resolve("corrupt.pb");
    Files.write(pb, randomBytes(2048));
    LiteModelException e = assertThrows(LiteModelException.class,
        () -> TfModel.loadFrozenGraph(pb, List.of("image"), List.of("Identity"), TfOptions.defaults()));
    assertSame(LiteModelException.Status.INVALID_MODEL, e.status());
    assertTrue(e.getMessage().startsWith(pb.toAbsolutePath() + " is not a valid frozen graph (a serialized "
        + "GraphDef): "), e.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> TfModel.loadFrozenGraph(
        temp.resolve("none.pb"), List.of("image"), List.of("Identity"), TfOptions.defaults()));
    assertEquals("frozen graph " + temp.resolve("none.pb") + " does not exist", missing.getMessage());
    IllegalArgumentException noNames = assertThrows(IllegalArgumentException.class, () -> TfModel.loadFrozenGraph(
        pb, List.of(), List.of("Identity"), TfOptions.defaults()));
    assertEquals("a frozen graph needs its input and output operation names (given [] and [Identity])",
        noNames.getMessage());
  }

  @Test
  void wrongShapes() {
    try (TfModel model = TfModel.loadSavedModel(path("seed_mlp_savedmodel"))) {
      IllegalArgumentException in = assertThrows(IllegalArgumentException.class,
          () -> model.predictSingle(new float[255], new float[32]));
      assertEquals("input 'input' expects 256 values (shape [-1, 256]), given 255", in.getMessage());
      IllegalArgumentException out = assertThrows(IllegalArgumentException.class,
          () -> model.predictSingle(new float[256], new float[31]));
      assertEquals("output 'output_0' expects 32 values (shape [-1, 32]), given 31", out.getMessage());
      IllegalArgumentException row = assertThrows(IllegalArgumentException.class,
          () -> model.predict(new float[][] {new float[256], new float[3]}));
      assertEquals("row 1 has 3 values; input 'input' expects 256 per row (shape [-1, 256])", row.getMessage());
      IllegalArgumentException buffer = assertThrows(IllegalArgumentException.class,
          () -> model.predict(FloatBuffer.allocate(256), FloatBuffer.allocate(64), 2));
      assertEquals("input buffer has 256 values remaining; 2 rows of input 'input' need 512", buffer.getMessage());
      IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
          () -> model.predict(FloatBuffer.allocate(256), FloatBuffer.allocate(64), 0));
      assertEquals("batch size must be positive, got 0", zero.getMessage());
      IllegalArgumentException partial = assertThrows(IllegalArgumentException.class,
          () -> model.run(new float[][] {new float[300]}, new float[][] {new float[32]}));
      assertEquals("input 'input' expects 256 values (shape [-1, 256]), given 300", partial.getMessage());
      IllegalArgumentException outputs = assertThrows(IllegalArgumentException.class,
          () -> model.run(new float[][] {new float[512]}, new float[][] {new float[32]}));
      assertEquals("output 'output_0' expects 64 values (shape [-1, 32]), given 32", outputs.getMessage());
      IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
          () -> model.run(Map.of("features", new float[256])));
      assertEquals("no input named 'features'; the inputs are [input]", missing.getMessage());
      // The instance still works after every refusal.
      model.predictSingle(new float[256], new float[32]);
    }
  }

  @Test
  void useAfterClose() {
    TfModel model = TfModel.loadSavedModel(path("seed_mlp_savedmodel"));
    model.close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> model.predictSingle(new float[256], new float[32]));
    assertEquals("this TensorFlow model (" + path("seed_mlp_savedmodel") + ") is closed", e.getMessage());
    assertThrows(IllegalStateException.class, () -> model.predict(new float[][] {new float[256]}));
    assertThrows(IllegalStateException.class, () -> model.run(new float[][] {new float[256]},
        new float[][] {new float[32]}));
    model.close();
  }

  @Test
  void strictGpuWithoutOneIsAClearError() {
    // No GPU here and CPU natives on the test class path: strict GPU placement must refuse, naming what is missing.
    LiteModelException e = assertThrows(LiteModelException.class, () -> TfModel.loadSavedModel(
        path("seed_mlp_savedmodel"), TfOptions.defaults().withPlacement(DevicePlacement.GPU)));
    assertSame(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, e.status());
    assertTrue(e.getMessage().startsWith("GPU placement was required, but TensorFlow sees no GPU (devices: "),
        e.getMessage());
    assertTrue(e.getMessage().contains("classifier linux-x86_64-gpu"), e.getMessage());
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    new Random(11).nextBytes(bytes);
    return bytes;
  }
}
