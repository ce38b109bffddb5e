package io.litemodel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSidecarTest {
  private static final Path MODELS = Path.of("models");

  @TempDir
  Path dir;

  @Test
  void pathForReplacesTheExtension() {
    assertEquals(Path.of("models/image_cnn.json"), ModelSidecar.pathFor(Path.of("models/image_cnn.tflite")));
    assertEquals(Path.of("a/model.json"), ModelSidecar.pathFor(Path.of("a/model")));
  }

  @Test
  void readsFormat2WithPreprocessingAndGoldenFiles() throws Exception {
    ModelSidecar s = ModelSidecar.besideModel(MODELS.resolve("image_cnn.tflite")).orElseThrow();
    assertEquals(2, s.formatVersion());
    assertEquals(MODELS.resolve("image_cnn.tflite"), s.modelFile());
    assertTrue(s.describes(MODELS.resolve("image_cnn.tflite")));
    assertFalse(s.describes(MODELS.resolve("seed_mlp.tflite")));
    assertEquals(Optional.of("serving_default"), s.defaultSignature());
    ModelSidecar.Signature sig = s.signature("serving_default");
    ModelSidecar.Tensor image = sig.inputs().get(0);
    assertEquals("image", image.name());
    assertEquals(List.of(-1, 224, 224, 3), image.shape());
    assertEquals("float32", image.dtype());
    assertFalse(image.quantized());
    assertEquals("predictions", sig.outputs().get(0).name());
    ModelSidecar.Preprocessing p = s.preprocessing().orElseThrow();
    assertEquals("symmetric", p.normalization());
    assertTrue(p.scalesPixels());
    assertTrue(p.formula().contains("v / 127.5 - 1"), p.formula());
    ModelSidecar.Verification v = s.verification().orElseThrow();
    assertTrue(v.passed());
    assertEquals(1e-5, v.atol());
    assertEquals(1e-4, v.rtol());
    assertEquals(Optional.of("keras"), s.goldenReference());
    assertEquals(3, s.goldenFiles().size());
    ModelSidecar.GoldenFile input = s.golden("serving_default", "input", "image").orElseThrow();
    assertEquals(MODELS.resolve("image_cnn.golden.input.npy"), input.file());
    assertEquals(List.of(4, 224, 224, 3), input.shape());
    assertEquals("input", input.role());
    assertTrue(Files.isRegularFile(input.file()));
    assertTrue(s.golden("serving_default", "tflite", "nothing").isEmpty());
  }

  @Test
  void readsFormat1QuantizationAndNoPreprocessing() throws Exception {
    ModelSidecar s = ModelSidecar.read(MODELS.resolve("seed_mlp_int8.json"));
    assertEquals(1, s.formatVersion());
    assertTrue(s.preprocessing().isEmpty());
    ModelSidecar.Tensor in = s.signatures().get(0).inputs().get(0);
    assertEquals("int8", in.dtype());
    assertTrue(in.quantized());
    assertEquals(0.007842987775802612, in.scale());
    assertEquals(0, in.zeroPoint());
    assertEquals(0.0078125, s.signatures().get(0).outputs().get(0).scale());
    assertEquals("int8", s.golden("serving_default", "tflite_int8", "output").orElseThrow().dtype());
  }

  @Test
  void modelWithSeveralSignaturesHasNoDefault() throws Exception {
    ModelSidecar s = ModelSidecar.read(MODELS.resolve("multi_signature.json"));
    assertTrue(s.defaultSignature().isEmpty());
    assertEquals(List.of("add", "scale"), s.signatures().stream().map(ModelSidecar.Signature::key).toList());
    assertEquals(Optional.of("tf"), s.goldenReference());
    assertEquals(MODELS.resolve("multi_signature.golden.scale.tflite.npy"),
        s.golden("scale", "tflite", "y").orElseThrow().file());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.signature("mul"));
    assertTrue(e.getMessage().contains("no signature 'mul'; it has [add, scale]"), e.getMessage());
  }

  @Test
  void noSidecarBesideAModelIsEmpty() throws Exception {
    assertTrue(ModelSidecar.besideModel(dir.resolve("m.tflite")).isEmpty());
  }

  private String edited(String from, String to) throws Exception {
    String json = Files.readString(MODELS.resolve("image_cnn.json"));
    assertTrue(json.contains(from), from);
    return json.replace(from, to);
  }

  private IllegalArgumentException rejected(String json) throws Exception {
    Path file = dir.resolve("m.json");
    Files.writeString(file, json);
    return assertThrows(IllegalArgumentException.class, () -> ModelSidecar.read(file));
  }

  @Test
  void rejectsWhatItCannotReadNamingTheFileAndTheField() throws Exception {
    IllegalArgumentException e = rejected(edited("\"format_version\": 2", "\"format_version\": 3"));
    assertTrue(e.getMessage().contains("m.json is not a sidecar LiteModel reads: format_version 3 is not one this "
        + "LiteModel reads (1 to 2); it was written by a newer converter: update LiteModel"), e.getMessage());
    e = rejected(edited("\"format_version\": 2,", ""));
    assertTrue(e.getMessage().endsWith("no 'format_version'"), e.getMessage());
    e = rejected(edited("\"file\": \"image_cnn.golden.input.npy\"", "\"file\": \"../../etc/passwd\""));
    assertTrue(e.getMessage().contains("golden file '../../etc/passwd' is not a file name in the sidecar's folder"),
        e.getMessage());
    e = rejected(edited("\"model_file\": \"image_cnn.tflite\"", "\"model_file\": \"/tmp/x.tflite\""));
    assertTrue(e.getMessage().contains("model_file '/tmp/x.tflite' is not a file name"), e.getMessage());
    e = rejected(edited("\"quantized\": false", "\"quantized\": \"no\""));
    assertTrue(e.getMessage().endsWith("'quantized' is not true or false"), e.getMessage());
    e = rejected(edited("\"normalization\": \"symmetric\"", "\"normalization\": 1"));
    assertTrue(e.getMessage().endsWith("'normalization' is not a string"), e.getMessage());
    e = rejected("{\"format_version\": 2, ");
    assertTrue(e.getMessage().contains("m.json is not valid JSON"), e.getMessage());
    e = rejected("[1, 2]");
    assertTrue(e.getMessage().endsWith("its top level is not a JSON object"), e.getMessage());
  }

  @Test
  void recordsAreImmutable() throws Exception {
    ModelSidecar s = ModelSidecar.read(MODELS.resolve("seed_mlp.json"));
    assertThrows(UnsupportedOperationException.class, () -> s.signatures().get(0).inputs().get(0).shape().set(0, 1));
    assertThrows(UnsupportedOperationException.class, () -> s.goldenFiles().clear());
  }
}
