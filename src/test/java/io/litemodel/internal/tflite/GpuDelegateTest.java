package io.litemodel.internal.tflite;

import static io.litemodel.ReferenceModels.golden;
import static io.litemodel.ReferenceModels.maxAbsDiff;
import static io.litemodel.ReferenceModels.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.Accelerator;
import io.litemodel.AcceleratorTest;
import io.litemodel.ExecutionReport;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.TestDelegatePlugin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU delegate V2 binding. No GPU and no GPU delegate binary exist on the build machine, so the binding is
 * checked against the test plugin's labelled stand-in for the V2 C ABI (native/test_delegate; it is not a GPU): that
 * every option reaches the library, that the library is found where {@link Accelerator} says, and that a delegate
 * failing on a GPU-less machine gives the documented errors and fallbacks. The unavailable paths without any library
 * are in {@link AcceleratorTest}.
 */
public class GpuDelegateTest {
  private static List<String> options(Path dir) throws IOException {
    return Files.readAllLines(dir.resolve("gpu_options.txt"));
  }

  @Test
  void everyGpuOptionReachesTheLibrary(@TempDir Path dir) throws IOException {
    Accelerator gpu = Accelerator.gpuDelegate().withLibrary(TestDelegatePlugin.library())
        .withPrecisionLossAllowed(true)
        .withUsage(Accelerator.GpuUsage.SUSTAINED_SPEED)
        .withPriorities(Accelerator.GpuPriority.MIN_LATENCY, Accelerator.GpuPriority.MIN_MEMORY_USAGE,
            Accelerator.GpuPriority.MAX_PRECISION)
        .withBackend(Accelerator.GpuBackend.OPENCL)
        .withMaxDelegatedPartitions(3)
        .withSerialization(dir, "token-1");
    try (LiteModel model = LiteModel.load(model("seed_mlp"), LiteModel.Options.defaults().withAccelerator(gpu))) {
      assertEquals(Accelerator.Kind.GPU_DELEGATE, model.executionReport().accelerator());
    }
    // ENABLE_QUANT (library default, kept) | CL_ONLY | ENABLE_SERIALIZATION = 0x1 | 0x2 | 0x8
    assertEquals(List.of("is_precision_loss_allowed=1", "inference_preference=1", "inference_priority1=2",
        "inference_priority2=3", "inference_priority3=1", "experimental_flags=11", "max_delegated_partitions=3",
        "serialization_dir=" + dir, "model_token=token-1"), options(dir));
  }

  @Test
  void defaultsAreTheLibrarysAndBackendsAreExclusive(@TempDir Path dir) throws IOException {
    Accelerator gpu = Accelerator.gpuDelegate().withLibrary(TestDelegatePlugin.library())
        .withBackend(Accelerator.GpuBackend.OPENGL).withSerialization(dir, "t");
    try (LiteModel model = LiteModel.load(model("seed_mlp"), LiteModel.Options.defaults().withAccelerator(gpu))) {
      assertTrue(model.executionReport().delegates().get(0).startsWith("GPU("),
          model.executionReport().toString());
    }
    // Library defaults kept: no precision loss, FAST_SINGLE_ANSWER, MAX_PRECISION/AUTO/AUTO, one partition;
    // GL_ONLY | ENABLE_QUANT | ENABLE_SERIALIZATION = 0x4 | 0x1 | 0x8.
    assertEquals(List.of("is_precision_loss_allowed=0", "inference_preference=0", "inference_priority1=1",
        "inference_priority2=0", "inference_priority3=0", "experimental_flags=13", "max_delegated_partitions=1",
        "serialization_dir=" + dir, "model_token=t"), options(dir));
  }

  @Test
  void gpuRunsAndMatchesXnnpackWithXnnpackTakingTheRest() {
    float[] input = golden("seed_mlp", null, "input", null).row(0);
    float[] expected;
    try (LiteModel cpu = LiteModel.load(model("seed_mlp"))) {
      expected = cpu.predictSingle(input);
    }
    LiteModel.Options options = LiteModel.Options.defaults()
        .withAccelerator(Accelerator.gpuDelegate().withLibrary(TestDelegatePlugin.library()));
    try (LiteModel model = LiteModel.load(model("seed_mlp"), options)) {
      ExecutionReport report = model.executionReport();
      assertEquals(Accelerator.Kind.GPU_DELEGATE, report.accelerator());
      assertEquals(1, report.partitionsOf(TestDelegatePlugin.GPU_STAND_IN_KERNEL), report.toString());
      assertTrue(report.partitionsOf(XnnpackDelegate.KERNEL_NAME) >= 1, report.toString());
      assertTrue(maxAbsDiff(expected, model.predictSingle(input)) <= 1e-5f);
    }
  }

  @Test
  void autoNeverTriesTheGpuDelegateLibrary() {
    String previous = System.getProperty(Accelerator.GPU_LIBRARY_PROPERTY);
    System.setProperty(Accelerator.GPU_LIBRARY_PROPERTY, TestDelegatePlugin.library().toString());
    try (LiteModel model = LiteModel.load(model("seed_mlp"),
        LiteModel.Options.defaults().withAccelerator(Accelerator.auto()))) {
      ExecutionReport report = model.executionReport();
      assertEquals(0, report.partitionsOf(TestDelegatePlugin.GPU_STAND_IN_KERNEL), report.toString());
      assertTrue(report.accelerator() != Accelerator.Kind.GPU_DELEGATE, report.toString());
      assertTrue(report.delegates().stream().noneMatch(d -> d.startsWith("GPU(")), report.toString());
    } finally {
      restore(previous);
    }
  }

  @Test
  void aDelegateThatFailsOnThisMachineIsUnavailable(@TempDir Path dir) {
    // The stand-in fails in Prepare like the real delegate does without an OpenCL/OpenGL device.
    Accelerator failing = Accelerator.gpuDelegate().withLibrary(TestDelegatePlugin.library())
        .withSerialization(dir, "unavailable");
    LiteModelException strict = assertThrows(LiteModelException.class, () -> LiteModel.load(model("seed_mlp"),
        LiteModel.Options.defaults().withAccelerator(failing)));
    assertEquals(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, strict.status());
    assertTrue(strict.getMessage().contains("no OpenCL or OpenGL ES device available"), strict.getMessage());

    List<String> trace = TestDelegatePlugin.trace(dir.resolve("gpu_trace.txt"));
    assertEquals(TestDelegatePlugin.count(trace, "create"), TestDelegatePlugin.count(trace, "destroy"),
        "every failed GPU delegate is destroyed: " + trace);
  }

  public static void restore(String previous) {
    if (previous == null) {
      System.clearProperty(Accelerator.GPU_LIBRARY_PROPERTY);
    } else {
      System.setProperty(Accelerator.GPU_LIBRARY_PROPERTY, previous);
    }
  }
}
