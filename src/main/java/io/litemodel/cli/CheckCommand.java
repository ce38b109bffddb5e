package io.litemodel.cli;

import io.litemodel.InferenceModel;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.io.ModelSidecar;
import io.litemodel.io.NpyArray;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code check}: runs a model on the golden inputs its sidecar lists and compares the outputs with the golden outputs
 * (the TFLite ones the converter wrote, and the source model's), and optionally compares a file of predictions (from
 * {@code predict} over the golden inputs) with them too. Exit status 0 when everything is within tolerance, 3 when
 * something is not.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Check a model against the golden files its sidecar (MODEL.json) lists: run every signature on "
        + "the golden inputs and compare with the golden outputs, of TensorFlow Lite and of the source model.",
        "Passes when max_abs <= atol + rtol * max|expected| for every output (the converter's tolerance, from the "
            + "sidecar). Exit status 0 when all pass, 3 when any does not."})
final class CheckCommand implements Callable<Integer> {
  private static final String TFLITE = "tflite";
  private static final String INPUT = "input";

  @Spec
  CommandSpec spec;

  @Mixin
  ModelOptions modelOptions;

  @Option(names = "--sidecar", paramLabel = "MODEL.json",
      description = "The sidecar to check against (default: the model's path with .json).")
  Path sidecarPath;

  @Option(names = "--predictions", paramLabel = "FILE.npy",
      description = "Also compare this file (predict's output over the golden inputs) with the golden outputs; "
          + "for models with one signature and one output.")
  Path predictions;

  @Option(names = "--atol", description = "Absolute tolerance (default: the sidecar's verification tolerance).")
  Double atol;

  @Option(names = "--rtol", description = "Relative tolerance (default: the sidecar's verification tolerance).")
  Double rtol;

  @Option(names = "--skip-missing-runtime", description = "When the model needs a runtime this build does not have "
      + "(a SavedModel needs the TensorFlow runtime), say so and exit 0 instead of failing (for scripts).")
  boolean skipMissingRuntime;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    CommandLine cli = spec.commandLine();
    boolean tensorFlow = modelOptions.tensorFlow();
    modelOptions.validate(cli);
    Path json = sidecarPath != null ? sidecarPath : ModelSidecar.pathFor(modelOptions.model);
    if (tensorFlow && sidecarPath == null) {
      throw new ParameterException(cli, "--sidecar: a TensorFlow model has no sidecar of its own; name the one of "
          + "the model it was converted to (e.g. --sidecar models/seed_mlp.json)");
    }
    if (!Files.isRegularFile(json)) {
      throw new ParameterException(cli, "no sidecar " + json + " (the converter writes it beside the model; "
          + "or name one with --sidecar)");
    }
    if (predictions != null && !Files.isRegularFile(predictions)) {
      throw new ParameterException(cli, "--predictions: no such file: " + predictions);
    }
    ModelSidecar sidecar = ModelSidecar.read(json);
    if (sidecar.goldenFiles().isEmpty()) {
      throw new IllegalArgumentException(json + " lists no golden files (convert with --golden N to write them)");
    }
    double[] tolerance = tolerance(cli, sidecar);
    String reference = sidecar.goldenReference().orElseThrow();
    out.println(String.format(Locale.ROOT, "checking %s against %s: pass when max_abs <= %.3g + %.3g * max|expected|",
        modelOptions.model, json, tolerance[0], tolerance[1]));
    if (tensorFlow) {
      // Expected, not a warning: a TensorFlow model has no sidecar of its own; it is checked against the golden files
      // of the .tflite converted from the same Keras model, which it should reproduce.
      out.println("the golden files are those of the .tflite that " + json + " describes, converted from the same "
          + "model as " + modelOptions.model);
    } else if (!sidecar.describes(modelOptions.model)) {
      out.println("note: " + modelOptions.model + " is not the file " + json + " describes (size or SHA-256 differ)");
    }

