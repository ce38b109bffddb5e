package io.litemodel;

import static io.litemodel.ReferenceModels.golden;
import static io.litemodel.ReferenceModels.maxAbsDiff;
import static io.litemodel.ReferenceModels.model;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LiteRT's GPU accelerator run for real, on SwiftShader (a CPU implementation of Vulkan from Debian's
 * chromium-common, unpacked by cppbuild.sh; the surefire configuration points VK_ICD_FILENAMES at it), with
 * bytedeco's TensorFlow Lite (XNNPACK) loaded in the same JVM as the reference. Runs in {@code mvn -Pfull}; skipped
 * only when the native build is skipped (the plain build), never because something is missing: then it fails.
 */
class LiteRtModelTest {
  private static final LiteRtModel.Options SOFTWARE = LiteRtModel.Options.defaults().allowSoftwareAdapter(true);
  /** GPU kernels reorder float sums; 1e-4 absolute is far above what was seen (about 1e-6) and far below an error. */
  private static final float PARITY = 1e-4f;

  @BeforeAll
  static void requireNatives() {
    assumeFalse(Boolean.getBoolean("litemodel.native.skipped"),
        "the native build is skipped (plain build): LiteRT and SwiftShader are fetched by mvn -Pfull");
    Path dir = Path.of(System.getProperty(LiteRtRuntime.DIR_PROPERTY, "(unset)"));
    assertTrue(Files.isRegularFile(dir.resolve(LiteRtRuntime.LIBRARY)), "LiteRT natives missing in " + dir);
    String icd = System.getenv("VK_ICD_FILENAMES");
    assertTrue(icd != null && Files.isRegularFile(Path.of(icd)), "SwiftShader ICD missing: " + icd);
  }

  @Test
  void listsSwiftShaderAsTheOnlySoftwareDevice() {
    List<VulkanDevice> devices = LiteRtRuntime.vulkanDevices();
    assertEquals(1, devices.size(), devices.toString());
    assertTrue(devices.get(0).name().startsWith("SwiftShader"), devices.toString());
    assertFalse(devices.get(0).hardware());
    assertFalse(LiteRtModel.hardwareGpuAvailable());
  }

  @Test
  void defaultOptionsRefuseASoftwareAdapter() {
    LiteModelException e = assertThrows(LiteModelException.class, () -> LiteRtModel.load(model("seed_mlp")));
    assertEquals(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, e.status());
    assertTrue(e.getMessage().contains("no hardware Vulkan device; only SwiftShader Device"), e.getMessage());
    assertTrue(e.getMessage().contains("allowSoftwareAdapter(true)"), e.getMessage());
  }

  @Test
  void adapterChoicePrefersDiscreteThenIntegratedAndNeverSoftwareUnlessAllowed() {
    VulkanDevice cpu = new VulkanDevice("SwiftShader Device (Subzero)", 4);
    VulkanDevice integrated = new VulkanDevice("Intel(R) UHD Graphics", 1);
    VulkanDevice discrete = new VulkanDevice("NVIDIA GeForce RTX 4090", 2);
    assertEquals(discrete, LiteRtModel.chooseAdapter(List.of(cpu, integrated, discrete), false));
    assertEquals(integrated, LiteRtModel.chooseAdapter(List.of(cpu, integrated), false));
    assertEquals(cpu, LiteRtModel.chooseAdapter(List.of(cpu), true));
    assertThrows(LiteModelException.class, () -> LiteRtModel.chooseAdapter(List.of(cpu), false));
    assertEquals("NVIDIA GeForce RTX 4090 (Vulkan, discrete GPU)", discrete.describe());
  }

  @Test
  void seedMlpMatchesXnnpackAndRunsFullyOnTheGpu() {
    float[][] rows = toRows(golden("seed_mlp", null, "input", null));
    try (LiteModel cpu = LiteModel.load(model("seed_mlp"));
        LiteRtModel gpu = LiteRtModel.load(model("seed_mlp"), SOFTWARE)) {
      assertTrue(gpu.fullyAccelerated(), gpu.executionSummary());
      Path dir = Path.of(System.getProperty(LiteRtRuntime.DIR_PROPERTY)).toAbsolutePath();
      assertEquals("LiteRT " + dir.resolve("libLiteRt.so") + ", GPU accelerator "
          + dir.resolve("libLiteRtWebGpuAccelerator.so") + " (WebGPU) on SwiftShader Device (Subzero) (Vulkan, CPU / "
          + "software); all operators on the GPU", gpu.executionSummary());
      assertTrue(gpu.softwareAdapter());
      assertEquals("SwiftShader Device (Subzero) (Vulkan, CPU / software)", gpu.adapter());
      float worst = 0;
      for (float[] row : rows) {
        worst = Math.max(worst, maxAbsDiff(cpu.predictSingle(row), gpu.predictSingle(row)));
      }
      System.out.printf("LiteRT GPU (SwiftShader) vs XNNPACK, seed_mlp, %d rows: max |diff| %.3g%n", rows.length,
          worst);
      assertTrue(worst < PARITY, "seed_mlp max |diff| " + worst);
    }
  }

