package io.litemodel.internal.tflite;

import static io.litemodel.ReferenceModels.golden;
import static io.litemodel.ReferenceModels.maxAbsDiff;
import static io.litemodel.ReferenceModels.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.Accelerator;
import io.litemodel.ExecutionReport;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.ReferenceModels.Npy;
import io.litemodel.TestDelegatePlugin;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delegate plugins, with the real test plugin from native/test_delegate (it computes FULLY_CONNECTED itself). */
class PluginDelegateTest {
  private static final List<String> MLP_CPU_OPS = List.of("ELU", "ELU", "ELU", "ELU", "TANH");

  private static LiteModel.Options plugin(Map<String, String> options) {
    return LiteModel.Options.defaults().withXnnpack(false)
        .withAccelerator(Accelerator.plugin(TestDelegatePlugin.library(), options));
  }

  private static float[][] rows(Npy npy) {
    float[][] rows = new float[npy.rows()][];
    for (int r = 0; r < rows.length; r++) {
      rows[r] = npy.row(r);
    }
    return rows;
  }

  private static float[][] cpu(String name, float[][] rows) {
    try (LiteModel model = LiteModel.load(model(name), LiteModel.Options.defaults().withXnnpack(false))) {
      return model.predict(rows);
    }
  }

  private static float maxDiff(float[][] a, float[][] b) {
    float max = 0;
    for (int r = 0; r < a.length; r++) {
      max = Math.max(max, maxAbsDiff(a[r], b[r]));
    }
    return max;
  }

  @Test
  void pluginLoadsClaimsEveryFullyConnectedNodeAndMatchesTheCpu() {
    float[][] rows = rows(golden("seed_mlp", null, "input", null));
    float[][] expected = cpu("seed_mlp", rows);
    try (LiteModel model = LiteModel.load(model("seed_mlp"), plugin(Map.of()))) {
      ExecutionReport report = model.executionReport();
      assertEquals(Accelerator.Kind.PLUGIN, report.accelerator(), report.toString());
      assertEquals(Collections.nCopies(5, TestDelegatePlugin.KERNEL), report.partitionNames(), report.toString());
      assertEquals(5, report.delegatedNodes(), report.toString());
      assertEquals(MLP_CPU_OPS, report.cpuOperators(), report.toString());
      float[][] out = model.predict(rows); // dynamic batch: the plugin's kernels re-prepare for the new shape
      assertTrue(maxDiff(expected, out) <= 1e-5f, "plugin vs CPU max diff " + maxDiff(expected, out));
      float[] single = model.predictSingle(rows[3]);
      assertTrue(maxAbsDiff(expected[3], single) <= 1e-5f);
    }
  }

  @Test
  void consecutiveNodesBecomeOnePartitionAndTheRestStaysOnTheCpu() {
    float[][] rows = rows(golden("seed_classifier", null, "input", null));
    float[][] expected = cpu("seed_classifier", rows);
    try (LiteModel model = LiteModel.load(model("seed_classifier"), plugin(Map.of()))) {
      ExecutionReport report = model.executionReport();
      assertEquals(1, report.partitions(), report.toString());
      assertEquals(2, report.delegatedNodes(), report.toString()); // FULLY_CONNECTED -> FULLY_CONNECTED
      assertEquals(List.of("SOFTMAX"), report.cpuOperators());
      assertTrue(maxDiff(expected, model.predict(rows)) <= 1e-5f);
    }
  }

