import io.litemodel.InferenceModel;
import io.litemodel.LiteModel;
import io.litemodel.batch.BatchPredictor;
import io.litemodel.batch.PipelineStats;
import io.litemodel.image.DecodeScale;
import io.litemodel.image.DecoderKind;
import io.litemodel.image.ImagePreprocessor;
import io.litemodel.image.Normalization;
import io.litemodel.spark.ImageFiles;
import io.litemodel.spark.InputKind;
import io.litemodel.spark.ModelSource;
import io.litemodel.spark.ModelTransformer;
import io.litemodel.tensorflow.TfModel;
import io.litemodel.tensorflow.TfOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One round of the interleaved head-to-head (benchmarks/throughput/headtohead.sh runs several rounds, alternating
 * with the Python side): each configuration gets one warm-up run over the first images and one measured run over
 * all of them, and prints one JSON line.
 *
 * <pre>
 *   java HeadToHead pipeline MODEL DIR [BATCH]  the in-process pipeline rows (OpenCV and ImageIO decoding, batch
 *                                        32/8/4; OpenCV with DecodeScale.AUTO, the fast row, at batch 4), or only
 *                                        OpenCV at BATCH (for a JFR profile)
 *   java HeadToHead spark MODEL DIR      Spark local[2] over the folder (binaryFile + ModelTransformer): the
 *                                        transformer's defaults (OpenCV, batch 4), OpenCV batch 8, ImageIO batch 8
 *   java HeadToHead spark-baselines MODEL DIR  the in-process rows the Spark rows are compared with (OpenCV batch 4
 *                                        and 8, ImageIO batch 8), for spark_overhead.sh
 *   java HeadToHead inference MODEL DIR  the profile's inference row: CPU ms per image of one replica, one thread,
 *                                        by batch size (the same preprocessed images at every size)
 *   java HeadToHead tf FROZEN.pb DIR TFLITE  the TensorFlow runtime rows: the frozen graph (input image:0, output
 *                                        Identity:0) through TfModel in the same pipeline at batch 32 and 8, then
 *                                        the best TFLite row (OpenCV, batch 8) from TFLITE, in the same JVM
 * </pre>
 */
