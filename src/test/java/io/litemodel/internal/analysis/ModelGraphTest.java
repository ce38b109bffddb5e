package io.litemodel.internal.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.ExecutionReport;
import io.litemodel.LiteModelException;
import io.litemodel.ReferenceModels;
import io.litemodel.SemanticsModels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelGraphTest {
  private static ModelGraph read(Path path) throws IOException {
    return ModelGraph.read(ByteBuffer.wrap(Files.readAllBytes(path)), path.toString());
  }

  @Test
  void readsTheReferenceMlp() throws IOException {
    ModelGraph graph = read(ReferenceModels.model("seed_mlp"));
    assertEquals(1, graph.subgraphs().size());
    ModelGraph.Subgraph main = graph.subgraphs().get(0);
    assertEquals(10, main.operators().size()); // 5 FULLY_CONNECTED + 4 ELU + TANH
    assertEquals("FULLY_CONNECTED", graph.operatorName(main.operators().get(0)));
    ModelGraph.Tensor input = main.tensors().get(main.inputs()[0]);
    assertArrayEquals(new int[] {-1, 256}, input.declaredShape());
    assertArrayEquals(new int[] {1, 256}, input.shape());
    assertEquals(List.of("serving_default"), graph.signatures().stream().map(ModelGraph.Signature::key).toList());
    assertFalse(graph.hasResourceVariables());
  }

  @Test
  void controlFlowBodiesAreNotThePrimaryGraph() throws IOException {
    ModelGraph graph = read(SemanticsModels.path("control_flow"));
    ExecutionReport.Role[] roles = graph.roles(null);
    assertEquals(5, roles.length);
    assertEquals(ExecutionReport.Role.PRIMARY, roles[0]);
    for (int i = 1; i < roles.length; i++) {
      assertEquals(ExecutionReport.Role.CONTROL_FLOW, roles[i], "subgraph " + i);
    }
    List<String> ops = graph.subgraphs().get(0).operators().stream().map(graph::operatorName).toList();
    assertTrue(ops.contains("IF") && ops.contains("WHILE"), ops.toString());
  }

  @Test
  void initGraphsAndResourceVariablesAreRecognized() throws IOException {
    ModelGraph graph = read(SemanticsModels.path("stateful_accumulator"));
    assertEquals(List.of(ExecutionReport.Role.PRIMARY, ExecutionReport.Role.INIT), List.of(graph.roles(null)));
    assertTrue(graph.hasResourceVariables());
  }

  @Test
  void signaturesSelectTheirSubgraph() throws IOException {
    ModelGraph graph = read(ReferenceModels.model("multi_signature"));
    int add = graph.primarySubgraph("add");
    int scale = graph.primarySubgraph("scale");
    assertTrue(add != scale, add + " vs " + scale);
    assertEquals(ExecutionReport.Role.PRIMARY, graph.roles("scale")[scale]);
    assertEquals(ExecutionReport.Role.SIGNATURE, graph.roles("scale")[add]);
  }

  @Test
  void customOperatorsKeepTheirNames() throws IOException {
    ModelGraph graph = read(SemanticsModels.path("custom_deconvolution"));
    ModelGraph.OperatorCode custom = graph.operatorCodes().stream().filter(ModelGraph.OperatorCode::isCustom)
        .findFirst().orElseThrow();
    assertEquals("Convolution2DTransposeBias", custom.customName());
    assertEquals("Convolution2DTransposeBias", custom.displayName());
  }

  @Test
  void offsetsOutsideTheFileAreAnInvalidModel() throws IOException {
    byte[] bytes = Files.readAllBytes(ReferenceModels.model("seed_classifier"));
    ByteBuffer corrupt = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    corrupt.putInt(0, bytes.length + 100); // the root table offset
    LiteModelException e = assertThrows(LiteModelException.class, () -> ModelGraph.read(corrupt, "corrupt"));
    assertEquals(LiteModelException.Status.INVALID_MODEL, e.status());
    assertTrue(e.getMessage().contains("points outside the file"), e.getMessage());
  }
}
