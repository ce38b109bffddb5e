import io.litemodel.LiteModel;
import io.litemodel.batch.BatchPredictor;
import io.litemodel.image.DecodeScale;
import io.litemodel.image.DecoderKind;
import io.litemodel.image.ImagePreprocessor;
import io.litemodel.image.Normalization;
import io.litemodel.spark.ImageFiles;
import io.litemodel.spark.ModelSource;
import io.litemodel.spark.ModelTransformer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Where the CPU of the Spark row goes (benchmarks/results/spark-profile.md): HeadToHead's Spark job (binaryFile +
 * ModelTransformer on local[2]) at one batch size, warm-up, then one measured job, during which a JFR recording
 * (the "profile" settings, both samplers at 10 ms, every compilation) runs when a recording file is given. Prints
 * one JSON line as HeadToHead does, then the CPU time of every thread during the measured job, grouped by the
 * kernel's thread name (which also names the JVM's JIT compiler and GC threads, which JFR does not sample).
 * spark_profile.py reads the recording. Mode {@code inprocess} measures the in-process pipeline row of the same
 * decoder and batch (workers=0, replicas=cores) the same way.
 *
 * <pre>
 *   java SparkProfile MODEL DIR BATCH [spark|repartition|inprocess] [RECORDING.jfr]
 * </pre>
 *
 * {@code repartition}: read the files as the head-to-head did before (binaryFile then repartition(2), which
 * shuffles every file's bytes). System properties: {@code decoder} (auto, imageio, opencv) and {@code decodeScale}
 * (exact, auto) for both modes; {@code warmPasses=N} warms the Spark job up with N jobs over all the images instead
 * of one over the first 16 batches (to see the steady state). Spark's own settings come as {@code -Dspark.*}.
 */
public final class SparkProfile {
  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[0]);
    Path dir = Path.of(args[1]);
    int batch = Integer.parseInt(args[2]);
    String mode = args.length > 3 ? args[3] : "spark";
    Path recording = args.length > 4 ? Path.of(args[4]) : null;
    DecoderKind decoder = DecoderKind.parse(System.getProperty("decoder", "auto"));
    DecodeScale scale = DecodeScale.parse(System.getProperty("decodeScale", "exact"));
    List<Path> files = ThroughputBench.images(dir);
    if (mode.equals("inprocess")) {
      try (LiteModel loaded = LiteModel.load(model);
           BatchPredictor<Path> predictor = BatchPredictor.builder(loaded,
               ImagePreprocessor.factory(loaded, Normalization.symmetric(), decoder, scale)).batchSize(batch)
               .workers(0).replicas(Runtime.getRuntime().availableProcessors()).build()) {
        predictor.run(files.subList(0, Math.min(files.size(), 8 * batch)).iterator(), (i, item, out) -> { });
        Measurement measured = Measurement.start(recording);
        long done = predictor.run(files.iterator(), (i, item, out) -> { }).stats().itemsDone();
        measured.report("in-process pipeline batch " + batch + ", decoder " + decoder.resolve(), done, files.size());
      }
      return;
    }
    SparkSession spark = HeadToHead.session();
    try {
      ModelTransformer transformer = HeadToHead.transformer(ModelSource.shipBytes(model), batch).setDecoder(decoder)
          .setDecodeScale(scale);
      Dataset<Row> images = ImageFiles.read(spark, dir.toString());
      if (mode.equals("repartition")) {
        images = images.repartition(2);
      }
      System.out.println("partitions read: " + images.rdd().getNumPartitions());
      int passes = Integer.getInteger("warmPasses", 0);
      Dataset<Row> warmup = passes > 0 ? images : images.limit(16 * batch);
      long warm = 0;
      for (int pass = 0; pass < Math.max(1, passes); pass++) {
        warm = transformer.transform(warmup).where("prediction is not null").count();
      }
      if (warm <= 0) {
        throw new IllegalStateException("the warm-up predicted nothing");
      }
      Measurement measured = Measurement.start(recording);
      long done = transformer.transform(images).where("prediction is not null").count();
      measured.report("Spark batch " + batch + (mode.equals("repartition") ? " repartition(2)" : "")
          + ", decoder " + decoder.resolve(), done, files.size());
    } finally {
      spark.stop();
    }
  }

  /** One measured pass: wall time, process CPU time, and CPU time per OS thread. */
  private static final class Measurement {
    private final Recording jfr;
    private final Path recording;
    private final Map<String, Long> ticks;
    private final long cpu;
    private final long start;

    private Measurement(Path recording) throws Exception {
      this.recording = recording;
      if (recording != null) {
        jfr = new Recording(Configuration.getConfiguration("profile"));
        // The same period for threads in Java and in native code, so that samples weigh the same.
        jfr.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        jfr.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(10));
        jfr.enable("jdk.Compilation").withThreshold(Duration.ZERO);
        jfr.start();
      } else {
        jfr = null;
      }
      this.ticks = osThreadTicks();
      this.cpu = HeadToHead.processCpuNanos();
      this.start = System.nanoTime();
    }

    static Measurement start(Path recording) throws Exception {
      return new Measurement(recording);
    }

    void report(String what, long done, int count) throws IOException {
      double seconds = (System.nanoTime() - start) / 1e9;
      long cpuNanos = HeadToHead.processCpuNanos() - cpu;
      Map<String, Long> after = osThreadTicks();
      if (jfr != null) {
        jfr.stop();
        jfr.dump(recording);
        jfr.close();
      }
      if (done != count) {
        throw new IllegalStateException(what + " predicted " + done + " of " + count + " images");
      }
      System.out.printf(Locale.ROOT, "{\"side\": \"profile\", \"variant\": \"%s\", \"images_per_second\": %.2f, "
          + "\"images_per_cpu_second\": %.2f}%n", what, done / seconds, done / (cpuNanos / 1e9));
      System.out.printf(Locale.ROOT, "process CPU %.2f s in %.2f s wall; by thread (kernel names, %s):%n",
          cpuNanos / 1e9, seconds, "digits as #");
      Map<String, Long> byName = new TreeMap<>();
      after.forEach((key, used) -> byName.merge(key.substring(key.indexOf(' ') + 1).replaceAll("[0-9]+", "#"),
          used - ticks.getOrDefault(key, 0L), Long::sum));
      double tick = 1e9 / 100; // USER_HZ: clock ticks of 10 ms
      byName.entrySet().stream().filter(e -> e.getValue() > 0)
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .forEach(e -> System.out.printf(Locale.ROOT, "  %6.2f s %5.1f%%  %s%n", e.getValue() * tick / 1e9,
              100.0 * e.getValue() * tick / cpuNanos, e.getKey()));
    }
  }

  /** Per OS thread ("tid name"): user + system clock ticks so far, from /proc/self/task/TID/stat. */
  private static Map<String, Long> osThreadTicks() throws IOException {
    Map<String, Long> ticks = new HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
          continue; // the thread ended
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        ticks.put(task.getFileName() + " " + name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
      }
    }
    return ticks;
  }
}
