package io.litemodel.internal.analysis;

import static io.litemodel.ReferenceModels.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.ExecutionReport;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.ReferenceModels;
import io.litemodel.SemanticsModels;
import org.junit.jupiter.api.Test;

/** Custom operators: those a delegate claims run, the others are all named in one clear error. */
class CustomOperatorsTest {
  @Test
  void aCustomOperatorThatXnnpackClaimsRuns() {
    ReferenceModels.Npy input = SemanticsModels.npy("custom_deconvolution.input");
    ReferenceModels.Npy expected = SemanticsModels.npy("custom_deconvolution.output");
    try (LiteModel model = LiteModel.load(SemanticsModels.path("custom_deconvolution"))) {
      float[] out = new float[expected.values().length];
      model.predictSingle(input.values(), out);
      assertTrue(maxAbsDiff(out, expected.values()) <= 1e-4f, "max difference " + maxAbsDiff(out, expected.values()));
      ExecutionReport report = model.executionReport();
      assertTrue(report.fullyDelegated(), report.toString());
      assertEquals(report.primaryOperatorCount(), report.delegatedNodes(), report.toString());
    }
  }

  @Test
  void withoutTheDelegateTheErrorSaysWhichOneRunsIt() {
    LiteModelException e = assertThrows(LiteModelException.class,
        () -> LiteModel.load(SemanticsModels.path("custom_deconvolution"),
            LiteModel.Options.defaults().withXnnpack(false)));
    assertEquals(LiteModelException.Status.UNRESOLVED_OPS, e.status());
    assertTrue(e.getMessage().contains("Convolution2DTransposeBias (1 node; the XNNPACK delegate runs it"),
        e.getMessage());
  }

  @Test
  void everyUnresolvedOperatorIsNamedWithItsCount() {
    LiteModelException e = assertThrows(LiteModelException.class,
        () -> LiteModel.load(SemanticsModels.path("unknown_custom_op")));
    assertEquals(LiteModelException.Status.UNRESOLVED_OPS, e.status());
    assertTrue(e.getMessage().contains("MyRelu (2 nodes;"), e.getMessage());
    assertTrue(e.getMessage().contains("MySoftmax (1 node;"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown_custom_op.tflite"), e.getMessage());
  }

  @Test
  void hintsNameTheAcceleratorThatCouldRunAnOperator() {
    assertTrue(CustomOperators.hint("MaxUnpooling2D").contains("XNNPACK"));
    assertTrue(CustomOperators.hint("TransformLandmarks").contains("GPU delegate"));
    assertTrue(CustomOperators.hint("FlexRFFT").contains("TensorFlow runtime"));
    assertTrue(CustomOperators.hint("Whatever").contains("no accelerator LiteModel knows"));
  }
}
