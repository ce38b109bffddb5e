import io.litemodel.spark.ImageFiles;
import io.litemodel.spark.InputKind;
import io.litemodel.spark.ModelSource;
import io.litemodel.spark.ModelTransformer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.HashMap;
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
 * ModelTransformer on local[2]) at one batch size, one warm-up job, then one measured job during which a JFR
 * recording (the "profile" settings) runs. Prints one JSON line as HeadToHead does, then the CPU time of every Java
 * thread during the measured job grouped by thread name, and the rest of the process's CPU (JIT compiler and GC
 * threads, which JFR does not sample). spark_profile.py reads the recording.
 *
 * <pre>
 *   java SparkProfile MODEL DIR BATCH [repartition] [RECORDING.jfr]
 * </pre>
 *
 * {@code repartition}: read the files as the head-to-head did before (binaryFile then repartition(2), which
 * shuffles every file's bytes). The system property {@code decoder} (auto, imageio, opencv) sets the transformer's
 * decoder; {@code decodeScale} (exact, auto) its decode scale.
 */
public final class SparkProfile {
  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[0]);
    Path dir = Path.of(args[1]);
    int batch = Integer.parseInt(args[2]);
    boolean repartition = args.length > 3 && args[3].equals("repartition");
    Path recording = args.length > 4 ? Path.of(args[4]) : null;
    int count = ThroughputBench.images(dir).size();
    SparkSession spark = HeadToHead.session();
    try {
      ModelTransformer transformer = HeadToHead.transformer(ModelSource.shipBytes(model), batch);
      Dataset<Row> images = ImageFiles.read(spark, dir.toString());
      if (repartition) {
        images = images.repartition(2);
      }
      System.out.println("partitions read: " + images.rdd().getNumPartitions());
      long warm = transformer.transform(images.limit(16 * batch)).where("prediction is not null").count();
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      Map<Long, Long> before = threadCpu(threads);
      Recording jfr = null;
      if (recording != null) {
        jfr = new Recording(Configuration.getConfiguration("profile"));
        jfr.start();
      }
      long cpu = HeadToHead.processCpuNanos();
      long start = System.nanoTime();
      long done = transformer.transform(images).where("prediction is not null").count();
      double seconds = (System.nanoTime() - start) / 1e9;
      long cpuNanos = HeadToHead.processCpuNanos() - cpu;
      if (jfr != null) {
        jfr.stop();
        jfr.dump(recording);
        jfr.close();
      }
      Map<String, Long> byGroup = new TreeMap<>();
      long javaThreads = 0;
      for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (info == null) {
          continue;
        }
        long used = threads.getThreadCpuTime(info.getThreadId()) - before.getOrDefault(info.getThreadId(), 0L);
        if (used <= 0) {
          continue;
        }
        javaThreads += used;
        byGroup.merge(info.getThreadName().replaceAll("[0-9]+", "#"), used, Long::sum);
      }
      if (done != count || warm <= 0) {
        throw new IllegalStateException("Spark predicted " + done + " of " + count + " images");
      }
      System.out.printf(Locale.ROOT, "{\"side\": \"spark\", \"variant\": \"SparkProfile batch %d%s, decoder %s\", "
          + "\"images_per_second\": %.2f, \"images_per_cpu_second\": %.2f}%n", batch,
          repartition ? " repartition(2)" : "", System.getProperty("decoder", "default"), done / seconds,
          done / (cpuNanos / 1e9));
      System.out.printf(Locale.ROOT, "process CPU %.2f s in %.2f s wall%n", cpuNanos / 1e9, seconds);
      byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .forEach(e -> System.out.printf(Locale.ROOT, "  %6.2f s %5.1f%%  %s%n", e.getValue() / 1e9,
              100.0 * e.getValue() / cpuNanos, e.getKey()));
      System.out.printf(Locale.ROOT, "  %6.2f s %5.1f%%  (not a Java thread: JIT compilers, GC, VM)%n",
          (cpuNanos - javaThreads) / 1e9, 100.0 * (cpuNanos - javaThreads) / cpuNanos);
    } finally {
      spark.stop();
    }
  }

  private static Map<Long, Long> threadCpu(ThreadMXBean threads) {
    Map<Long, Long> cpu = new HashMap<>();
    for (long id : threads.getAllThreadIds()) {
      long used = threads.getThreadCpuTime(id);
      if (used >= 0) {
        cpu.put(id, used);
      }
    }
    return cpu;
  }
}
