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

import io.litemodel.internal.litert.LiteRtInterpreter;
import io.litemodel.internal.litert.LiteRtRuntime;
import io.litemodel.internal.litert.VulkanDevice;
import io.litemodel.serving.LiteModelPool;
import io.litemodel.serving.MicroBatcher;
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
 * {@link Accelerator#gpu()}: LiteRT's GPU accelerator run for real through {@link LiteModel}'s own API, on SwiftShader
 * (a CPU implementation of Vulkan from Debian's chromium-common, unpacked by cppbuild.sh; the surefire configuration
 * points VK_ICD_FILENAMES at it), with bytedeco's TensorFlow Lite (XNNPACK) loaded in the same JVM as the reference. Runs in {@code mvn -Pfull}; skipped
 * only when the native build is skipped (the plain build), never because something is missing: then it fails.
 */
class GpuAcceleratorTest {
  private static final LiteModel.Options SOFTWARE =
      LiteModel.Options.defaults().withAccelerator(Accelerator.gpu().withSoftwareAdapter(true));
  private static final String SWIFTSHADER = "SwiftShader Device (Subzero) (Vulkan, CPU / software)";
  /** GPU kernels reorder float sums; 1e-4 absolute is far above what was seen (about 1e-6) and far below an error. */
  private static final float PARITY = 1e-4f;

  @BeforeAll
  static void requireNatives() {
    SoftwareGpu.assumeAvailable();
    System.out.println("GpuAcceleratorTest: SwiftShader from Debian's " + SoftwareGpu.version());
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
    assertFalse(GpuAccelerator.hardwareAvailable());
  }

  @Test
  void gpuRefusesASoftwareAdapterUnlessAllowed() {
    LiteModelException e = assertThrows(LiteModelException.class, () -> LiteModel.load(model("seed_mlp"),
        LiteModel.Options.defaults().withAccelerator(Accelerator.gpu())));
    assertEquals(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, e.status());
    assertTrue(e.getMessage().contains("no hardware Vulkan device; only SwiftShader Device"), e.getMessage());
    assertTrue(e.getMessage().contains("Accelerator.gpu().withSoftwareAdapter(true)"), e.getMessage());
  }

  @Test
  void autoNeverChoosesASoftwareAdapterAndSaysWhy() {
    float[] row = golden("seed_mlp", null, "input", null).row(0);
    try (LiteModel auto = LiteModel.load(model("seed_mlp"),
        LiteModel.Options.defaults().withAccelerator(Accelerator.auto()));
        LiteModel cpu = LiteModel.load(model("seed_mlp"))) {
      ExecutionReport report = auto.executionReport();
      assertEquals(Accelerator.Kind.CPU, report.accelerator());
      assertTrue(report.gpuAdapter().isEmpty());
      assertTrue(report.notes().get(0).startsWith("AUTO chose the CPU, GPU not used: no hardware Vulkan device; "
          + "only SwiftShader Device"), report.notes().toString());
      assertArrayEquals(cpu.predictSingle(row), auto.predictSingle(row));
    }
  }

  @Test
  void adapterChoicePrefersDiscreteThenIntegratedAndNeverSoftwareUnlessAllowed() {
    VulkanDevice cpu = new VulkanDevice("SwiftShader Device (Subzero)", 4);
    VulkanDevice integrated = new VulkanDevice("Intel(R) UHD Graphics", 1);
    VulkanDevice discrete = new VulkanDevice("NVIDIA GeForce RTX 4090", 2);
    assertEquals(discrete, LiteRtInterpreter.chooseAdapter(List.of(cpu, integrated, discrete), false));
    assertEquals(integrated, LiteRtInterpreter.chooseAdapter(List.of(cpu, integrated), false));
    assertEquals(cpu, LiteRtInterpreter.chooseAdapter(List.of(cpu), true));
    assertThrows(LiteModelException.class, () -> LiteRtInterpreter.chooseAdapter(List.of(cpu), false));
    assertThrows(LiteModelException.class, () -> LiteRtInterpreter.chooseAdapter(List.of(), true));
    assertEquals("NVIDIA GeForce RTX 4090 (Vulkan, discrete GPU)", discrete.describe());
  }

  @Test
  void seedMlpMatchesXnnpackAndRunsFullyOnTheGpu() {
    float[][] rows = toRows(golden("seed_mlp", null, "input", null));
    try (LiteModel cpu = LiteModel.load(model("seed_mlp"));
        LiteModel gpu = LiteModel.load(model("seed_mlp"), SOFTWARE)) {
      ExecutionReport report = gpu.executionReport();
      assertEquals(Accelerator.Kind.GPU, report.accelerator());
      assertEquals(SWIFTSHADER, report.gpuAdapter().orElseThrow());
      assertTrue(report.fullyDelegated(), report.toString());
      assertEquals(cpu.executionReport().primaryOperatorCount(), report.delegatedNodes(), report.toString());
      assertEquals(List.of(LiteRtInterpreter.GPU_PARTITION), report.partitionNames());
      Path dir = Path.of(System.getProperty(LiteRtRuntime.DIR_PROPERTY)).toAbsolutePath();
      assertEquals(List.of("LiteRT GPU accelerator (WebGPU over Vulkan; " + dir.resolve("libLiteRt.so") + ", "
          + dir.resolve("libLiteRtWebGpuAccelerator.so") + ") + LiteRT CPU accelerator"), report.delegates());
      assertEquals(List.of("the GPU adapter is a software Vulkan implementation: correct, not fast"), report.notes());
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
    float[][] rows = toRows(golden("image_cnn", null, "input", null));
    try (LiteModel cpu = LiteModel.load(model("image_cnn"));
        LiteModel gpu = LiteModel.load(model("image_cnn"), SOFTWARE)) {
      assertTrue(gpu.executionReport().fullyDelegated(), gpu.executionReport().toString());
      float[][] expected = cpu.predict(rows);
      float[][] actual = gpu.predict(rows); // one invocation of rows.length
      assertEquals(rows.length, gpu.inputs().get(0).shape()[0]);
      float worst = 0;
      for (int r = 0; r < rows.length; r++) {
        worst = Math.max(worst, maxAbsDiff(expected[r], actual[r]));
      }
      System.out.printf("LiteRT GPU (SwiftShader) vs XNNPACK, image_cnn, batch %d: max |diff| %.3g%n", rows.length,
          worst);
      assertTrue(worst < PARITY, "image_cnn max |diff| " + worst);
    }
  }

  /**
   * The GPU shows the CPU's tensors (names, order, shapes), matched to LiteRT's by name: LiteRT lists its first
   * signature's order, which a model may declare differently from its main graph (multi_io happens to agree).
   */
  @Test
  void multiIoShowsTheCpusTensorsAndMatchesXnnpack() {
    try (LiteModel cpu = LiteModel.load(model("multi_io"));
        LiteModel gpu = LiteModel.load(model("multi_io"), SOFTWARE)) {
      assertTrue(gpu.executionReport().fullyDelegated(), gpu.executionReport().toString());
      assertSameTensors(cpu.inputs(), gpu.inputs());
      assertSameTensors(cpu.outputs(), gpu.outputs());
      float[][] inputs = new float[cpu.inputs().size()][];
      for (int i = 0; i < inputs.length; i++) {
        inputs[i] = golden("multi_io", null, "input", cpu.inputs().get(i).name()).values();
      }
      float[][] expected = new float[cpu.outputs().size()][];
      float[][] actual = new float[expected.length][];
      for (int i = 0; i < expected.length; i++) {
        int rowElements = cpu.outputs().get(i).shape()[1];
        expected[i] = new float[inputs[0].length / cpu.inputs().get(0).shape()[1] * rowElements];
        actual[i] = new float[expected[i].length];
      }
      cpu.run(inputs, expected);
      gpu.run(inputs, actual); // positional: only right if the order is the CPU's
      for (int i = 0; i < expected.length; i++) {
        float diff = maxAbsDiff(expected[i], actual[i]);
        System.out.printf("LiteRT GPU (SwiftShader) vs XNNPACK, multi_io.%s: max |diff| %.3g%n",
            cpu.outputs().get(i).name(), diff);
        assertTrue(diff < PARITY, "multi_io." + cpu.outputs().get(i).name() + " max |diff| " + diff);
      }
      int[] wider = cpu.inputs().get(0).shape().clone();
      wider[0] = wider[0] + 1;
      IllegalArgumentException oneInput = assertThrows(IllegalArgumentException.class,
          () -> gpu.resizeInput(0, wider));
      assertTrue(oneInput.getMessage().contains("a multi-input model changes its batch through run or predict"),
          oneInput.getMessage());
      Map<String, float[]> named = gpu.run(Map.of(cpu.inputs().get(0).name(), inputs[0],
          cpu.inputs().get(1).name(), inputs[1]));
      assertEquals(List.copyOf(cpu.run(Map.of(cpu.inputs().get(0).name(), inputs[0], cpu.inputs().get(1).name(),
          inputs[1])).keySet()), List.copyOf(named.keySet()));
    }
  }

  @Test
  void batchSizesChangeAndAgreeRowByRow() {
    float[][] rows = toRows(golden("seed_mlp", null, "input", null));
    try (LiteModel gpu = LiteModel.load(model("seed_mlp"), SOFTWARE)) {
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
      gpu.resizeInput(0, 2, 256);
      assertArrayEquals(new int[] {2, 256}, gpu.inputs().get(0).shape());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.resizeInput(0, 2, 128));
      assertTrue(e.getMessage().contains("dimension 1 is fixed at 256 and cannot become 128"), e.getMessage());
      assertTrue(maxAbsDiff(gpu.predictSingle(rows[0]), gpu.predict(new float[][] {rows[0]})[0]) < PARITY);
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
    try (LiteModel gpu = LiteModel.load(model("seed_mlp"), SOFTWARE)) {
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
  void aModelTheGpuCannotTakeIsUnavailableWithLiteRtsReason() {
    LiteModelException e = assertThrows(LiteModelException.class,
        () -> LiteModel.load(model("token_embedding"), SOFTWARE));
    assertEquals(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, e.status());
    assertTrue(e.getMessage().startsWith("LiteRT could not compile the model for its GPU accelerator: "
        + "LiteRtCreateCompiledModel failed: kLiteRtStatusErrorRuntimeFailure (3)"), e.getMessage());
  }

  /** LiteRT's C API does not name the operators it leaves to the CPU; its log does, and the report says them. */
  @Test
  void aPartlyAcceleratedModelNamesWhatFellBackToTheCpu() throws Exception {
    Path partial = Path.of(GpuAcceleratorTest.class.getResource("/litert/matrix_diag.tflite").toURI());
    float[] row = {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f, 3f, -2f};
    try (LiteModel cpu = LiteModel.load(partial);
        LiteModel gpu = LiteModel.load(partial, SOFTWARE)) {
      ExecutionReport report = gpu.executionReport();
      assertFalse(report.fullyDelegated(), report.toString()); // LiteRT's own answer
      assertEquals(List.of("MATRIX_DIAG"), report.cpuOperators(), report.toString()); // the type LiteRT named
      assertEquals(2, report.delegatedNodes(), report.toString()); // LiteRT's count
      assertTrue(report.notes().contains("LiteRT's GPU accelerator did not take every operator; the rest run on "
          + "LiteRT's CPU accelerator (2 on the GPU, 2 on the CPU): MATRIX_DIAG: Operation is not supported."),
          report.notes().toString());
      float diff = maxAbsDiff(cpu.predictSingle(row), gpu.predictSingle(row));
      System.out.printf("LiteRT GPU+CPU fallback (SwiftShader) vs XNNPACK, matrix_diag: max |diff| %.3g%n", diff);
      assertTrue(diff < PARITY, "matrix_diag max |diff| " + diff);
    }
  }

  @Test
  void withoutCpuFallbackAPartlySupportedModelIsUnavailable() throws Exception {
    Path partial = Path.of(GpuAcceleratorTest.class.getResource("/litert/matrix_diag.tflite").toURI());
    LiteModelException e = assertThrows(LiteModelException.class, () -> LiteModel.load(partial,
        LiteModel.Options.defaults().withAccelerator(Accelerator.gpu().withSoftwareAdapter(true)
            .withCpuFallback(false))));
    assertEquals(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, e.status());
    assertTrue(e.getMessage().contains("LiteRtCreateCompiledModel failed: kLiteRtStatusErrorCompilation (504)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("MATRIX_DIAG: Operation is not supported."), e.getMessage());
  }

  @Test
  void quantizedInputsAreUnavailableOnTheGpu() {
    LiteModelException e = assertThrows(LiteModelException.class,
        () -> LiteModel.load(model("seed_mlp_int8"), SOFTWARE));
    assertEquals(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, e.status());
    assertEquals("input 'input' is INT8; LiteRT's GPU path takes float32 inputs and outputs only (run this model on "
        + "the CPU)", e.getMessage());
  }

  @Test
  void onlyTheFirstSignatureRunsOnTheGpu() {
    try (LiteModel cpu = LiteModel.load(model("seed_mlp"))) {
      List<String> keys = cpu.signatureKeys();
      assumeFalse(keys.isEmpty(), "seed_mlp declares no signature");
      try (LiteModel gpu = LiteModel.load(model("seed_mlp"), SOFTWARE.withSignature(keys.get(0)));
          LiteModel signed = LiteModel.load(model("seed_mlp"), LiteModel.Options.defaults()
              .withSignature(keys.get(0)))) {
        assertEquals(keys.get(0), gpu.signatureKey());
        assertSameTensors(signed.inputs(), gpu.inputs());
        assertSameTensors(signed.outputs(), gpu.outputs());
      }
    }
  }

  @Test
  void aSignatureOtherThanTheFirstIsUnavailableAndAutoRunsItOnTheCpu() {
    try (LiteModel cpu = LiteModel.load(model("multi_signature"))) {
      List<String> keys = cpu.signatureKeys();
      assertTrue(keys.size() >= 2, keys.toString());
      String second = keys.get(1);
      LiteModelException e = assertThrows(LiteModelException.class,
          () -> LiteModel.load(model("multi_signature"), SOFTWARE.withSignature(second)));
      assertEquals(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, e.status());
      assertEquals("LiteRT's GPU path runs the model's first signature ('" + keys.get(0) + "'), not '" + second + "'",
          e.getMessage());
    }
  }

  /** No known-bad graph reaches LiteRT: the operators reject the stored shapes, and LiteRT compiles at those. */
  @Test
  void aModelWhoseOperatorsRejectItsStoredShapesNeverReachesLiteRt() {
    LiteModelException e = assertThrows(LiteModelException.class,
        () -> LiteModel.load(SemanticsModels.path("needs_shape_first"), SOFTWARE));
    assertEquals(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, e.status());
    assertTrue(e.getMessage().startsWith("the model's operators reject its stored input shapes"), e.getMessage());
  }

  @Test
  void misuseGivesTheCpusExceptions() {
    try (LiteModel gpu = LiteModel.load(model("multi_io"), SOFTWARE);
        LiteModel cpu = LiteModel.load(model("multi_io"))) {
      IllegalArgumentException onGpu = assertThrows(IllegalArgumentException.class,
          () -> gpu.predictSingle(new float[4]));
      IllegalArgumentException onCpu = assertThrows(IllegalArgumentException.class,
          () -> cpu.predictSingle(new float[4]));
      assertEquals(onCpu.getMessage(), onGpu.getMessage());
      assertThrows(IllegalArgumentException.class, () -> gpu.inputIndex("nope"));
      assertThrows(IllegalArgumentException.class,
          () -> gpu.run(new float[][] {new float[4], new float[32]}, new float[2][]));
    }
  }

  @Test
  void resetStateRecompilesAndReplicasLiveOnTheirOwn() {
    float[] row = golden("seed_mlp", null, "input", null).row(0);
    LiteModel original = LiteModel.load(model("seed_mlp"), SOFTWARE);
    float[] expected = original.predictSingle(row);
    original.resetState();
    assertArrayEquals(expected, original.predictSingle(row));
    LiteModel replica = original.replicate();
    assertEquals(Accelerator.Kind.GPU, replica.executionReport().accelerator());
    original.close();
    original.close();
    assertTrue(original.isClosed());
    assertThrows(IllegalStateException.class, () -> original.predictSingle(row));
    try (replica) {
      assertArrayEquals(expected, replica.predictSingle(row));
    }
  }

  /** The many-callers machinery over GPU models: a pool of GPU replicas, and the micro-batcher around one. */
  @Test
  void poolAndMicroBatcherServeManyThreadsOnTheGpu() throws Exception {
    float[][] rows = toRows(golden("seed_mlp", null, "input", null));
    float[][] expected;
    try (LiteModel cpu = LiteModel.load(model("seed_mlp"))) {
      expected = cpu.predict(rows);
    }
    try (LiteModelPool<LiteModel> pool = LiteModelPool.create(model("seed_mlp"), SOFTWARE, 2);
        LiteModel shared = LiteModel.load(model("seed_mlp"), SOFTWARE);
        MicroBatcher batcher = MicroBatcher.around(shared)) {
      java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(4);
      try {
        List<java.util.concurrent.Future<Float>> worst = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
          worst.add(callers.submit(() -> {
            float diff = 0;
            float[] out = new float[32];
            for (int i = 0; i < 20; i++) {
              int r = i % rows.length;
              pool.predictSingle(rows[r], out);
              diff = Math.max(diff, maxAbsDiff(expected[r], out));
              batcher.predictSingle(rows[r], out);
              diff = Math.max(diff, maxAbsDiff(expected[r], out));
            }
            return diff;
          }));
        }
        for (java.util.concurrent.Future<Float> result : worst) {
          assertTrue(result.get() < PARITY, "max |diff| " + result.get());
        }
      } finally {
        callers.shutdownNow();
      }
      assertEquals(Accelerator.Kind.GPU, pool.withReplica(replica -> replica.executionReport().accelerator()));
    }
  }

  private static void assertSameTensors(List<TensorSpec> cpu, List<TensorSpec> gpu) {
    assertEquals(cpu.size(), gpu.size());
    for (int i = 0; i < cpu.size(); i++) {
      assertEquals(cpu.get(i).name(), gpu.get(i).name(), "tensor " + i);
      assertEquals(cpu.get(i).tensorName(), gpu.get(i).tensorName(), "tensor " + i);
      assertArrayEquals(cpu.get(i).shape(), gpu.get(i).shape(), "tensor " + i);
      assertArrayEquals(cpu.get(i).shapeSignature(), gpu.get(i).shapeSignature(), "tensor " + i);
      assertEquals(cpu.get(i).dataType(), gpu.get(i).dataType(), "tensor " + i);
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
