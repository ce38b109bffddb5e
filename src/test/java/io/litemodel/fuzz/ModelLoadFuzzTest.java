package io.litemodel.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;

/**
 * Coverage-guided fuzzing of {@link LiteModel#load(byte[])}: the Java readers of a model's flatbuffer (the signature
 * table check, the graph reader and its checks, the memory estimate) see every input the native verifiers pass.
 *
 * <p>In process, on purpose: load verifies the bytes natively first (the flatbuffers verifier and
 * {@code tflite::Verify}, both written for untrusted input), so the only native code an input reaches before the Java
 * checks is code meant for arbitrary bytes. What follows the Java checks (the safety preparation with the built-in
 * kernels) is native too; an input that crashes it ends the fuzzing process, which is then itself the finding, with
 * the input libFuzzer saved. Coverage guidance sees only the Java side; the schema-aware mutants run in child JVMs
 * ({@link FuzzRunner}) cover the native side with predict. Nothing is invoked here, so no native kernel runs on an
 * input beyond preparation.
 *
 * <p>The rule: load returns, or throws {@link LiteModelException} with a status, {@link IllegalArgumentException} or
 * {@link IllegalStateException}; anything else escapes and is a finding.
 */
public final class ModelLoadFuzzTest {
  /**
   * Replays the committed inputs ({@code ModelLoadFuzzTestInputs/loadModel}) in a plain test run; fuzzes with
   * {@code JAZZER_FUZZ=1}.
   *
   * @param data the model's bytes
   */
  @FuzzTest(maxDuration = "10m")
  void loadModel(byte[] data) {
    fuzzerTestOneInput(data);
  }

  /**
   * The harness, also the entry point of Jazzer's standalone driver ({@code src/test/sh/jazzer-run.sh}).
   *
   * @param data the model's bytes
   */
  public static void fuzzerTestOneInput(byte[] data) {
    try (LiteModel model = LiteModel.load(data)) {
      model.inputs();
      model.outputs();
      model.signatureKeys();
    } catch (LiteModelException e) {
      Documented.requireStatus(e);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // documented: a clear refusal
    }
  }
}
