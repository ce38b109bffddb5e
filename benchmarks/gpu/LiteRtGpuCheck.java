import io.litemodel.LiteModel;
import io.litemodel.Accelerator;
import io.litemodel.ExecutionReport;
import io.litemodel.io.NpyArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GPU check for LiteRT's GPU accelerator: parity with XNNPACK (LiteModel on the CPU) on the reference models, then
 * seed_mlp single-row latency and image_cnn batch-32 throughput, on both. Run by litert-check.sh (see there);
 * writes a dated Markdown table to benchmarks/results/. Under five minutes on a GPU, and on SwiftShader too.
 *
 * <p>Usage: java -cp target/classes:DEPS benchmarks/gpu/LiteRtGpuCheck.java [--allow-software]
 */
public final class LiteRtGpuCheck {
  private static final Path MODELS = Path.of("models");
  private static final float PARITY = 1e-4f;
  private static final StringBuilder REPORT = new StringBuilder();
  private static boolean failed;

  public static void main(String[] args) throws Exception {
    boolean software = Arrays.asList(args).contains("--allow-software");
    LiteModel.Options options =
        LiteModel.Options.defaults().withAccelerator(Accelerator.gpu().withSoftwareAdapter(software));
    try (LiteModel probe = LiteModel.load(MODELS.resolve("seed_mlp.tflite"), options)) {
      ExecutionReport report = probe.executionReport();
      line("# LiteRT GPU check, " + LocalDate.now());
      line("");
      line("Adapter: " + report.gpuAdapter().orElseThrow() + (report.gpuAdapter().orElseThrow().contains("software")
          ? " -- a software Vulkan implementation: the timings below measure a CPU emulating a GPU, not GPU speed"
          : ""));
      line("Host: " + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + Runtime.version());
      line("");
    }
    line("## Parity with XNNPACK (max |GPU - CPU|, bound " + PARITY + ")");
    line("");
    line("| model | rows | fully on GPU | max abs diff |");
    line("|---|---|---|---|");
    paritySingle("seed_mlp", options);
    parityBatch("image_cnn", options);
    parityMultiIo(options);
    line("");
    line("## Timings");
    line("");
    line("| what | CPU (XNNPACK) | LiteRT GPU |");
    line("|---|---|---|");
    latency(options, software ? 300 : 5000);
    throughput(options, software ? 10 : 30);
    Path out = Path.of("benchmarks/results/gpu-litert-" + LocalDate.now() + (software ? "-software" : "") + ".md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, REPORT);
    System.out.println("written: " + out);
    if (failed) {
      System.err.println("PARITY FAILED");
      System.exit(1);
    }
  }

  private static void line(String text) {
    System.out.println(text);
    REPORT.append(text).append('\n');
  }

  private static float[][] rows(String file) throws Exception {
    return NpyArray.open(MODELS.resolve(file)).toMatrix();
  }

  private static void record(String model, int rows, boolean full, float diff) {
    failed |= !(diff < PARITY);
    line("| " + model + " | " + rows + " | " + full + " | " + String.format("%.3g", diff) + " |");
  }

  private static float diff(float[] a, float[] b) {
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  private static void paritySingle(String name, LiteModel.Options options) throws Exception {
    float[][] rows = rows(name + ".golden.input.npy");
    try (LiteModel cpu = LiteModel.load(MODELS.resolve(name + ".tflite"));
        LiteModel gpu = LiteModel.load(MODELS.resolve(name + ".tflite"), options)) {
      float worst = 0;
      for (float[] row : rows) {
        worst = Math.max(worst, diff(cpu.predictSingle(row), gpu.predictSingle(row)));
      }
      record(name, rows.length, gpu.executionReport().fullyDelegated(), worst);
    }
  }

  private static void parityBatch(String name, LiteModel.Options options) throws Exception {
    float[][] rows = rows(name + ".golden.input.npy");
    try (LiteModel cpu = LiteModel.load(MODELS.resolve(name + ".tflite"));
        LiteModel gpu = LiteModel.load(MODELS.resolve(name + ".tflite"), options)) {
      float[][] expected = cpu.predict(rows);
      float[][] actual = gpu.predict(rows);
      float worst = 0;
      for (int r = 0; r < rows.length; r++) {
        worst = Math.max(worst, diff(expected[r], actual[r]));
      }
      record(name, rows.length, gpu.executionReport().fullyDelegated(), worst);
    }
  }

  private static void parityMultiIo(LiteModel.Options options) throws Exception {
    Map<String, float[]> inputs = new LinkedHashMap<>();
    for (String input : new String[] {"context", "features"}) {
      float[][] rows = rows("multi_io.golden.input." + input + ".npy");
      float[] flat = new float[rows.length * rows[0].length];
      for (int r = 0; r < rows.length; r++) {
        System.arraycopy(rows[r], 0, flat, r * rows[r].length, rows[r].length);
      }
      inputs.put(input, flat);
    }
    try (LiteModel cpu = LiteModel.load(MODELS.resolve("multi_io.tflite"));
        LiteModel gpu = LiteModel.load(MODELS.resolve("multi_io.tflite"), options)) {
      Map<String, float[]> expected = cpu.run(inputs);
      Map<String, float[]> actual = gpu.run(inputs);
      float worst = 0;
      for (String output : expected.keySet()) {
        worst = Math.max(worst, diff(expected.get(output), actual.get(output)));
      }
      record("multi_io", inputs.get("context").length / gpu.inputs().get(gpu.inputIndex("context")).rowElements(),
          gpu.executionReport().fullyDelegated(), worst);
    }
  }

  /** seed_mlp, one row per call: median and 99th percentile of the wall time of predictSingle. */
  private static void latency(LiteModel.Options options, int calls) throws Exception {
    float[] in = rows("seed_mlp.golden.input.npy")[0];
    float[] out = new float[32];
    long[] cpu;
    long[] gpu;
    try (LiteModel model = LiteModel.load(MODELS.resolve("seed_mlp.tflite"))) {
      cpu = time(() -> model.predictSingle(in, out), calls);
    }
    try (LiteModel model = LiteModel.load(MODELS.resolve("seed_mlp.tflite"), options)) {
      gpu = time(() -> model.predictSingle(in, out), calls);
    }
    line("| seed_mlp predictSingle, median (" + calls + " calls) | " + micros(cpu[calls / 2]) + " | "
        + micros(gpu[calls / 2]) + " |");
    line("| seed_mlp predictSingle, p99 | " + micros(cpu[calls * 99 / 100]) + " | "
        + micros(gpu[calls * 99 / 100]) + " |");
  }

  private static long[] time(Runnable call, int calls) {
    for (int i = 0; i < Math.max(20, calls / 10); i++) {
      call.run();
    }
    long[] nanos = new long[calls];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      call.run();
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return nanos;
  }

  private static String micros(long nanos) {
    return String.format("%.1f us", nanos / 1000.0);
  }

  /** image_cnn, batches of 32 through predict(FloatBuffer, FloatBuffer, 32): images per second. */
  private static void throughput(LiteModel.Options options, int batches) throws Exception {
    int batch = 32;
    float[][] golden = rows("image_cnn.golden.input.npy");
    int rowElements = golden[0].length;
    FloatBuffer in = ByteBuffer.allocateDirect(batch * rowElements * 4).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
    for (int r = 0; r < batch; r++) {
      in.put(golden[r % golden.length]);
    }
    FloatBuffer out = ByteBuffer.allocateDirect(batch * 10 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    double cpu;
    double gpu;
    try (LiteModel model = LiteModel.load(MODELS.resolve("image_cnn.tflite"))) {
      cpu = imagesPerSecond(() -> model.predict(in.clear(), out.clear(), batch), batch, batches);
    }
    try (LiteModel model = LiteModel.load(MODELS.resolve("image_cnn.tflite"), options)) {
      gpu = imagesPerSecond(() -> model.predict(in.clear(), out.clear(), batch), batch, batches);
    }
    line("| image_cnn batch 32, images/s (" + batches + " batches) | " + String.format("%.0f", cpu) + " | "
        + String.format("%.0f", gpu) + " |");
  }

  private static double imagesPerSecond(Runnable call, int batch, int batches) {
    for (int i = 0; i < 2; i++) {
      call.run();
    }
    long start = System.nanoTime();
    for (int i = 0; i < batches; i++) {
      call.run();
    }
    return batch * (double) batches / ((System.nanoTime() - start) / 1e9);
  }
}
