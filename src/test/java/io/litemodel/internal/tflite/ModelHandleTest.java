package io.litemodel.internal.tflite;

import static io.litemodel.ReferenceModels.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.ChildJvm;
import io.litemodel.CorruptModelProbe;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.PlatformSet;
import io.litemodel.internal.analysis.SignatureTableCheck;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model loading and verification: every kind of bad model file gives a {@link LiteModelException} (or, for a
 * missing file, an {@link IllegalArgumentException}) with a message that says what is wrong, never a crash.
 */
public class ModelHandleTest {

  @Test
  void missingFileNamesThePath(@TempDir Path dir) {
    Path missing = dir.resolve("nope.tflite");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LiteModel.load(missing));
    assertEquals("model file does not exist: " + missing.toAbsolutePath(), e.getMessage());
  }

  @Test
  void emptyFileIsRejected(@TempDir Path dir) throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.tflite"));
    LiteModelException e = assertThrows(LiteModelException.class, () -> LiteModel.load(empty));
    assertEquals(LiteModelException.Status.INVALID_MODEL, e.status());
    assertTrue(e.getMessage().endsWith("is empty (0 bytes)"), e.getMessage());
  }

  @PlatformSet
  @Test
  void fileThatIsNotAFlatbufferIsRejected(@TempDir Path dir) throws Exception {
    Path text = Files.writeString(dir.resolve("model.tflite"), "this is not a model, just some text");
    LiteModelException e = assertThrows(LiteModelException.class, () -> LiteModel.load(text));
    assertEquals(LiteModelException.Status.INVALID_MODEL, e.status());
    assertTrue(e.getMessage().contains("is not a TensorFlow Lite flatbuffer (no TFL3 identifier; 35 bytes)"),
        e.getMessage());
    LiteModelException tiny = assertThrows(LiteModelException.class, () -> LiteModel.load(new byte[] {1, 2, 3}));
    assertTrue(tiny.getMessage().contains("no TFL3 identifier; 3 bytes"), tiny.getMessage());
  }

  @PlatformSet
  @Test
  void truncatedModelsAreRejectedByTheVerifier() throws Exception {
    byte[] full = Files.readAllBytes(model("seed_mlp"));
    for (int keep : new int[] {8, 64, full.length / 3, full.length / 2, full.length - 1}) {
      byte[] truncated = Arrays.copyOf(full, keep);
      LiteModelException e = assertThrows(LiteModelException.class, () -> LiteModel.load(truncated),
          "kept " + keep + " bytes");
      assertEquals(LiteModelException.Status.INVALID_MODEL, e.status());
      assertTrue(e.getMessage().contains("rejected by TensorFlow Lite"), e.getMessage());
    }
  }

  @PlatformSet
  @Test
  void corruptRootOffsetIsRejectedByTheVerifier() throws Exception {
    byte[] bytes = Files.readAllBytes(model("seed_classifier"));
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(0, bytes.length + 1000); // root table past the end
    LiteModelException e = assertThrows(LiteModelException.class, () -> LiteModel.load(bytes));
    assertEquals(LiteModelException.Status.INVALID_MODEL, e.status());
    assertTrue(e.getMessage().contains("rejected by TensorFlow Lite"), e.getMessage());
  }

  /**
   * Case 2758 of the fuzzing round (the same mutation as {@link CorruptModelProbe} makes for that case): the
   * signature's input entry loses its name, which TensorFlow Lite dereferenced when the signature was read.
   */
  @PlatformSet
  @Test
  void signatureEntryWithoutANameIsRejected() throws Exception {
    byte[] bytes = Files.readAllBytes(model("seed_classifier"));
    java.util.Random random = new java.util.Random(2758);
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations; m++) {
      bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
    }
    LiteModelException e = assertThrows(LiteModelException.class, () -> LiteModel.load(bytes));
    assertEquals(LiteModelException.Status.INVALID_MODEL, e.status());
    assertTrue(e.getMessage().endsWith("has a corrupt signature table: input 0 of signature 0 has no name"),
        e.getMessage());
  }

  @Test
  void intactSignatureTablesPass() throws Exception {
    for (String name : List.of("seed_mlp", "multi_io", "multi_signature", "image_cnn", "token_embedding")) {
      assertEquals(null, SignatureTableCheck.problem(ByteBuffer.wrap(Files.readAllBytes(model(name)))), name);
    }
  }

  /**
   * One thousand random corruptions of a real model, loaded and run in a child JVM: each is either rejected with a
   * documented exception or runs; none may crash the process or throw any other exception. (Before LiteModel prepared every model with the built-in kernels,
   * about 1 in 75 such corruptions aborted the process inside XNNPACK's graph optimizer.)
   */
  @Test
  void randomCorruptionsAreRejectedOrRunButNeverCrash() {
    // JavaCPP's default memory limits (tied to -Xmx), as a service would run: corruptions that declare tensors of
    // gigabytes are rejected by the graph checks or by those limits, never allowed to fill the machine.
    ChildJvm.Result result = ChildJvm.run(List.of("-Xmx256m"),
        CorruptModelProbe.class,
        model("seed_classifier").toString(), "0", "1000");
    assertEquals(0, result.exitCode(), "a corrupt model crashed the JVM; last case printed names it:\n"
        + tail(result.output()));
    int rejected = Integer.parseInt(result.value("rejected"));
    int ran = Integer.parseInt(result.value("ran"));
    int failed = Integer.parseInt(result.value("failed_to_run"));
    assertEquals(0, Integer.parseInt(result.value("unclean")), "exceptions other than the documented ones:\n"
        + result.output().lines().filter(line -> line.startsWith("unclean_case=")).collect(Collectors.joining("\n")));
    assertEquals(1000, rejected + ran + failed);
    assertTrue(rejected > 50, "the verifier and the kernels' checks rejected " + rejected);
  }

  private static String tail(String output) {
    String[] lines = output.split("\n");
    return String.join("\n", Arrays.copyOfRange(lines, Math.max(0, lines.length - 15), lines.length));
  }
}