    List<GoldenComparison> comparisons = new ArrayList<>();
    boolean several = sidecar.signatures().size() > 1;
    for (ModelSidecar.Signature signature : sidecar.signatures()) {
      LiteModel.Options options = modelOptions.toOptions().withSignature(several ? signature.key() : null);
      InferenceModel opened;
      try {
        opened = tensorFlow ? modelOptions.open(options) : LiteModel.load(modelOptions.model, options);
      } catch (LiteModelException e) {
        if (tensorFlow && skipMissingRuntime && e.status() == LiteModelException.Status.NATIVE_LIBRARY_UNAVAILABLE) {
          out.println("SKIPPED: " + modelOptions.model + " runs on the TensorFlow runtime, which this build cannot "
              + "load: " + e.getMessage());
          return ExitStatus.SUCCESS;
        }
        throw e;
      }
      try (InferenceModel model = opened) {
        Map<String, float[]> outputs = runGolden(model, sidecar, signature);
        List<float[]> inOrder = new ArrayList<>(outputs.values());
        for (int o = 0; o < signature.outputs().size(); o++) {
          ModelSidecar.Tensor output = signature.outputs().get(o);
          float[] actual = outputs.get(output.name());
          String label = signature.key() + "/" + output.name();
          if (actual == null && inOrder.size() == 1 && signature.outputs().size() == 1) {
            // Another runtime may name the one output otherwise (a Keras SavedModel says output_0).
            actual = inOrder.get(0);
            label += " (model output '" + outputs.keySet().iterator().next() + "')";
          }
          if (actual == null) {
            throw new IllegalArgumentException("the model has no output '" + output.name() + "'; it has "
                + outputs.keySet());
          }
          for (String kind : List.of(TFLITE, reference)) {
            float[] expected = golden(sidecar, signature.key(), kind, output.name());
            comparisons.add(GoldenComparison.of(label + " vs " + kind + " golden", actual, expected, tolerance[0],
                tolerance[1]));
          }
        }
      }
    }
    if (predictions != null) {
      comparisons.add(comparePredictions(sidecar, tolerance));
    }
    comparisons.forEach(c -> out.println("  " + c));
    long failed = comparisons.stream().filter(c -> !c.passed()).count();
    if (failed > 0) {
      out.println("FAIL: " + failed + " of " + comparisons.size() + " comparisons differ from the golden files "
          + "beyond tolerance");
      return ExitStatus.VERIFICATION_FAILED;
    }
    out.println("PASS: " + comparisons.size() + " comparisons with the golden files of " + modelOptions.model
        + " within tolerance");
    return ExitStatus.SUCCESS;
  }

  private double[] tolerance(CommandLine cli, ModelSidecar sidecar) {
    if (atol != null && rtol != null) {
      if (!(atol >= 0) || !(rtol >= 0)) {
        throw new ParameterException(cli, "--atol and --rtol must be 0 or more, got " + atol + " and " + rtol);
      }
      return new double[] {atol, rtol};
    }
    ModelSidecar.Verification verification = sidecar.verification().orElseThrow(() -> new ParameterException(cli,
        sidecar.file() + " records no verification tolerance (converted with --no-verify); give --atol and --rtol"));
    return new double[] {atol != null ? atol : verification.atol(), rtol != null ? rtol : verification.rtol()};
  }

  /** Runs the golden inputs of one signature, by name, a batch at a time when the model's batch is fixed. */
  private static Map<String, float[]> runGolden(InferenceModel model, ModelSidecar sidecar,
      ModelSidecar.Signature signature) throws IOException {
    Map<String, float[]> inputs = new LinkedHashMap<>();
    long rows = -1;
    for (ModelSidecar.Tensor input : signature.inputs()) {
      ModelSidecar.GoldenFile file = sidecar.golden(signature.key(), INPUT, input.name()).orElseThrow(
          () -> new IllegalArgumentException(sidecar.file() + " lists no golden input for " + signature.key() + "/"
              + input.name()));
      rows = file.shape().get(0);
      inputs.put(input.name(), flat(file.file()));
    }
    int total = (int) rows;
    int batch = model.hasDynamicBatch() ? total : model.inputs().get(0).shape()[0];
    if (batch < 1 || total % batch != 0) {
      throw new IllegalArgumentException(total + " golden rows do not split into batches of " + batch);
    }
    Map<String, float[]> outputs = new LinkedHashMap<>();
    for (int start = 0; start < total; start += batch) {
      Map<String, float[]> part = new LinkedHashMap<>();
      for (Map.Entry<String, float[]> e : inputs.entrySet()) {
        int row = e.getValue().length / total;
        part.put(e.getKey(), Arrays.copyOfRange(e.getValue(), start * row, (start + batch) * row));
      }
      for (Map.Entry<String, float[]> e : model.run(part).entrySet()) {
        int row = e.getValue().length / batch;
        float[] all = outputs.computeIfAbsent(e.getKey(), k -> new float[row * total]);
        System.arraycopy(e.getValue(), 0, all, start * row, e.getValue().length);
      }
    }
    return outputs;
  }

  private GoldenComparison comparePredictions(ModelSidecar sidecar, double[] tolerance) throws IOException {
    if (sidecar.signatures().size() != 1 || sidecar.signatures().get(0).outputs().size() != 1) {
      throw new IllegalArgumentException("--predictions needs a model with one signature and one output; "
          + sidecar.file() + " has " + sidecar.signatures().size() + " signature(s)");
    }
    ModelSidecar.Signature signature = sidecar.signatures().get(0);
    String output = signature.outputs().get(0).name();
    return GoldenComparison.of("predictions " + predictions + " vs tflite golden", flat(predictions),
        golden(sidecar, signature.key(), TFLITE, output), tolerance[0], tolerance[1]);
  }

  private static float[] golden(ModelSidecar sidecar, String signature, String kind, String tensor)
      throws IOException {
    return flat(sidecar.golden(signature, kind, tensor).orElseThrow(() -> new IllegalArgumentException(
        sidecar.file() + " lists no " + kind + " golden output for " + signature + "/" + tensor)).file());
  }

  private static float[] flat(Path npy) throws IOException {
    float[][] matrix = NpyArray.open(npy).toMatrix();
    int row = matrix.length == 0 ? 0 : matrix[0].length;
    float[] all = new float[matrix.length * row];
    for (int i = 0; i < matrix.length; i++) {
      System.arraycopy(matrix[i], 0, all, i * row, row);
    }
    return all;
  }
}