  @Test
  void optionsReachThePluginInOrder() {
    float[][] rows = rows(golden("seed_mlp", null, "input", null));
    float[][] expected = cpu("seed_mlp", rows);
    Map<String, String> options = new LinkedHashMap<>();
    options.put("name", "CustomName");
    options.put("max_nodes", "2");
    try (LiteModel model = LiteModel.load(model("seed_mlp"), plugin(options))) {
      ExecutionReport report = model.executionReport();
      assertEquals(List.of("CustomName", "CustomName"), report.partitionNames(), report.toString());
      assertEquals(List.of("ELU", "ELU", "FULLY_CONNECTED", "ELU", "FULLY_CONNECTED", "ELU", "FULLY_CONNECTED",
          "TANH"), report.cpuOperators());
      assertTrue(report.notes().stream().anyMatch(n -> n.contains("took 2 partition(s)")), report.notes().toString());
      assertTrue(maxDiff(expected, model.predict(rows)) <= 1e-5f);
    }
    // A number only the plugin knows changes the output: the plugin, not the CPU, computes the claimed nodes.
    try (LiteModel model = LiteModel.load(model("seed_classifier"),
        plugin(Map.of("output_offset", "0.5")))) {
      float[][] classifierRows = rows(golden("seed_classifier", null, "input", null));
      float diff = maxDiff(cpu("seed_classifier", classifierRows), model.predict(classifierRows));
      assertTrue(diff > 1e-3f, "output_offset had no effect: " + diff);
    }
  }

  @Test
  void xnnpackTakesWhatThePluginLeaves() {
    float[][] rows = rows(golden("seed_mlp", null, "input", null));
    LiteModel.Options options = LiteModel.Options.defaults()
        .withAccelerator(Accelerator.plugin(TestDelegatePlugin.library()));
    try (LiteModel model = LiteModel.load(model("seed_mlp"), options)) {
      ExecutionReport report = model.executionReport();
      assertEquals(5, report.partitionsOf(TestDelegatePlugin.KERNEL), report.toString());
      assertTrue(report.partitionsOf(XnnpackDelegate.KERNEL_NAME) >= 1, report.toString());
      assertTrue(report.fullyDelegated(), report.toString());
      assertTrue(maxDiff(cpu("seed_mlp", rows), model.predict(rows)) <= 1e-5f);
    }
  }

  @Test
  void pluginErrorsReachTheException() {
    // Options built outside assertThrows: without the plugin, its assumption must skip the test, not be caught.
    LiteModel.Options bogus = plugin(Map.of("bogus", "1"));
    LiteModelException rejected = assertThrows(LiteModelException.class,
        () -> LiteModel.load(model("seed_mlp"), bogus));
    assertEquals(LiteModelException.Status.DELEGATE_ERROR, rejected.status());
    assertTrue(rejected.getMessage().contains("unknown option 'bogus'"), rejected.getMessage());

    LiteModel.Options convOnly = plugin(Map.of("ops", "CONV_2D"));
    LiteModelException badOps = assertThrows(LiteModelException.class,
        () -> LiteModel.load(model("seed_mlp"), convOnly));
    assertTrue(badOps.getMessage().contains("only computes FULLY_CONNECTED"), badOps.getMessage());
  }

  @Test
  void missingLibraryAndNonPluginLibraryAreNamed(@TempDir Path dir) {
    Path missing = dir.resolve("libnothing.so");
    LiteModelException notFound = assertThrows(LiteModelException.class, () -> LiteModel.load(model("seed_mlp"),
        LiteModel.Options.defaults().withAccelerator(Accelerator.plugin(missing))));
    assertEquals(LiteModelException.Status.DELEGATE_ERROR, notFound.status());
    assertTrue(notFound.getMessage().contains(missing.toString()), notFound.getMessage());

    // libm is a real shared library, but not a delegate plugin.
    LiteModelException notPlugin = assertThrows(LiteModelException.class, () -> LiteModel.load(model("seed_mlp"),
        LiteModel.Options.defaults().withAccelerator(Accelerator.plugin(Path.of("libm.so.6")))));
    assertTrue(notPlugin.getMessage().contains("does not export tflite_plugin_create_delegate"),
        notPlugin.getMessage());
  }

  @Test
  void pluginOptionsAreValidated() {
    Path library = Path.of("libx.so");
    assertThrows(IllegalArgumentException.class, () -> Accelerator.plugin(library, Map.of("", "v")));
    assertThrows(IllegalArgumentException.class, () -> Accelerator.plugin(library, Map.of("k", "a\0b")));
    Map<String, String> ordered = new LinkedHashMap<>();
    ordered.put("b", "1");
    ordered.put("a", "2");
    assertEquals(List.of("b", "a"), List.copyOf(Accelerator.plugin(library, ordered).pluginOptions().keySet()));
  }
}