  @Test
  void imageCnnMatchesXnnpackInOneBatch() {
    ReferenceModels.Npy input = golden("image_cnn", null, "input", null);
    float[][] rows = toRows(input);
    try (LiteModel cpu = LiteModel.load(model("image_cnn"));
        LiteRtModel gpu = LiteRtModel.load(model("image_cnn"), SOFTWARE)) {
      assertTrue(gpu.fullyAccelerated(), gpu.executionSummary());
      float[][] expected = cpu.predict(rows);
      float[][] actual = gpu.predict(rows); // one invocation of rows.length
      float worst = 0;
      for (int r = 0; r < rows.length; r++) {
        worst = Math.max(worst, maxAbsDiff(expected[r], actual[r]));
      }
      System.out.printf("LiteRT GPU (SwiftShader) vs XNNPACK, image_cnn, batch %d: max |diff| %.3g%n", rows.length,
          worst);
      assertTrue(worst < PARITY, "image_cnn max |diff| " + worst);
    }
  }

  @Test
  void multiIoMatchesXnnpackByName() {
    try (LiteModel cpu = LiteModel.load(model("multi_io"));
        LiteRtModel gpu = LiteRtModel.load(model("multi_io"), SOFTWARE)) {
      assertTrue(gpu.fullyAccelerated(), gpu.executionSummary());
      Map<String, float[]> inputs = Map.of(
          "context", golden("multi_io", null, "input", "context").values(),
          "features", golden("multi_io", null, "input", "features").values());
      Map<String, float[]> expected = cpu.run(inputs);
      Map<String, float[]> actual = gpu.run(inputs);
      assertEquals(expected.keySet(), actual.keySet());
      for (String name : expected.keySet()) {
        float diff = maxAbsDiff(expected.get(name), actual.get(name));
        System.out.printf("LiteRT GPU (SwiftShader) vs XNNPACK, multi_io.%s: max |diff| %.3g%n", name, diff);
        assertTrue(diff < PARITY, "multi_io." + name + " max |diff| " + diff);
      }
    }
  }

  @Test
  void batchSizesChangeAndAgreeRowByRow() {
    float[][] rows = toRows(golden("seed_mlp", null, "input", null));
    try (LiteRtModel gpu = LiteRtModel.load(model("seed_mlp"), SOFTWARE)) {
      assertTrue(gpu.hasDynamicBatch());
      for (int batch : new int[] {3, 1, 4}) {
        float[][] some = java.util.Arrays.copyOf(rows, batch);
        float[][] together = gpu.predict(some);
        assertEquals(batch, gpu.inputs().get(0).shape()[0]);
        for (int r = 0; r < batch; r++) {
          assertTrue(maxAbsDiff(gpu.predictSingle(some[r]), together[r]) < PARITY, "batch " + batch + " row " + r);
        }
      }
      assertArrayEquals(new int[] {-1, 256}, gpu.inputs().get(0).shapeSignature());
    }
  }

