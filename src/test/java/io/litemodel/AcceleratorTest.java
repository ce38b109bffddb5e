package io.litemodel;

import static io.litemodel.ReferenceModels.golden;
import static io.litemodel.ReferenceModels.model;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.litemodel.internal.tflite.GpuDelegateTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The accelerator choice: value semantics, the GPU-unavailable paths (message, AUTO fallback, report). */
public class AcceleratorTest {
  @Test
  void valuesAndValidation() {
    assertEquals(Accelerator.Kind.CPU, Accelerator.cpu().kind());
    assertEquals(Accelerator.Kind.CPU, LiteModel.Options.defaults().accelerator().kind());
    assertEquals(Accelerator.gpuDelegate().withPrecisionLossAllowed(true),
        Accelerator.gpuDelegate().withPrecisionLossAllowed(true));
    assertNotEquals(Accelerator.gpu(), Accelerator.auto());
    assertNotEquals(Accelerator.gpu(), Accelerator.gpu().withSoftwareAdapter(true));
    assertEquals(Accelerator.Kind.GPU, Accelerator.gpu().kind());
    assertEquals(Accelerator.Kind.GPU_DELEGATE, Accelerator.gpuDelegate().kind());
    // Options exist only on the kinds they apply to (they used to fail at run time on the others).
    for (Class<?> type : new Class<?>[] {CpuAccelerator.class, PluginAccelerator.class, GpuAccelerator.class,
        AutoAccelerator.class}) {
      assertFalse(Arrays.stream(type.getMethods()).anyMatch(m -> m.getName().equals("withPrecisionLossAllowed")
          || m.getName().equals("withBackend")), type.getSimpleName());
    }
    // AUTO never takes a software adapter: it has no such option, and its GPU has it off.
    assertFalse(Arrays.stream(AutoAccelerator.class.getMethods())
        .anyMatch(m -> m.getName().equals("withSoftwareAdapter")));
    assertFalse(Accelerator.auto().withCpuFallback(false).gpuAccelerator().softwareAdapter());
    assertEquals(Accelerator.gpu().withCpuFallback(false), Accelerator.auto().withCpuFallback(false).gpuAccelerator());
    assertEquals(Accelerator.Kind.AUTO, Accelerator.auto().withCpuFallback(false).kind());
    assertEquals(Accelerator.plugin(Path.of("x.so"), Map.of("a", "1")), Accelerator.plugin(Path.of("x.so"),
        Map.of("a", "1")));
    assertTrue(Accelerator.class.isSealed());
    assertThrows(IllegalArgumentException.class, () -> Accelerator.gpuDelegate().withMaxDelegatedPartitions(0));
    assertThrows(IllegalArgumentException.class,
        () -> Accelerator.gpuDelegate().withSerialization(Path.of("/tmp"), ""));
    assertTrue(Accelerator.gpuDelegate().withBackend(Accelerator.GpuBackend.OPENCL).toString().contains("OPENCL"));
    assertTrue(LiteModel.Options.defaults().withAccelerator(Accelerator.auto()).toString().contains("AUTO"));
  }

  @Test
  void strictGpuWithAMissingExplicitLibraryNamesIt(@TempDir Path dir) {
    Path missing = dir.resolve("libtensorflowlite_gpu_delegate.so");
    LiteModelException e = assertThrows(LiteModelException.class, () -> LiteModel.load(model("seed_mlp"),
        LiteModel.Options.defaults().withAccelerator(Accelerator.gpuDelegate().withLibrary(missing))));
    assertEquals(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, e.status());
    assertTrue(e.getMessage().startsWith("GPU accelerator unavailable"), e.getMessage());
    assertTrue(e.getMessage().contains(missing + " (no such file)"), e.getMessage());
  }

