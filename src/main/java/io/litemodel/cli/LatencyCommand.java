package io.litemodel.cli;

import io.litemodel.InferenceModel;
import io.litemodel.LiteModel;
import io.litemodel.TensorSpec;
import io.litemodel.serving.MicroBatcher;
import io.litemodel.tensorflow.TfModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code latency}: times {@link LiteModel#predictSingle(float[], float[])} call by call and reports percentiles,
 * spikes and drift, optionally with a plot of every call.
 *
 * <pre>{@code
 * litemodel latency --model models/seed_mlp.tflite --calls 1000000 --plot latency.png
 * }</pre>
 *
 * <p>With {@code --callers N} (more than one) or {@code --rate R}, it measures many callers at once instead, through
 * the micro-batcher ({@code --via batcher}, the default), a replica pool ({@code --via pool}) or a replica per caller
 * ({@code --via replicas}): open loop at R requests/s in total (latency from each request's intended send time, so
 * queueing counts), or closed loop without {@code --rate}.
 *
 * <pre>{@code
 * litemodel latency --model models/seed_mlp.tflite --callers 16 --rate 40000 --duration 5
 * }</pre>
 *
 * <p>The timed loop does only this per call: read the clock, predict, read the clock, store the difference in a
 * preallocated {@code long[]} and record it in a preallocated HdrHistogram. Inputs rotate through 16 random records
 * made before the run. Bytes allocated by the timing thread and GC collections during the timed loop are reported,
 * so a claim of "no allocation" can be checked on the same run.
 */
@Command(name = "latency", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Time predictSingle call by call: percentiles, spikes (calls over 10x p50) and drift "
        + "(percentiles per window of calls); optionally plot every call."})
final class LatencyCommand implements Callable<Integer> {
  /** Largest latency the histogram tracks; slower calls (never seen in practice) are recorded as this. */
  private static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(10);
  private static final int INPUT_VARIANTS = 16;

  @Spec
  CommandSpec spec;

  @Mixin
  ModelOptions modelOptions;

  @Option(names = "--calls", defaultValue = "100000", description = "Timed calls (default: ${DEFAULT-VALUE}).")
  int calls;

  @Option(names = "--warmup", defaultValue = "10000",
      description = "Untimed calls first, for JIT and caches (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--window", defaultValue = "100000",
      description = "Calls per drift window (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(names = "--force-fp16", description = "Ask XNNPACK to compute float32 models in half precision.")
  boolean forceFp16;

  @Option(names = "--plot", paramLabel = "FILE.png", description = "Write a per-call latency chart (PNG).")
  Path plot;

  @Option(names = "--json", paramLabel = "FILE.json", description = "Also write the figures as JSON.")
  Path json;

  @Option(names = "--callers", defaultValue = "1", description = "Caller threads at once; more than 1 (or --rate) "
      + "measures concurrent load through --via (default: ${DEFAULT-VALUE}).")
  int callers;

  @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "0", description = "Open loop: requests per "
      + "second in total, latency from each request's intended send time. 0: closed loop (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--via", defaultValue = "batcher", description = "Concurrent mode: batcher (micro-batching), pool "
      + "(one replica per core) or replicas (one per caller) (default: ${DEFAULT-VALUE}).")
  ConcurrentLatency.Via via;

