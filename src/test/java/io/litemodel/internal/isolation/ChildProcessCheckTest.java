package io.litemodel.internal.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.Accelerator;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.PluginAccelerator;
import io.litemodel.ReferenceModels;
import io.litemodel.TestDelegatePlugin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The opt-in child-process check: a crash in native code becomes an exception, and only survivors load. */
class ChildProcessCheckTest {
  private static final LiteModel.Options CHECKED = LiteModel.Options.defaults().withChildProcessCheck(true);

  @Test
  void aModelThatSurvivesLoadsAsUsual() throws IOException {
    long start = System.nanoTime();
    try (LiteModel model = LiteModel.load(ReferenceModels.model("seed_mlp"), CHECKED)) {
      System.out.printf("child-process check + load of seed_mlp: %.0f ms%n", (System.nanoTime() - start) / 1e6);
      assertEquals(32, model.predictSingle(new float[256]).length);
    }
    byte[] bytes = Files.readAllBytes(ReferenceModels.model("seed_classifier"));
    try (LiteModel model = LiteModel.load(bytes, CHECKED)) { // no file: checked from a temporary copy
      assertEquals(2, model.predictSingle(new float[20]).length);
    }
  }

  @Test
  void aCrashInNativeCodeBecomesAnExceptionHere() throws IOException {
    LiteModel.Options faulty = CHECKED.withAccelerator(Accelerator.plugin(TestDelegatePlugin.library(),
        Map.of("fault", "abort")));
    List<Path> before = crashReports();
    LiteModelException e = assertThrows(LiteModelException.class,
        () -> LiteModel.load(ReferenceModels.model("seed_mlp"), faulty));
    assertEquals(LiteModelException.Status.INVALID_MODEL, e.status());
    assertTrue(e.getMessage().contains("crashed the child process") && e.getMessage().contains("SIGABRT")
        && e.getMessage().contains("it was not loaded into this JVM"), e.getMessage());
    assertEquals(before, crashReports(), "the child's crash report was not left in the working directory");
  }

  @Test
  void aCleanRefusalInTheChildIsTheUsualError() {
    byte[] garbage = new byte[64];
    garbage[4] = 'T';
    garbage[5] = 'F';
    garbage[6] = 'L';
    garbage[7] = '3';
    LiteModelException e = assertThrows(LiteModelException.class, () -> LiteModel.load(garbage, CHECKED));
    assertEquals(LiteModelException.Status.INVALID_MODEL, e.status());
    assertTrue(e.getMessage().contains("rejected by TensorFlow Lite"), e.getMessage());
  }

  @Test
  void optionsCrossToTheChildUnchanged() {
    LiteModel.Options options = LiteModel.Options.defaults().withThreads(3).withXnnpackForceFp16(true)
        .withXnnpackFlag(Accelerator.XnnpackFlag.QU8, false).withWeightsCache(true).withSignature("add")
        .withMemoryBudget(5L << 20).withAccelerator(Accelerator.plugin(Path.of("/x/plugin.so"),
            Map.of("name", "a=b", "max_nodes", "2")));
    LiteModel.Options decoded = LiteModel.Options.parse(options.toText());
    assertEquals(options, decoded);
    assertEquals(options.toString(), decoded.toString());
    PluginAccelerator sent = (PluginAccelerator) options.accelerator();
    PluginAccelerator received = (PluginAccelerator) decoded.accelerator();
    assertEquals(sent.pluginOptions(), received.pluginOptions());
    assertEquals(sent.library(), received.library());
  }

  @Test
  void everyAcceleratorKindCrossesToTheChildWithItsOptions() {
    for (Accelerator accelerator : List.of(Accelerator.cpu(), Accelerator.gpu(),
        Accelerator.gpu().withSoftwareAdapter(true).withCpuFallback(false), Accelerator.auto().withCpuFallback(false),
        Accelerator.gpuDelegate(), Accelerator.gpuDelegate().withLibrary(Path.of("/x/libdelegate.so"))
            .withPrecisionLossAllowed(true).withUsage(Accelerator.GpuUsage.SUSTAINED_SPEED)
            .withPriorities(Accelerator.GpuPriority.MIN_LATENCY, Accelerator.GpuPriority.MIN_MEMORY_USAGE,
                Accelerator.GpuPriority.MAX_PRECISION)
            .withBackend(Accelerator.GpuBackend.OPENCL).withMaxDelegatedPartitions(3)
            .withSerialization(Path.of("/x/cache"), "token-1"))) {
      LiteModel.Options options = LiteModel.Options.defaults().withAccelerator(accelerator);
      assertEquals(accelerator, LiteModel.Options.parse(options.toText()).accelerator(),
          accelerator.toString());
    }
  }

  private static List<Path> crashReports() throws IOException {
    try (var files = Files.list(Path.of("."))) {
      return files.filter(p -> p.getFileName().toString().startsWith("hs_err")).sorted().toList();
    }
  }
}