  @Test
  void strictGpuWithAPropertyPointingNowhereNamesTheProperty(@TempDir Path dir) {
    String previous = System.getProperty(Accelerator.GPU_LIBRARY_PROPERTY);
    System.setProperty(Accelerator.GPU_LIBRARY_PROPERTY, dir.resolve("nope.so").toString());
    try {
      LiteModelException e = assertThrows(LiteModelException.class, () -> LiteModel.load(model("seed_mlp"),
          LiteModel.Options.defaults().withAccelerator(Accelerator.gpuDelegate())));
      assertTrue(e.getMessage().contains("system property litemodel.gpu.delegate=" + dir.resolve("nope.so")),
          e.getMessage());
    } finally {
      GpuDelegateTest.restore(previous);
    }
  }

  @Test
  void aLibraryThatIsNotAGpuDelegateIsNamed() {
    LiteModelException e = assertThrows(LiteModelException.class, () -> LiteModel.load(model("seed_mlp"),
        LiteModel.Options.defaults().withAccelerator(Accelerator.gpuDelegate().withLibrary(libm()))));
    assertEquals(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, e.status());
    assertTrue(e.getMessage().contains("does not export TfLiteGpuDelegateOptionsV2Default"), e.getMessage());
  }

  /** On a machine with no GPU delegate installed (this project's CI): every place searched is listed. */
  @Test
  void gpuDelegateSearchListsEveryPlaceAndAutoFallsBackToTheCpu() {
    assumeTrue(System.getProperty(Accelerator.GPU_LIBRARY_PROPERTY) == null, "property set by the environment");
    LiteModelException e;
    try {
      LiteModel.load(model("seed_mlp"), LiteModel.Options.defaults().withAccelerator(Accelerator.gpuDelegate())).close();
      assumeTrue(false, "a GPU delegate library is installed on this machine");
      return;
    } catch (LiteModelException thrown) {
      e = thrown;
    }
    assertEquals(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, e.status());
    for (String place : new String[] {"system property litemodel.gpu.delegate (not set)", "java.library.path",
        "LD_LIBRARY_PATH", Accelerator.GPU_LIBRARY_NAME}) {
      assertTrue(e.getMessage().contains(place), place + " missing from: " + e.getMessage());
    }

    float[] input = golden("seed_mlp", null, "input", null).row(0);
    try (LiteModel auto = LiteModel.load(model("seed_mlp"),
        LiteModel.Options.defaults().withAccelerator(Accelerator.auto()));
        LiteModel cpu = LiteModel.load(model("seed_mlp"))) {
      ExecutionReport report = auto.executionReport();
      assertEquals(Accelerator.Kind.CPU, report.accelerator());
      assertEquals(1, report.notes().size(), report.toString());
      assertTrue(report.notes().get(0).startsWith("AUTO chose the CPU, GPU not used: "), report.notes().get(0));
      assertTrue(report.toString().contains("AUTO chose the CPU"), report.toString());
      assertEquals(cpu.executionReport().partitionNames(), report.partitionNames());
      assertArrayEquals(cpu.predictSingle(input), auto.predictSingle(input));
    }
  }

  @Test
  void cpuReportsCpuWithoutNotes() {
    try (LiteModel model = LiteModel.load(model("seed_mlp"))) {
      assertEquals(Accelerator.Kind.CPU, model.executionReport().accelerator());
      assertTrue(model.executionReport().notes().isEmpty());
    }
  }

  @Test
  void pluginWithoutXnnpackOnAModelItCannotTakeSaysSo() {
    LiteModel.Options options = LiteModel.Options.defaults().withXnnpack(false)
        .withAccelerator(Accelerator.plugin(TestDelegatePlugin.library(), Map.of()));
    try (LiteModel model = LiteModel.load(model("seed_mlp_float16"), options)) {
      // float16 weights arrive through DEQUANTIZE, so they are not constant: the plugin claims nothing.
      ExecutionReport report = model.executionReport();
      assertEquals(0, report.partitions(), report.toString());
      assertTrue(report.notes().get(0).contains("PLUGIN took no operator"), report.toString());
    }
  }

  private static Path libm() {
    for (String candidate : new String[] {"/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libm.so.6",
        "/lib64/libm.so.6"}) {
      if (Files.isRegularFile(Path.of(candidate))) {
        return Path.of(candidate);
      }
    }
    throw new AssertionError("no libm.so.6 found to use as a non-delegate library");
  }
}
