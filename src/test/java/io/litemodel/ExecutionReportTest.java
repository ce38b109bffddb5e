package io.litemodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The execution report describes the subgraph that runs, and lists the others by role. */
class ExecutionReportTest {
  @Test
  void controlFlowModelsReportTheirMainGraph() {
    try (LiteModel model = LiteModel.load(SemanticsModels.path("control_flow"))) {
      ExecutionReport report = model.executionReport();
      assertEquals(0, report.primarySubgraph());
      assertEquals(4, report.primaryOperatorCount(), report.toString());
      assertEquals(report.primaryOperatorCount(), report.delegatedNodes() + report.cpuOperators().size(),
          report.toString());
      assertTrue(report.cpuOperators().contains("IF") && report.cpuOperators().contains("WHILE"), report.toString());
      assertEquals(5, report.subgraphs().size());
      for (ExecutionReport.Subgraph subgraph : report.subgraphs().subList(1, 5)) {
        assertEquals(ExecutionReport.Role.CONTROL_FLOW, subgraph.role(), subgraph.toString());
        assertTrue(subgraph.planned(), subgraph.toString());
        assertEquals(subgraph.operators(), subgraph.delegatedNodes() + subgraph.cpuOperators().size(),
            subgraph.toString());
      }
      assertTrue(report.toString().contains("CONTROL_FLOW"), report.toString());
    }
  }

  @Test
  void theInitGraphIsNotMistakenForTheModel() {
    try (LiteModel model = LiteModel.load(SemanticsModels.path("stateful_accumulator"))) {
      ExecutionReport report = model.executionReport();
      assertEquals(8, report.primaryOperatorCount(), report.toString());
      assertEquals(8, report.delegatedNodes() + report.cpuOperators().size(), report.toString());
      assertTrue(report.cpuOperators().contains("CALL_ONCE"), report.toString());
      ExecutionReport.Subgraph init = report.subgraphs().get(1);
      assertEquals(ExecutionReport.Role.INIT, init.role());
      assertEquals(2, init.operators());
    }
  }

  @Test
  void aSignatureReportsItsOwnSubgraph() {
    try (LiteModel add = LiteModel.load(ReferenceModels.model("multi_signature"),
        LiteModel.Options.defaults().withSignature("add"));
        LiteModel scale = LiteModel.load(ReferenceModels.model("multi_signature"),
            LiteModel.Options.defaults().withSignature("scale"))) {
      ExecutionReport a = add.executionReport();
      ExecutionReport s = scale.executionReport();
      assertFalse(a.primarySubgraph() == s.primarySubgraph(), a + " / " + s);
      assertEquals(ExecutionReport.Role.SIGNATURE, a.subgraphs().get(s.primarySubgraph()).role());
      assertEquals(a.primaryOperatorCount(), a.delegatedNodes() + a.cpuOperators().size(), a.toString());
    }
  }

  @Test
  void singleGraphModelsAreUnchanged() {
    try (LiteModel model = LiteModel.load(ReferenceModels.model("seed_mlp"))) {
      ExecutionReport report = model.executionReport();
      assertEquals(List.of(report.subgraphs().get(0).role()), List.of(ExecutionReport.Role.PRIMARY));
      assertEquals(10, report.primaryOperatorCount());
      assertEquals(10, report.delegatedNodes());
      assertTrue(report.fullyDelegated(), report.toString());
    }
  }
}
