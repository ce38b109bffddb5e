package io.litemodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.io.NpyArray;
import io.litemodel.io.NpyWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckCommandTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = LiteModelCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "check";
    System.arraycopy(args, 0, all, 1, args.length);
    return cli.execute(all);
  }

  @Test
  void everyReferenceModelWithGoldenFilesPasses() {
    for (String name : new String[] {"seed_mlp", "seed_mlp_int8", "seed_mlp_float16", "multi_io", "multi_signature",
        "seed_classifier_fixed", "image_cnn"}) {
      int status = run("--model", "models/" + name + ".tflite");
      assertEquals(ExitStatus.SUCCESS, status, name + ":\n" + out + err);
    }
    String text = out.toString();
    assertTrue(text.contains("checking models/seed_mlp.tflite against models/seed_mlp.json: pass when max_abs <= "
        + "1.00e-05 + 0.000100 * max|expected|"), text);
    assertTrue(text.contains("serving_default/output vs tflite golden: max_abs "), text);
    assertTrue(text.contains("serving_default/output vs keras golden: max_abs "), text);
    assertTrue(text.contains("scale/y vs tf golden: max_abs 0.000e+00"), text); // a second signature, by key
    assertTrue(text.contains("serving_default/score vs keras golden"), text); // a second output, by name
    assertTrue(text.contains("PASS: 4 comparisons with the golden files of models/multi_io.tflite within tolerance"),
        text);
  }

  /** Copies a model, its sidecar and its golden files into the temporary folder. */
  private Path copy(String name) throws Exception {
    try (var files = Files.list(Path.of("models"))) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith(name + ".")).toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    return dir.resolve(name + ".tflite");
  }

  private static void writeRows(Path file, float[][] rows) throws Exception {
    try (NpyWriter writer = new NpyWriter(file, rows[0].length)) {
      for (float[] row : rows) {
        writer.write(row);
      }
    }
  }

  @Test
  void aGoldenOutputThatDiffersBeyondTheToleranceFailsWithStatus3() throws Exception {
    Path model = copy("seed_mlp");
    Path golden = dir.resolve("seed_mlp.golden.tflite.npy");
    float[][] rows = NpyArray.open(golden).toMatrix();
    rows[3][7] += 0.01f; // bound is 1e-5 + 1e-4 * max|expected|, about 1e-4
    Files.delete(golden);
    writeRows(golden, rows);

    int status = run("--model", model.toString());

    assertEquals(ExitStatus.VERIFICATION_FAILED, status, out + "" + err);
    assertTrue(out.toString().contains("serving_default/output vs tflite golden: max_abs 1.00"), out.toString());
    assertTrue(out.toString().contains("MISMATCH"), out.toString());
    assertTrue(out.toString().contains("serving_default/output vs keras golden: max_abs"), out.toString());
    assertTrue(out.toString().contains("FAIL: 1 of 2 comparisons differ from the golden files beyond tolerance"),
        out.toString());
  }

  @Test
  void explicitTolerancesReplaceTheSidecars() throws Exception {
    Path model = copy("seed_mlp");
    Path golden = dir.resolve("seed_mlp.golden.tflite.npy");
    float[][] rows = NpyArray.open(golden).toMatrix();
    rows[0][0] += 0.01f;
    Files.delete(golden);
    writeRows(golden, rows);
    assertEquals(ExitStatus.SUCCESS, run("--model", model.toString(), "--atol", "0.02", "--rtol", "0"),
        out.toString());
  }

  @Test
  void predictionsFromThePipelineAreComparedToo() throws Exception {
    Path predictions = dir.resolve("p.npy");
    CommandLine cli = LiteModelCli.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    assertEquals(0, cli.execute("predict", "--model", "models/seed_mlp.tflite", "--input",
        "models/seed_mlp.golden.input.npy", "--output", predictions.toString(), "--no-progress", "--batch", "3"));

    assertEquals(ExitStatus.SUCCESS, run("--model", "models/seed_mlp.tflite", "--predictions",
        predictions.toString()), out + "" + err);
    assertTrue(out.toString().contains("predictions " + predictions + " vs tflite golden: max_abs"), out.toString());
    assertTrue(out.toString().contains("PASS: 3 comparisons"), out.toString());

    // A skipped item is a NaN row in predict's output: never a pass.
    float[][] rows = NpyArray.open(predictions).toMatrix();
    java.util.Arrays.fill(rows[5], Float.NaN);
    Path withNan = dir.resolve("nan.npy");
    writeRows(withNan, rows);
    assertEquals(ExitStatus.VERIFICATION_FAILED, run("--model", "models/seed_mlp.tflite", "--predictions",
        withNan.toString()));
    assertTrue(out.toString().contains("vs tflite golden: max_abs NaN"), out.toString());
  }

  @Test
  void predictionsOfTheWrongSizeAreAnError() throws Exception {
    Path predictions = dir.resolve("short.npy");
    writeRows(predictions, new float[][] {new float[32]});
    assertEquals(ExitStatus.FAILURE, run("--model", "models/seed_mlp.tflite", "--predictions",
        predictions.toString()));
    assertTrue(err.toString().contains("32 predicted values, 256 golden ones"), err.toString());
  }

  @Test
  void aSavedModelIsCheckedOnTheTensorFlowRuntimeAgainstTheSidecarOfItsConversion() {
    assertEquals(ExitStatus.USAGE, run("--model", "models/seed_mlp_savedmodel"));
    assertTrue(err.toString().contains("a TensorFlow model has no sidecar of its own"), err.toString());
    assertEquals(ExitStatus.SUCCESS, run("--model", "models/seed_mlp_savedmodel", "--sidecar", "models/seed_mlp.json"),
        out + "\n" + err);
    assertTrue(out.toString().contains("(model output 'output_0') vs keras golden") && out.toString().contains(
        "PASS: 2 comparisons"), out.toString());
    // The expected state in words, not a note that reads like a warning.
    assertTrue(out.toString().lines().anyMatch(("the golden files are those of the .tflite that models/seed_mlp.json "
        + "describes, converted from the same model as models/seed_mlp_savedmodel")::equals), out.toString());
    assertFalse(out.toString().contains("note:"), out.toString());
  }

  @Test
  void withoutSidecarOrGoldenFilesThereIsNothingToCheck() throws Exception {
    Path model = dir.resolve("lonely.tflite");
    Files.copy(Path.of("models/seed_mlp.tflite"), model);
    assertEquals(ExitStatus.USAGE, run("--model", model.toString()));
    assertTrue(err.toString().contains("no sidecar " + dir.resolve("lonely.json")), err.toString());

    Files.writeString(dir.resolve("lonely.json"), Files.readString(Path.of("models/seed_mlp.json"))
        .replaceFirst("\"golden\": \\{", "\"golden\": null, \"unused\": {"));
    assertEquals(ExitStatus.FAILURE, run("--model", model.toString()));
    assertTrue(err.toString().contains("lists no golden files (convert with --golden N to write them)"),
        err.toString());
  }

  @Test
  void aSidecarOfAnotherModelIsNamedAsSuch() throws Exception {
    Path model = copy("seed_mlp");
    Files.copy(Path.of("models/seed_mlp_float16.tflite"), model, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    run("--model", model.toString(), "--atol", "0.01", "--rtol", "0.01");
    assertTrue(out.toString().contains("note: " + model + " is not the file " + dir.resolve("seed_mlp.json")
        + " describes (size or SHA-256 differ)"), out.toString());
  }
}
