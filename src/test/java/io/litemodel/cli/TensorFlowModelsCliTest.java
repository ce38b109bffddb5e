package io.litemodel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.io.NpyArray;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * info, predict and latency on models the TensorFlow runtime opens: a SavedModel directory, a frozen graph .pb
 * (with --input-op/--output-op), and a .npy input whose rows are themselves arrays ([N, 224, 224, 3]).
 */
class TensorFlowModelsCliTest {
  private static final String SAVED_MODEL = "models/seed_mlp_savedmodel";
  private static final String FROZEN = "models/image_cnn_frozen.pb";

  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int execute(String... args) {
    CommandLine cli = LiteModelCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private static float[] readAll(NpyArray array) {
    int row = array.rowElements();
    float[] all = new float[(int) array.rows() * row];
    FloatBuffer buffer = FloatBuffer.allocate(row);
    for (long r = 0; r < array.rows(); r++) {
      array.readRow(r, buffer.clear());
      buffer.get(0, all, (int) r * row, row);
    }
    return all;
  }

  @Test
  void infoDescribesASavedModelAndItsPlacement() {
    assertEquals(0, execute("info", "--model", SAVED_MODEL, "--device", "cpu"), err.toString());
    assertTrue(out.toString().contains("signature=serving_default"), out.toString());
    assertTrue(out.toString().contains("input FLOAT32[-1, 256]"), out.toString());
    assertTrue(out.toString().contains("placement CPU (CPU requested"), out.toString());
  }

  @Test
  void infoOnAMultiSignatureModelTakesTheSignature() {
    assertEquals(0, execute("info", "--model", "models/multi_signature_savedmodel", "--signature", "scale"),
        err.toString());
    assertTrue(out.toString().contains("signature=scale"), out.toString());
    assertTrue(out.toString().contains("CPU fallback: TensorFlow sees no GPU."), out.toString());
  }

  @Test
  void frozenGraphsNeedTheirOperationNames() {
    assertEquals(2, execute("info", "--model", FROZEN));
    assertTrue(err.toString().contains("--model " + FROZEN + " is a frozen graph: give its --input-op and "
        + "--output-op operation names"), err.toString());
  }

  @Test
  void tfliteOnlyFlagsAreRefusedForTensorFlowModels() {
    assertEquals(2, execute("info", "--model", SAVED_MODEL, "--no-xnnpack"));
    assertTrue(err.toString().contains("--no-xnnpack applies to .tflite models only"), err.toString());
  }

  @Test
  void strictGpuFailsWithTheReason() {
    assertEquals(1, execute("info", "--model", SAVED_MODEL, "--device", "gpu"));
    assertTrue(err.toString().contains("GPU placement was required, but TensorFlow sees no GPU"), err.toString());
  }

  @Test
  void predictFromASavedModelMatchesKeras() throws Exception {
    Path output = dir.resolve("out.npy");
    assertEquals(0, execute("predict", "--model", SAVED_MODEL, "--input", "models/seed_mlp.golden.input.npy",
        "--output", output.toString(), "--batch", "3", "--no-progress"), err.toString());
    NpyArray expected = NpyArray.open(Path.of("models/seed_mlp.golden.keras.npy"));
    NpyArray actual = NpyArray.open(output);
    assertArrayEquals(expected.shape(), actual.shape());
    assertArrayEquals(readAll(expected), readAll(actual), 1e-5f);
  }

  @Test
  void predictFromAFrozenGraphTakesRowsThatAreArrays() throws Exception {
    Path output = dir.resolve("out.npy");
    // image_cnn.golden.input.npy is [4, 224, 224, 3]: each row is an image.
    assertEquals(0, execute("predict", "--model", FROZEN, "--input-op", "image", "--output-op", "Identity",
        "--input", "models/image_cnn.golden.input.npy", "--output", output.toString(), "--batch", "2",
        "--no-progress"), err.toString());
    NpyArray expected = NpyArray.open(Path.of("models/image_cnn.golden.keras.npy"));
    NpyArray actual = NpyArray.open(output);
    assertArrayEquals(expected.shape(), actual.shape());
    assertArrayEquals(readAll(expected), readAll(actual), 1e-4f);
  }

  @Test
  void latencyOnASavedModelReportsZeroBytesPerCall() {
    assertEquals(0, execute("latency", "--model", SAVED_MODEL, "--calls", "300", "--warmup", "300"),
        err.toString());
    assertTrue(out.toString().contains("TensorFlow runtime, placement CPU"), out.toString());
    assertTrue(out.toString().contains("allocated during the timed loop: 0 bytes (0.00 B/call)"), out.toString());
  }
}
