package io.litemodel.internal.analysis;

import static io.litemodel.ReferenceModels.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.ReferenceModels;
import io.litemodel.fuzz.FuzzRunner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The graph checks, in process on the structure only (no native code runs), on the reference models and on the
 * committed fuzzer mutants ({@code src/test/resources/io/litemodel/fuzz/}); and, in child JVMs, on int8 scales that
 * aborted XNNPACK.
 */
class GraphCheckTest {

  @Test
  void everyReferenceModelPasses() throws Exception {
    try (var models = Files.list(ReferenceModels.DIR)) {
      List<Path> files = models.filter(p -> p.toString().endsWith(".tflite")).sorted().toList();
      assertTrue(files.size() >= 10, files.toString());
      for (Path file : files) {
        assertNull(GraphCheck.problem(graph(Files.readAllBytes(file))), file.toString());
      }
    }
  }

  @Test
  void anOutputWithoutProducerIsNamed() throws Exception {
    assertEquals("subgraph 0, output 0, tensor 7 'StatefulPartitionedCall:0': no operator produces it, and it is not"
        + " a constant, a variable or an input of the subgraph", problem("output_without_producer"));
  }

  @Test
  void anOperatorWhoseResultsNobodyReadsIsNamed() throws Exception {
    String expected = "subgraph 0, operator 2 (SOFTMAX): none of its results is used (no later operator reads them and"
        + " none is an output of the subgraph)";
    assertEquals(expected, problem("output_is_intermediate"));
    assertEquals(expected, problem("output_is_constant"));
    assertEquals(expected, problem("output_is_input"));
    assertTrue(problem("operator_input_redirected").startsWith("subgraph 0, operator 1 (FULLY_CONNECTED): none"));
  }

  @Test
  void typesArithmeticCannotHandleAreNamed() throws Exception {
    assertEquals("subgraph 0, operator 2 (SOFTMAX), output 0, tensor 7 'StatefulPartitionedCall:0': SOFTMAX cannot"
        + " write STRING", problem("softmax_writes_string"));
    assertTrue(problem("softmax_writes_variant").endsWith("SOFTMAX cannot write VARIANT"));
  }

  @Test
  void customOperatorsThatParseOptionsNeedOptions() throws Exception {
    assertEquals("subgraph 0, operator 2 (TFLite_Detection_PostProcess): this custom operator needs custom options "
        + "and has none", problem("detection_postprocess_without_options"));
  }

  /** Sizes are the memory budget's call, checked after the graph checks. */
  @Test
  void highRanksAreRejectedAndHugeShapesLeftToTheBudget() throws Exception {
    assertNull(problem("input_of_a_billion_elements"));
    assertEquals("subgraph 0, tensor 0 'serving_default_input:0': rank 20 exceeds 6, the most TensorFlow Lite's "
        + "kernels and XNNPACK support", problem("input_of_rank_20"));
  }

  @Test
  void quantizationScalesMustBeFiniteAndPositive() throws Exception {
    assertEquals("subgraph 0, tensor 3 'seed_classifier_1/hidden_1/MatMul': quantization scale 0 is NaN; scales "
        + "must be finite and positive", problem("nan_scale_on_float_weight"));
  }

  @Test
  void operatorCodesRewrittenToOperatorsThatReadMoreAreRejected() throws Exception {
    assertEquals("subgraph 0, operator 6 (BATCH_MATMUL): has 1 inputs; BATCH_MATMUL reads 2",
        problem("batch_matmul_with_one_input"));
    assertEquals("subgraph 0, operator 2 (SPLIT), input 0, tensor 8 '" + tensorName("multi_io", 8) + "': SPLIT's "
        + "axis must be a constant", problem("split_axis_not_constant"));
    assertEquals("subgraph 0, operator 5 (STRIDED_SLICE): input 2 is left out (-1), but STRIDED_SLICE needs it",
        problem("strided_slice_missing_input"));
  }