  @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "5",
      description = "Concurrent mode: measured seconds, after --warmup calls' worth of time (default: ${DEFAULT-VALUE}).")
  double duration;

  @Option(names = "--max-batch", defaultValue = "32",
      description = "Concurrent mode with --via batcher: most records per batch (default: ${DEFAULT-VALUE}).")
  int maxBatch;

  @Option(names = "--combiners", defaultValue = "0", description = "Concurrent mode with --via batcher: callers that "
      + "may run batches at once; 0: one per core. Fewer leaves cores to callers to publish while a batch runs, so "
      + "batches grow, at the price of waking each waiting caller (default: ${DEFAULT-VALUE}).")
  int combiners;

  @Override
  public Integer call() throws IOException {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    LiteModel.Options options = modelOptions.toOptions()
        .withXnnpackForceFp16(forceFp16);
    if (callers > 1 || rate > 0) {
      return concurrent(options, out);
    }
    long[] samples = new long[calls];
    Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
    long allocated;
    long gcCount;
    try (InferenceModel loaded = modelOptions.open(options)) {
      float[][] inputs = randomInputs(rowElements(loaded.inputs(), "input"));
      float[] output = new float[rowElements(loaded.outputs(), "output")];
      // Warm up through the very loop that is timed next, so the JIT has compiled that loop (not only
      // predictSingle) before the first timed call; the warm-up figures are then discarded.
      for (int done = 0; done < warmup; ) {
        int chunk = Math.min(calls, warmup - done);
        timedLoop(loaded, inputs, output, samples, chunk, histogram);
        done += chunk;
      }
      histogram.reset();
      long gcBefore = gcCollections();
      long allocatedBefore = threadAllocatedBytes();
      timedLoop(loaded, inputs, output, samples, calls, histogram);
      long allocatedAfter = threadAllocatedBytes();
      // Reading the counter allocates a little itself (the management bean's bookkeeping); measure that by two
      // back-to-back reads and subtract it, so the figure is what the timed calls allocated.
      long probe = threadAllocatedBytes();
      long probeCost = threadAllocatedBytes() - probe;
      allocated = allocatedBefore < 0 || allocatedAfter < 0 ? -1
          : Math.max(0, allocatedAfter - allocatedBefore - probeCost);
      gcCount = gcCollections() - gcBefore;
      out.printf(Locale.ROOT, "latency: %s, %d calls after %d warm-up, threads %d, %s%n", modelOptions.model, calls,
          warmup, modelOptions.threads, loaded instanceof TfModel ? "TensorFlow runtime, "
              + ((TfModel) loaded).placement() : modelOptions.noXnnpack ? "XNNPACK off"
              : forceFp16 ? "XNNPACK on, force fp16" : "XNNPACK on");
    }
    LatencyReport report = LatencyReport.of(histogram, samples, calls, window);
    out.print(report.format());
    out.printf(Locale.ROOT, "allocated during the timed loop: %s; GC collections: %d%n",
        allocated < 0 ? "unknown (not measurable on this JVM)"
            : String.format(Locale.ROOT, "%d bytes (%.2f B/call)", allocated, (double) allocated / calls), gcCount);
    if (plot != null) {
      int bucket = LatencyPlot.write(plot, "LiteModel.predictSingle latency per call: " + modelOptions.model.getFileName(),
          samples, calls, report.p50Nanos());
      out.printf(Locale.ROOT, "plot: %s (%s)%n", plot,
          bucket == 1 ? "every call" : "each point is the maximum of " + bucket + " consecutive calls");
    }
    if (json != null) {
      Files.writeString(json, report.toJson(modelOptions.model.toString(), modelOptions.threads,
          !modelOptions.noXnnpack, forceFp16, warmup, allocated,
          gcCount) + "\n", StandardCharsets.UTF_8);
      out.printf("json: %s%n", json);
    }
    out.flush();
    return 0;
  }

  private int concurrent(LiteModel.Options options, PrintWriter out) throws IOException {
    int inRow;
    int outRow;
    try (LiteModel probe = LiteModel.load(modelOptions.model, options)) {
      inRow = rowElements(probe.inputs(), "input");
      outRow = rowElements(probe.outputs(), "output");
    }
    ConcurrentLatency.Outcome outcome;
    try {
      // The warm-up runs as long as --warmup calls would on one thread at about 20 us each, at least 200 ms.
      Duration warm = Duration.ofMillis(Math.max(200, warmup / 50));
      outcome = ConcurrentLatency.run(modelOptions.model, options, via, callers, rate, warm,
          Duration.ofNanos((long) (duration * 1e9)), randomInputs(inRow), outRow,
          MicroBatcher.Options.defaults().withMaxBatch(maxBatch).withCombiners(combiners), out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring", e);
    }
    out.printf(Locale.ROOT, "latency: %s, concurrent, threads %d, %s%n", modelOptions.model, modelOptions.threads,
        modelOptions.noXnnpack ? "XNNPACK off" : forceFp16 ? "XNNPACK on, force fp16" : "XNNPACK on");
    out.print(outcome.format());
    if (json != null) {
      Files.writeString(json, outcome.toJson(modelOptions.model.toString()) + "\n", StandardCharsets.UTF_8);
      out.printf("json: %s%n", json);
    }
    out.flush();
    return 0;
  }

  /** The measured loop, kept apart and small so that the JIT compiles it as one unit. */
  private static void timedLoop(InferenceModel model, float[][] inputs, float[] output, long[] samples, int count,
      Histogram histogram) {
    long highest = HIGHEST_TRACKABLE_NANOS;
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      model.predictSingle(inputs[i & (INPUT_VARIANTS - 1)], output);
      long elapsed = System.nanoTime() - start;
      samples[i] = elapsed;
      histogram.recordValue(Math.min(elapsed, highest));
    }
  }

  private void validate() {
    if (calls < 1) {
      throw new ParameterException(spec.commandLine(), "--calls must be at least 1, got " + calls);
    }
    if (warmup < 0) {
      throw new ParameterException(spec.commandLine(), "--warmup must be 0 or more, got " + warmup);
    }
    modelOptions.validate(spec.commandLine());
    if (window < 1) {
      throw new ParameterException(spec.commandLine(), "--window must be at least 1, got " + window);
    }
    if (forceFp16 && modelOptions.tensorFlow()) {
      throw new ParameterException(spec.commandLine(), "--force-fp16 applies to .tflite models only");
    }
    if (forceFp16 && modelOptions.noXnnpack) {
      throw new ParameterException(spec.commandLine(), "--force-fp16 needs XNNPACK; drop --no-xnnpack");
    }
    if (callers < 1) {
      throw new ParameterException(spec.commandLine(), "--callers must be at least 1, got " + callers);
    }
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new ParameterException(spec.commandLine(), "--rate must be 0 (closed loop) or a positive number, got "
          + rate);
    }
    if (!(duration > 0) || duration > 3600) {
      throw new ParameterException(spec.commandLine(), "--duration must be more than 0 and at most 3600 seconds, got "
          + duration);
    }
    if (maxBatch < 1) {
      throw new ParameterException(spec.commandLine(), "--max-batch must be at least 1, got " + maxBatch);
    }
    if (combiners < 0) {
      throw new ParameterException(spec.commandLine(), "--combiners must be 0 (one per core) or more, got "
          + combiners);
    }
    if ((callers > 1 || rate > 0) && plot != null) {
      throw new ParameterException(spec.commandLine(), "--plot plots one caller's calls; drop it with --callers or "
          + "--rate");
    }
    checkOutput(plot, "--plot", ".png");
    checkOutput(json, "--json", ".json");
  }

  private void checkOutput(Path file, String option, String suffix) {
    if (file == null) {
      return;
    }
    if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(suffix)) {
      throw new ParameterException(spec.commandLine(), option + " must name a " + suffix + " file, got " + file);
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new ParameterException(spec.commandLine(), option + ": folder does not exist: " + parent);
    }
  }

  /** Values per record of the single input or output; LiteModel itself rejects models with several. */
  private static int rowElements(java.util.List<TensorSpec> specs, String kind) {
    if (specs.size() != 1) {
      throw new IllegalArgumentException("latency times predictSingle, which needs one " + kind + "; this model has "
          + specs.size());
    }
    return specs.get(0).rowElements();
  }

  private static float[][] randomInputs(int length) {
    SplittableRandom random = new SplittableRandom(42);
    float[][] inputs = new float[INPUT_VARIANTS][length];
    for (float[] input : inputs) {
      for (int i = 0; i < length; i++) {
        input[i] = (float) (random.nextDouble() * 2 - 1);
      }
    }
    return inputs;
  }

  private static long gcCollections() {
    long total = 0;
    for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, bean.getCollectionCount());
    }
    return total;
  }

  /** Bytes allocated so far by this thread, or -1 where the JVM cannot tell (non-HotSpot). */
  private static long threadAllocatedBytes() {
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean
        && bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled()) {
      return bean.getThreadAllocatedBytes(Thread.currentThread().getId());
    }
    return -1;
  }
}
