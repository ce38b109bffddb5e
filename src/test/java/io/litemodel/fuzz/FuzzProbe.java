package io.litemodel.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.TensorSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Child-JVM program of {@link FuzzRunner}: loads, runs and closes mutants one after the other, from a given position
 * of the manifest to its end, and appends one JSON line per mutant to the results file. Before each mutant it
 * overwrites the progress file with that mutant's position, so that when a mutant kills the process, the runner
 * knows which one did.
 *
 * <p>Each mutant goes through what a service would do with a model it was handed: {@code load} with default
 * options; set every input to zeros, {@code invoke}, read every output; {@code predict} two rows when the model has
 * one input; and the same for every signature through {@code replicate}. The outcome is {@code ok} (everything ran),
 * {@code rejected} (load threw a clean exception), {@code run_error} (load passed, a later step threw a clean
 * exception) or {@code unclean} (any other {@link Throwable} left the API). Clean exceptions are the ones the API
 * documents ({@link Documented#isClean}): {@link LiteModelException} with a status, {@link IllegalArgumentException}
 * and {@link IllegalStateException}.
 *
 * <p>Usage: {@code FuzzProbe MUTANT_DIR ENTRIES_FILE FIRST PROGRESS_FILE RESULTS_FILE}
 */
public final class FuzzProbe {
  /** Inputs larger than this are left as they are rather than filled (the probe's own heap is small). */
  private static final long MAX_FILLED_ELEMENTS = 1 << 22;
  private static final int MAX_DETAIL = 400;

  private String unclean;
  private String clean;
  private String cleanStage;

  private FuzzProbe() {}

  /**
   * @param args mutant folder, file listing the mutants (manifest lines), first position, progress file, results
   *     file
   * @throws IOException if the files cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    List<String> entries = Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8);
    int first = Integer.parseInt(args[2]);
    Path progress = Path.of(args[3]);
    Path results = Path.of(args[4]);
    ObjectMapper json = new ObjectMapper();
    try (OutputStream out = Files.newOutputStream(results, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      for (int position = first; position < entries.size(); position++) {
        Map<?, ?> entry = json.readValue(entries.get(position), Map.class);
        Files.writeString(progress, Integer.toString(position));
        System.out.println("mutant=" + entry.get("id"));
        System.out.flush();
        byte[] bytes = Files.readAllBytes(dir.resolve((String) entry.get("file")));
        Map<String, Object> result = new FuzzProbe().probe(bytes);
        result.put("position", position);
        result.put("id", entry.get("id"));
        out.write((json.writeValueAsString(result) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    }
  }

  private Map<String, Object> probe(byte[] bytes) {
    Map<String, Object> result = new LinkedHashMap<>();
    LiteModel model = null;
    try {
      model = LiteModel.load(bytes);
    } catch (Throwable t) {
      record("load", t);
    }
    if (model != null) {
      LiteModel loaded = model;
      step("invoke", () -> runAll(loaded));
      // predict takes one float-convertible input and one output; on other models it fails by design.
      if (loaded.inputs().size() == 1 && loaded.outputs().size() == 1
          && loaded.inputs().get(0).dataType().isFloatConvertible()
          && loaded.outputs().get(0).dataType().isFloatConvertible()) {
        step("predict", () -> predictTwoRows(loaded));
      }
      for (String key : loaded.signatureKeys()) {
        step("signature " + key, () -> {
          try (LiteModel runner = loaded.replicate(loaded.options().withSignature(key))) {
            runAll(runner);
          }
        });
      }
      step("close", loaded::close);
    }
    if (unclean != null) {
      result.put("outcome", "unclean");
      result.put("detail", unclean);
    } else if (clean != null) {
      result.put("outcome", model == null ? "rejected" : "run_error");
      result.put("detail", cleanStage + ": " + clean);
    } else {
      result.put("outcome", "ok");
    }
    return result;
  }

  private void step(String stage, Runnable action) {
    try {
      action.run();
    } catch (Throwable t) {
      record(stage, t);
    }
  }

  private void record(String stage, Throwable t) {
    String detail = t.getClass().getName() + ": " + t.getMessage();
    if (detail.length() > MAX_DETAIL) {
      detail = detail.substring(0, MAX_DETAIL) + "...";
    }
    boolean isClean = Documented.isClean(t);
    if (!isClean && unclean == null) {
      unclean = stage + ": " + detail;
      StackTraceElement[] trace = t.getStackTrace();
      if (trace.length > 0) {
        unclean += " at " + trace[0];
      }
    } else if (isClean && clean == null) {
      clean = detail;
      cleanStage = stage;
    }
  }

  /** Sets every input to zeros, invokes, and reads every output, through the float API where it applies. */
  private static void runAll(LiteModel model) {
    List<TensorSpec> inputs = model.inputs();
    for (int i = 0; i < inputs.size(); i++) {
      TensorSpec in = inputs.get(i);
      if (in.elementCount() > MAX_FILLED_ELEMENTS) {
        continue;
      }
      if (in.dataType().isFloatConvertible()) {
        model.setInput(i, new float[(int) in.elementCount()]);
      } else {
        model.setInputBytes(i, ByteBuffer.allocate((int) in.byteSize()));
      }
    }
    model.invoke();
    List<TensorSpec> outputs = model.outputs();
    for (int i = 0; i < outputs.size(); i++) {
      TensorSpec out = outputs.get(i);
      if (out.elementCount() > MAX_FILLED_ELEMENTS) {
        continue;
      }
      if (out.dataType().isFloatConvertible()) {
        model.getOutput(i, new float[(int) out.elementCount()]);
      } else {
        model.getOutputBytes(i, ByteBuffer.allocate((int) out.byteSize()));
      }
    }
  }

  private static void predictTwoRows(LiteModel model) {
    int row = model.inputs().get(0).rowElements();
    if (row > MAX_FILLED_ELEMENTS) {
      return;
    }
    model.predict(new float[][] {new float[row], new float[row]});
  }
}
