package io.litemodel.internal.tflite;

import static io.litemodel.ReferenceModels.golden;
import static io.litemodel.ReferenceModels.maxAbsDiff;
import static io.litemodel.ReferenceModels.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.Accelerator;
import io.litemodel.ExecutionReport;
import io.litemodel.LiteModel;
import io.litemodel.ReferenceModels.Npy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** XNNPACK options change what runs, observably: thread pool, flags read back from the delegate, delegation. */
class XnnpackDelegateTest {
  @Test
  void threadsAboveOneCreateAThreadPool() {
    XnnpackDelegate single = XnnpackDelegate.create(1, 0, null);
    XnnpackDelegate pooled = XnnpackDelegate.create(2, 0, null);
    try {
      assertFalse(single.hasThreadPool());
      assertTrue(pooled.hasThreadPool());
      assertTrue(pooled.describe().contains("threads=2"), pooled.describe());
    } finally {
      single.delete();
      pooled.delete();
      pooled.delete(); // idempotent
    }
  }

  @Test
  void everyFlagIsSetAndClearedAsAsked() {
    long defaults = XnnpackDelegate.defaultFlags();
    assertEquals(Accelerator.XnnpackFlag.QS8.bit() | Accelerator.XnnpackFlag.QU8.bit(), defaults,
        "this build's default XNNPACK flags changed");
    for (Accelerator.XnnpackFlag flag : Accelerator.XnnpackFlag.values()) {
      LiteModel.Options set = LiteModel.Options.defaults().withXnnpackFlag(flag, true);
      LiteModel.Options cleared = LiteModel.Options.defaults().withXnnpackFlag(flag, false);
      XnnpackDelegate on = XnnpackDelegate.create(1, set.xnnpackFlags(), set.xnnpackClearedFlags(), null);
      XnnpackDelegate off = XnnpackDelegate.create(1, cleared.xnnpackFlags(), cleared.xnnpackClearedFlags(), null);
      try {
        assertEquals(defaults | flag.bit(), on.flags(), flag + " set");
        assertEquals(defaults & ~flag.bit(), off.flags(), flag + " cleared");
      } finally {
        on.delete();
        off.delete();
      }
    }
    LiteModel.Options toggled = LiteModel.Options.defaults().withXnnpackForceFp16(true).withXnnpackForceFp16(false);
    assertEquals(0, toggled.xnnpackFlags());
    assertTrue(LiteModel.Options.defaults().withXnnpackForceFp16(true)
        .xnnpackFlag(Accelerator.XnnpackFlag.FORCE_FP16));
  }

  @Test
  void withoutQs8TheInt8ModelLeavesXnnpack() {
    Npy input = golden("seed_mlp_int8", null, "input", null);
    try (LiteModel withQs8 = LiteModel.load(model("seed_mlp_int8"));
        LiteModel withoutQs8 = LiteModel.load(model("seed_mlp_int8"),
            LiteModel.Options.defaults().withXnnpackFlag(Accelerator.XnnpackFlag.QS8, false))) {
      ExecutionReport on = withQs8.executionReport();
      ExecutionReport off = withoutQs8.executionReport();
      assertFalse(on.cpuOperators().contains("FULLY_CONNECTED"), on.toString());
      assertEquals(5, off.cpuOperators().stream().filter("FULLY_CONNECTED"::equals).count(), off.toString());
      assertTrue(off.delegates().get(0).contains("flags=0x2"), off.toString());
      // Both are int8 arithmetic: XNNPACK's and TensorFlow Lite's quantized kernels may round differently by one
      // step at most on the way (the output scale bounds the difference).
      float[] a = withQs8.predictSingle(input.row(0));
      float[] b = withoutQs8.predictSingle(input.row(0));
      assertTrue(maxAbsDiff(a, b) <= 0.05f, "int8 paths differ by " + maxAbsDiff(a, b));
    }
  }

  @Test
  void forceFp16StaysWithinTheDocumentedErrorAndIsReported() {
    Npy input = golden("seed_mlp", null, "input", null);
    try (LiteModel fp32 = LiteModel.load(model("seed_mlp"));
        LiteModel fp16 = LiteModel.load(model("seed_mlp"), LiteModel.Options.defaults().withXnnpackForceFp16(true))) {
      assertTrue(fp16.executionReport().delegates().get(0).contains("flags=0x7"), fp16.executionReport().toString());
      for (int r = 0; r < input.rows(); r++) {
        float[] a = fp32.predictSingle(input.row(r));
        float[] b = fp16.predictSingle(input.row(r));
        // fp16 has an 11-bit significand: about 1e-3 relative per operation; the outputs are tanh in [-1, 1].
        assertTrue(maxAbsDiff(a, b) <= 2e-2f, "row " + r + ": fp16 vs fp32 " + maxAbsDiff(a, b));
      }
    }
  }

  @Test
  void dynamicFullyConnectedFlagIsAppliedToTheDynamicRangeModel() {
    Npy input = golden("seed_mlp_dynamic", null, "input", null);
    float[] reference = golden("seed_mlp_dynamic", null, "tflite", null).row(0);
    LiteModel.Options options = LiteModel.Options.defaults()
        .withXnnpackFlag(Accelerator.XnnpackFlag.DYNAMIC_FULLY_CONNECTED, true);
    try (LiteModel model = LiteModel.load(model("seed_mlp_dynamic"), options)) {
      ExecutionReport report = model.executionReport();
      assertTrue(report.delegates().get(0).contains("flags=0xb"), report.toString());
      assertTrue(maxAbsDiff(reference, model.predictSingle(input.row(0))) <= 2e-2f);
    }
  }

  @Test
  void disabledXnnpackLeavesEveryOperatorToTheBuiltInKernels() {
    try (LiteModel model = LiteModel.load(model("seed_classifier"),
        LiteModel.Options.defaults().withXnnpack(false))) {
      assertEquals(List.of(), model.executionReport().delegates());
      assertEquals(List.of("FULLY_CONNECTED", "FULLY_CONNECTED", "SOFTMAX"), model.executionReport().cpuOperators());
    }
  }
}