public final class HeadToHead {
  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /** image_cnn_frozen.pb's input and output (models/image_cnn_frozen.json, the sidecar build_models.py writes). */
  private static final String FROZEN_INPUT = "image:0";
  private static final String FROZEN_OUTPUT = "Identity:0";

  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[1]);
    Path dir = Path.of(args[2]);
    List<Path> files = ThroughputBench.images(dir);
    if (args[0].equals("pipeline")) {
      try (LiteModel loaded = LiteModel.load(model)) {
        if (args.length > 3) { // one configuration, OpenCV at this batch size (what jfr_profile.py profiles)
          pipeline(loaded, files, DecoderKind.OPENCV, Integer.parseInt(args[3]));
          return;
        }
        for (int batch : new int[] {32, 8, 4}) {
          pipeline(loaded, files, DecoderKind.OPENCV, batch);
        }
        // The fast row: the same work as tf_round.py's decode_jpeg(ratio=k) row.
        pipeline(loaded, "Java pipeline", files, DecoderKind.OPENCV, DecodeScale.AUTO, 4);
        pipeline(loaded, files, DecoderKind.IMAGEIO, 8);
      }
    } else if (args[0].equals("inference")) {
      inference(model, files);
    } else if (args[0].equals("tf")) {
      // TensorFlow's own thread defaults (intra- and inter-op pools sized to the cores): the replicas share one
      // session, and so its pools, the way a TF user's concurrent Session.run calls do.
      try (TfModel loaded = TfModel.loadFrozenGraph(model, List.of(FROZEN_INPUT), List.of(FROZEN_OUTPUT),
          TfOptions.defaults())) {
        for (int batch : new int[] {32, 8}) {
          pipeline(loaded, "TensorFlow runtime (TfModel, frozen graph)", files, DecoderKind.OPENCV, batch);
        }
      }
      try (LiteModel loaded = LiteModel.load(Path.of(args[3]))) {
        pipeline(loaded, files, DecoderKind.OPENCV, 8);
      }
    } else if (args[0].equals("spark-baselines")) {
      try (LiteModel loaded = LiteModel.load(model)) {
        pipeline(loaded, files, DecoderKind.OPENCV, 4);
        pipeline(loaded, files, DecoderKind.OPENCV, 8);
        pipeline(loaded, files, DecoderKind.IMAGEIO, 8);
      }
    } else if (args[0].equals("spark")) {
      spark(model, dir, files.size());
    } else {
      throw new IllegalArgumentException("usage: pipeline|spark|inference MODEL DIR, or tf FROZEN.pb DIR TFLITE");
    }
  }

  /**
   * Inference cost per image against batch size, one replica on one thread, batches of real preprocessed images:
   * where the per-image cycles of invoke go as the batch's activations outgrow the caches.
   */
  static void inference(Path model, List<Path> files) throws Exception {
    try (LiteModel loaded = LiteModel.load(model);
         ImagePreprocessor preprocessor = ImagePreprocessor.factory(loaded, Normalization.symmetric(),
             DecoderKind.IMAGEIO).get();
         LiteModel replica = loaded.replicate()) {
      int row = preprocessor.elements();
      int outRow = loaded.outputs().get(0).rowElements();
      int largest = 32;
      java.nio.FloatBuffer in = java.nio.ByteBuffer.allocateDirect(largest * row * 4)
          .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
      java.nio.FloatBuffer out = java.nio.ByteBuffer.allocateDirect(largest * outRow * 4)
          .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
      for (int i = 0; i < largest; i++) {
        preprocessor.write(files.get(i), in.slice(i * row, row));
      }
      for (int pass = 0; pass < 2; pass++) { // the first pass warms up every size; the second is reported
        for (int batch : new int[] {1, 2, 4, 8, 16, 32}) {
          int calls = Math.max(4, 512 / batch);
          for (int i = 0; i < 2; i++) {
            in.clear();
            out.clear();
            replica.predict(in, out, batch);
          }
          // This thread's CPU time, not wall time: on a shared machine the wall clock measures the scheduler.
          long start = THREADS.getCurrentThreadCpuTime();
          for (int i = 0; i < calls; i++) {
            in.clear();
            out.clear();
            replica.predict(in, out, batch);
          }
          double ms = (THREADS.getCurrentThreadCpuTime() - start) / 1e6 / (calls * (double) batch);
          if (pass == 1) {
            System.out.printf(Locale.ROOT, "{\"side\": \"inference\", \"batch\": %d, \"cpu_ms_per_image\": %.3f}%n",
                batch, ms);
          }
        }
      }
    }
  }

  /**
   * CPU time of the whole process (every thread: pipeline, JIT, GC; for Spark, driver and executor): on a machine
   * that other work shares, images per CPU-second compares the implementations where images/s compares their luck.
   */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** workers=0, replicas=cores: the best configuration of the throughput table, at the given batch and decoder. */
  static void pipeline(LiteModel model, List<Path> files, DecoderKind decoder, int batch) {
    pipeline(model, "Java pipeline", files, decoder, batch);
  }

  /** The same, for any runtime; the row's variant starts with the given label. */
  static void pipeline(InferenceModel model, String label, List<Path> files, DecoderKind decoder, int batch) {
    pipeline(model, label, files, decoder, DecodeScale.EXACT, batch);
  }

  /**
   * The same, decoding JPEGs at {@code scale}; a DecodeScale.AUTO row is named "DCT-domain" as the Python side's
   * decode_jpeg(ratio=k) row is, so that headtohead_report.py compares fast rows with fast rows.
   */
  static void pipeline(InferenceModel model, String label, List<Path> files, DecoderKind decoder, DecodeScale scale,
      int batch) {
    int cores = Runtime.getRuntime().availableProcessors();
    String decoding = (decoder == DecoderKind.OPENCV ? "OpenCV" : "ImageIO")
        + (scale == DecodeScale.AUTO ? " DCT-domain 1/k (DecodeScale.AUTO)" : "");
    try (BatchPredictor<Path> predictor = BatchPredictor.builder(model,
        ImagePreprocessor.factory(model, Normalization.symmetric(), decoder, scale)).batchSize(batch).workers(0)
        .replicas(cores).build()) {
      predictor.run(files.subList(0, Math.min(files.size(), 8 * batch)).iterator(), (i, item, out) -> { });
      long cpu = processCpuNanos();
      PipelineStats stats = predictor.run(files.iterator(), (i, item, out) -> { }).stats();
      double cpuSeconds = (processCpuNanos() - cpu) / 1e9;
      System.out.printf(Locale.ROOT, "{\"side\": \"java\", \"variant\": \"%s: workers=0, replicas=%d, %s "
          + "decoding, batch %d\", \"images_per_second\": %.2f, \"images_per_cpu_second\": %.2f, "
          + "\"inference_busy\": %.3f, \"helping\": %.3f}%n",
          label, cores, decoding, batch, stats.itemsPerSecond(),
          stats.itemsDone() / cpuSeconds, stats.inferenceBusy(), stats.inferenceHelping());
    }
  }

  /**
   * Spark local[2]: a job over the folder, forced by counting the predictions; warm-up job first. The rows: the
   * transformer's defaults (the decoder DecoderKind.AUTO resolves to, batch ModelTransformer.DEFAULT_BATCH), the
   * same decoder at batch 8, and ImageIO at batch 8; each is compared with the in-process row of the same decoder
   * and batch, after one unmeasured job over the whole folder. The files are read with binaryFile's own splits (no
   * repartition: it would shuffle every file's bytes).
   */
  static void spark(Path model, Path dir, int count) {
    SparkSession spark = session();
    try {
      ModelSource source = ModelSource.shipBytes(model);
      DecoderKind auto = DecoderKind.AUTO.resolve();
      // One unmeasured job over every image first: the JIT compiles Spark's own code (task deserialization, the
      // file source, codegen) during the first jobs, as the in-process side's first rows warm up its JVM.
      new ModelTransformer(source).setInputKind(InputKind.IMAGE).transform(ImageFiles.read(spark, dir.toString()))
          .where("prediction is not null").count();
      spark(spark, new ModelTransformer(source).setInputKind(InputKind.IMAGE).setNormalization("symmetric"), dir,
          count, auto, ModelTransformer.DEFAULT_BATCH);
      spark(spark, transformer(source, 8), dir, count, auto, 8);
      spark(spark, transformer(source, 8).setDecoder(DecoderKind.IMAGEIO), dir, count, DecoderKind.IMAGEIO, 8);
    } finally {
      spark.stop();
    }
  }

  private static void spark(SparkSession spark, ModelTransformer transformer, Path dir, int count,
      DecoderKind decoder, int batch) {
    Dataset<Row> images = ImageFiles.read(spark, dir.toString());
    long warm = transformer.transform(images.limit(16 * batch)).where("prediction is not null").count();
    long cpu = processCpuNanos();
    long start = System.nanoTime();
    long done = transformer.transform(images).where("prediction is not null").count();
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (processCpuNanos() - cpu) / 1e9;
    if (done != count || warm <= 0) {
      throw new IllegalStateException("Spark predicted " + done + " of " + count + " images");
    }
    System.out.printf(Locale.ROOT, "{\"side\": \"spark\", \"variant\": \"Spark local[2]: binaryFile + "
        + "ModelTransformer, %s decoding, batch %d\", \"images_per_second\": %.2f, "
        + "\"images_per_cpu_second\": %.2f}%n", decoder == DecoderKind.OPENCV ? "OpenCV" : "ImageIO", batch,
        done / seconds, done / cpuSeconds);
  }

  /** The local[2] session of the Spark rows. */
  static SparkSession session() {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("litemodel-throughput")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
        // docs/spark.md's advice for folders of small images: Spark's default open cost (4 MB a file) would make a
        // split, and a task, of every ~31 images of 50 KB; without it binaryFile splits the folder by the cores.
        .config("spark.sql.files.openCostInBytes", System.getProperty("spark.sql.files.openCostInBytes", "0"))
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    return spark;
  }

  /** The Spark rows' transformer: images normalized to [-1, 1] as the other rows, at this batch size. */
  static ModelTransformer transformer(ModelSource source, int batch) {
    return new ModelTransformer(source).setInputKind(InputKind.IMAGE).setNormalization("symmetric")
        .setBatchSize(batch);
  }
}