  @Test
  void steadyStateCallsAllocateNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    float[] in = golden("seed_mlp", null, "input", null).row(0);
    float[] out = new float[32];
    int rows = 8;
    FloatBuffer batchIn = ByteBuffer.allocateDirect(rows * 256 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    FloatBuffer batchOut = ByteBuffer.allocateDirect(rows * 32 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    try (LiteRtModel gpu = LiteRtModel.load(model("seed_mlp"), SOFTWARE)) {
      for (int i = 0; i < 100; i++) { // warm-up: class loading, JIT compilation
        gpu.predictSingle(in, out);
      }
      int calls = 300; // SwiftShader runs a call in milliseconds: few calls, and a bound of under 1 B per call
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < calls; i++) {
        gpu.predictSingle(in, out);
      }
      long single = threads.getThreadAllocatedBytes(thread) - before;
      for (int i = 0; i < 20; i++) {
        batchIn.clear();
        batchOut.clear();
        gpu.predict(batchIn, batchOut, rows);
      }
      before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < calls; i++) {
        batchIn.clear();
        batchOut.clear();
        gpu.predict(batchIn, batchOut, rows);
      }
      long batched = threads.getThreadAllocatedBytes(thread) - before;
      assertTrue(single < calls, "predictSingle allocated " + single + " B over " + calls + " calls");
      assertTrue(batched < calls, "predict(FloatBuffer) allocated " + batched + " B over " + calls + " calls");
    }
  }

  @Test
  void aModelTheGpuCannotTakeFailsWithLiteRtsReason() {
    LiteModelException e = assertThrows(LiteModelException.class,
        () -> LiteRtModel.load(model("token_embedding"), SOFTWARE));
    assertEquals(LiteModelException.Status.DELEGATE_ERROR, e.status());
    assertTrue(e.getMessage().startsWith("LiteRT could not compile the model for its GPU accelerator: "
        + "LiteRtCreateCompiledModel failed: kLiteRtStatusErrorRuntimeFailure (3)"), e.getMessage());
  }

  @Test
  void aPartlyAcceleratedModelFallsBackToTheCpuAndSaysSo() throws Exception {
    Path partial = Path.of(LiteRtModelTest.class.getResource("/litert/matrix_diag.tflite").toURI());
    float[] row = {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f, 3f, -2f};
    try (LiteModel cpu = LiteModel.load(partial);
        LiteRtModel gpu = LiteRtModel.load(partial, SOFTWARE)) {
      assertFalse(gpu.fullyAccelerated());
      assertTrue(gpu.executionSummary().endsWith("some operators fall back to LiteRT's CPU accelerator (LiteRT does "
          + "not say which)"), gpu.executionSummary());
      float diff = maxAbsDiff(cpu.predictSingle(row), gpu.predictSingle(row));
      System.out.printf("LiteRT GPU+CPU fallback (SwiftShader) vs XNNPACK, matrix_diag: max |diff| %.3g%n", diff);
      assertTrue(diff < PARITY, "matrix_diag max |diff| " + diff);
    }
  }

  @Test
  void withoutCpuFallbackAPartlySupportedModelIsRefused() throws Exception {
    Path partial = Path.of(LiteRtModelTest.class.getResource("/litert/matrix_diag.tflite").toURI());
    LiteModelException e = assertThrows(LiteModelException.class,
        () -> LiteRtModel.load(partial, SOFTWARE.allowCpuFallback(false)));
    assertEquals(LiteModelException.Status.DELEGATE_ERROR, e.status());
    assertTrue(e.getMessage().contains("LiteRtCreateCompiledModel failed: kLiteRtStatusErrorCompilation (504)"),
        e.getMessage());
  }

  @Test
  void quantizedInputsAreRefusedClearly() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LiteRtModel.load(model("seed_mlp_int8"), SOFTWARE));
    assertEquals("input 'input' is INT8; LiteRT's GPU path takes float32 tensors only (load quantized-I/O models "
        + "with LiteModel on the CPU)", e.getMessage());
  }

  @Test
  void misuseGivesClearExceptions() {
    try (LiteRtModel gpu = LiteRtModel.load(model("multi_io"), SOFTWARE)) {
      IllegalArgumentException single = assertThrows(IllegalArgumentException.class,
          () -> gpu.predictSingle(new float[4]));
      assertTrue(single.getMessage().contains("has 2 inputs and 2 outputs: use run"), single.getMessage());
      assertThrows(IllegalArgumentException.class, () -> gpu.inputIndex("nope"));
      IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
          () -> gpu.run(new float[][] {new float[4], new float[32]}, new float[2][]));
      assertTrue(rows.getMessage().contains("inputs hold different row counts"), rows.getMessage());
    }
  }

  @Test
  void replicasLiveOnTheirOwnAndCloseIsIdempotent() {
    float[] row = golden("seed_mlp", null, "input", null).row(0);
    LiteRtModel original = LiteRtModel.load(model("seed_mlp"), SOFTWARE);
    LiteRtModel replica = original.replicate();
    float[] expected = original.predictSingle(row);
    original.close();
    original.close();
    assertTrue(original.isClosed());
    IllegalStateException closed = assertThrows(IllegalStateException.class, () -> original.predictSingle(row));
    assertEquals("this LiteRtModel is closed", closed.getMessage());
    try (replica) {
      assertArrayEquals(expected, replica.predictSingle(row));
    }
  }

  private static float[][] toRows(ReferenceModels.Npy npy) {
    float[][] rows = new float[npy.rows()][];
    for (int r = 0; r < rows.length; r++) {
      rows[r] = npy.row(r);
    }
    return rows;
  }
}