  /** The padding the check reads: SAME or VALID on the CNN's convolutions, none on fully connected layers. */
  @Test
  void paddingIsReadFromConvolutionOptions() throws Exception {
    ModelGraph cnn = graph(Files.readAllBytes(model("image_cnn")));
    long convolutions = cnn.subgraphs().get(0).operators().stream()
        .filter(op -> cnn.operatorName(op).endsWith("CONV_2D"))
        .peek(op -> assertTrue(op.padding() == 0 || op.padding() == 1, "padding " + op.padding()))
        .count();
    assertTrue(convolutions > 10, "convolutions: " + convolutions);
    ModelGraph mlp = graph(Files.readAllBytes(model("seed_mlp")));
    assertTrue(mlp.subgraphs().get(0).operators().stream()
        .allMatch(op -> op.padding() == ModelGraph.Operator.NO_PADDING));
  }

  /** What only preparing the second signature's subgraph finds passes the structural checks. */
  @Test
  void kernelLevelProblemsAreLeftToThePreparation() throws Exception {
    assertNull(problem("second_signature_type_mismatch"));
  }

  /**
   * The int8 reference model with the scale of its input QUANTIZE's output set to each value that crashed XNNPACK
   * or the kernels (found by the fuzzer: SIGSEGV at load), loaded in child JVMs: each is rejected, naming the tensor.
   */
  @Test
  void int8ScalesThatCrashedAreRejectedInChildJvms(@TempDir Path dir) throws Exception {
    byte[] original = Files.readAllBytes(model("seed_mlp_int8"));
    ModelGraph.Tensor quantize = graph(original).subgraphs().get(0).tensors().stream()
        .filter(t -> t.name().equals("tfl.quantize")).findFirst().orElseThrow();
    int offset = uniqueOffset(original, quantize.scales()[0]);
    float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, -0.001f, 0f};
    List<String> manifest = new ArrayList<>();
    for (int i = 0; i < bad.length; i++) {
      byte[] mutant = original.clone();
      ByteBuffer.wrap(mutant).order(ByteOrder.LITTLE_ENDIAN).putFloat(offset, bad[i]);
      Files.write(dir.resolve("scale" + i + ".tflite"), mutant);
      manifest.add("{\"id\": " + i + ", \"model\": \"seed_mlp_int8\", \"kind\": \"quantization\", \"description\": "
          + "\"scale " + bad[i] + "\", \"file\": \"scale" + i + ".tflite\"}");
    }
    Files.write(dir.resolve("manifest.jsonl"), manifest, StandardCharsets.UTF_8);
    FuzzRunner.Report report = new FuzzRunner(dir, dir.resolve("out"), List.of("-Xmx256m"), 120).run();
    assertEquals(bad.length, report.total("rejected"), FuzzRunner.markdown(report));
    for (int i = 0; i < bad.length; i++) {
      Map<String, Object> result = report.results().get(i);
      assertTrue(((String) result.get("detail")).contains("tensor " + quantize.index() + " 'tfl.quantize': "
          + "quantization scale 0 is " + bad[i] + "; scales must be finite and positive"), result.toString());
    }
  }

  private static int uniqueOffset(byte[] bytes, float value) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int found = -1;
    for (int i = 0; i + 4 <= bytes.length; i++) {
      if (Float.floatToRawIntBits(buffer.getFloat(i)) == Float.floatToRawIntBits(value)) {
        assertEquals(-1, found, "the scale's bytes occur more than once");
        found = i;
      }
    }
    assertTrue(found >= 0, "the scale's bytes were not found");
    return found;
  }

  private static String problem(String mutant) throws Exception {
    Path corpus = Path.of(GraphCheckTest.class.getResource("/io/litemodel/fuzz/" + mutant + ".tflite").toURI());
    return GraphCheck.problem(graph(Files.readAllBytes(corpus)));
  }

  private static String tensorName(String model, int tensor) throws Exception {
    return graph(Files.readAllBytes(model(model))).subgraphs().get(0).tensors().get(tensor).name();
  }

  private static ModelGraph graph(byte[] bytes) {
    return ModelGraph.read(ByteBuffer.wrap(bytes), "test");
  }
}
