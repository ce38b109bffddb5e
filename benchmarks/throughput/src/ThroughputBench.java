import com.sun.management.ThreadMXBean;
import io.litemodel.LiteModel;
import io.litemodel.batch.BatchPredictor;
import io.litemodel.batch.PipelineStats;
import io.litemodel.batch.Preprocessor;
import io.litemodel.batch.RunSummary;
import io.litemodel.image.BilinearResizer;
import io.litemodel.image.DecoderKind;
import io.litemodel.image.ImageDecoder;
import io.litemodel.image.ImagePreprocessor;
import io.litemodel.image.Normalization;
import io.litemodel.image.OpenCvImageDecoder;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Java side of the throughput benchmark (run by benchmarks/throughput/run.sh, which compiles this file against the
 * library's classpath):
 *
 * <pre>
 *   java ThroughputBench generate DIR COUNT          450x450 JPEGs, cached
 *   java ThroughputBench measure MODEL DIR OUT.json   P, I, naive loop, pipeline variants, allocation per item
 * </pre>
 *
 * The ImageIO rows decode with the JDK's ImageIO (DecoderKind.IMAGEIO, chosen explicitly, since AUTO would pick
 * OpenCV: run.sh puts OpenCV on the classpath); the "OpenCV decoding" rows and P_opencv use OpenCvImageDecoder.
 *
 * Not a JMH benchmark on purpose: the quantity is end-to-end throughput of a multi-threaded pipeline over files,
 * one long measured run per variant after a warm-up run, which JMH's per-invocation model does not fit.
 */
public final class ThroughputBench {
  private static final int BATCH = 32;
  /** Measured runs per variant; the median is reported (the machine moves 10-20% between runs). */
  private static final int REPEATS = 3;
  private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "generate":
        generate(Path.of(args[1]), Integer.parseInt(args[2]));
        break;
      case "measure":
        measure(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
        break;
      default:
        throw new IllegalArgumentException("usage: generate DIR COUNT | measure MODEL DIR OUT.json");
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Images

  /** Writes COUNT 450x450 JPEGs (quality 0.9) with photo-like structure: gradients, shapes, fine noise. */
  static void generate(Path dir, int count) throws IOException {
    Files.createDirectories(dir);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.9f);
    int made = 0;
    for (int i = 0; i < count; i++) {
      Path file = dir.resolve(String.format(Locale.ROOT, "img%05d.jpg", i));
      if (Files.exists(file)) {
        continue;
      }
      Random random = new Random(i);
      BufferedImage image = new BufferedImage(450, 450, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = image.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt(0xffffff)), 450, 450,
          new Color(random.nextInt(0xffffff))));
      g.fillRect(0, 0, 450, 450);
      for (int s = 0; s < 12; s++) {
        g.setColor(new Color(random.nextInt(0xffffff) | 0x60000000, true));
        int x = random.nextInt(400);
        int y = random.nextInt(400);
        g.fillOval(x, y, 20 + random.nextInt(200), 20 + random.nextInt(200));
      }
      g.dispose();
      byte[] pixels = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
      for (int p = 0; p < pixels.length; p++) {
        pixels[p] = (byte) Math.max(0, Math.min(255, (pixels[p] & 0xff) + random.nextInt(17) - 8));
      }
      try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
        writer.setOutput(out);
        writer.write(null, new IIOImage(image, null, null), param);
      }
      made++;
    }
    writer.dispose();
    System.out.println("generated " + made + " new images in " + dir + " (" + count + " wanted)");
  }

  static List<Path> images(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".jpg")).sorted().collect(Collectors.toList());
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Measurements

  static void measure(Path modelFile, Path dir, Path out) throws Exception {
    List<Path> files = images(dir);
    int cores = Runtime.getRuntime().availableProcessors();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("images", files.size());
    result.put("cores", cores);
    result.put("batch", BATCH);
    result.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    result.put("tflite", LiteModel.tensorFlowLiteVersion());
    Normalization norm = Normalization.symmetric();
    try (LiteModel model = LiteModel.load(modelFile)) {
      Supplier<ImagePreprocessor> factory = ImagePreprocessor.factory(model, norm, DecoderKind.IMAGEIO);
      Supplier<ImagePreprocessor> opencvFactory = ImagePreprocessor.factory(model, norm, DecoderKind.OPENCV);
      int[] hwc = ImagePreprocessor.imageShape(model);
      int row = hwc[0] * hwc[1] * hwc[2];

      // P: single-thread decode + resize + normalize, and its parts, with allocation per image.
      int sample = Math.min(files.size(), 300);
      FloatBuffer slot = ByteBuffer.allocateDirect(row * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
      double[] cost = preprocessCost(factory.get(), files, sample, slot);
      double p = cost[0];
      long preprocessAlloc = (long) cost[1];
      ImageDecoder decoder = new ImageDecoder();
      for (int i = 0; i < Math.min(50, sample); i++) {
        decoder.decode(files.get(i));
      }
      long alloc0 = allocated();
      long t0 = System.nanoTime();
      BufferedImage last = null;
      for (int i = 0; i < sample; i++) {
        last = decoder.decode(files.get(i));
      }
      double decode = (System.nanoTime() - t0) / 1e9 / sample;
      long decodeAlloc = (allocated() - alloc0) / sample;
      BilinearResizer resizer = new BilinearResizer(hwc[0], hwc[1], hwc[2], norm);
      for (int i = 0; i < 200; i++) {
        resizer.resize(last, slot);
      }
      alloc0 = allocated();
      t0 = System.nanoTime();
      for (int i = 0; i < sample; i++) {
        resizer.resize(last, slot);
      }
      double resize = (System.nanoTime() - t0) / 1e9 / sample;
      long resizeAlloc = (allocated() - alloc0) / sample;
      result.put("decoder", "imageio");
      result.put("P_seconds", p);
      result.put("decode_seconds", decode);
      result.put("resize_normalize_seconds", resize);
      result.put("preprocess_alloc_bytes_per_image", preprocessAlloc);
      result.put("decoder_alloc_bytes_per_image", decodeAlloc);
      result.put("resize_alloc_bytes_per_image", resizeAlloc);
      System.out.printf(Locale.ROOT, "P = %.2f ms (decode %.2f, resize+normalize %.2f); alloc/image: decode %d B, "
          + "resize %d B%n", p * 1e3, decode * 1e3, resize * 1e3, decodeAlloc, resizeAlloc);

      // The same with OpenCV decoding (resize + normalize is the same code, measured above).
      double[] opencvP = preprocessCost(opencvFactory.get(), files, sample, slot);
      double[] opencvDecode;
      try (OpenCvImageDecoder opencv = new OpenCvImageDecoder()) {
        opencvDecode = decodeCost(opencv::decode, files, sample);
      }
      result.put("P_opencv_seconds", opencvP[0]);
      result.put("preprocess_opencv_alloc_bytes_per_image", (long) opencvP[1]);
      result.put("decode_opencv_seconds", opencvDecode[0]);
      result.put("decoder_opencv_alloc_bytes_per_image", (long) opencvDecode[1]);
      System.out.printf(Locale.ROOT, "P with OpenCV = %.2f ms (decode %.2f); alloc/image: preprocess %d B, "
          + "decode %d B%n", opencvP[0] * 1e3, opencvDecode[0] * 1e3, (long) opencvP[1], (long) opencvDecode[1]);

      // I: single-thread inference per image at batch BATCH (one replica, one thread, as the pipeline uses).
      int batch = Math.min(BATCH, files.size());
      FloatBuffer in = ByteBuffer.allocateDirect(batch * row * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
      FloatBuffer outRows = ByteBuffer.allocateDirect(batch * 10 * 4 * 4).order(ByteOrder.nativeOrder())
          .asFloatBuffer();
      try (ImagePreprocessor filler = factory.get()) {
        for (int i = 0; i < batch; i++) {
          filler.write(files.get(i), in.slice(i * row, row));
        }
      }
      try (LiteModel replica = model.replicate()) {
        for (int i = 0; i < 2; i++) {
          in.clear();
          outRows.clear();
          replica.predict(in, outRows, batch);
        }
        int calls = Math.max(3, 600 / batch);
        t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
          in.clear();
          outRows.clear();
          replica.predict(in, outRows, batch);
        }
        double inference = (System.nanoTime() - t0) / 1e9 / (calls * (double) batch);
        result.put("I_seconds", inference);
        System.out.printf(Locale.ROOT, "I = %.2f ms per image at batch %d%n", inference * 1e3, batch);
        double ideal = cores / (p + inference);
        result.put("ideal_images_per_second", ideal);
        result.put("ideal_opencv_images_per_second", cores / (opencvP[0] + inference));

        // Naive loop: read, preprocess, predict, one image at a time, on one thread.
        float[] input = new float[row];
        float[] output = new float[replica.outputs().get(0).shape()[1]];
        FloatBuffer wrapped = FloatBuffer.wrap(input);
        ImagePreprocessor naivePre = factory.get();
        for (int i = 0; i < Math.min(20, files.size()); i++) {
          naivePre.write(files.get(i), wrapped);
          replica.predictSingle(input, output);
        }
        List<Double> naiveRuns = new ArrayList<>();
        for (int repeat = 0; repeat < REPEATS; repeat++) {
          t0 = System.nanoTime();
          for (Path file : files) {
            naivePre.write(file, wrapped);
            replica.predictSingle(input, output);
          }
          naiveRuns.add(files.size() / ((System.nanoTime() - t0) / 1e9));
        }
        result.put("naive_runs_images_per_second", new ArrayList<>(naiveRuns));
        java.util.Collections.sort(naiveRuns);
        double naive = naiveRuns.get(naiveRuns.size() / 2);
        result.put("naive_images_per_second", naive);
        System.out.printf(Locale.ROOT, "naive loop: %.1f images/s%n", naive);
      }

      // Pipeline variants over the JPEG files.
      List<Map<String, Object>> variants = new ArrayList<>();
      double idealOpencv = (double) result.get("ideal_opencv_images_per_second");
      variants.add(pipeline("default (workers=cores-1, 1 replica, inference helps)", model, factory,
          b -> b, files, ideal(result)));
      variants.add(pipeline("default, OpenCV decoding", model, opencvFactory, b -> b, files, idealOpencv));
      variants.add(pipeline("workers=cores, 1 replica, no helping (oversubscribed)", model, factory,
          b -> b.workers(cores).inferenceHelps(false), files, ideal(result)));
      variants.add(pipeline("workers=0, replicas=cores, inference threads preprocess", model, factory,
          b -> b.workers(0).replicas(cores), files, ideal(result)));
      variants.add(pipeline("default, unordered", model, factory, b -> b.ordered(false), files, ideal(result)));
      variants.add(pipeline("workers=0, replicas=cores, OpenCV decoding", model, opencvFactory,
          b -> b.workers(0).replicas(cores), files, idealOpencv));
      variants.add(pipeline("unordered, OpenCV decoding", model, opencvFactory, b -> b.ordered(false), files,
          idealOpencv));
      result.put("pipeline", variants);

      // Allocation of the pipeline itself: items already in memory, so no decoder runs.
      float[] ready = new float[row];
      slot.clear();
      slot.get(ready);
      Supplier<Preprocessor<Integer>> copy = () -> (item, target) -> target.put(0, ready);
      List<Integer> numbers = new ArrayList<>();
      for (int i = 0; i < Math.max(files.size(), 640); i++) {
        numbers.add(i);
      }
      Map<String, Object> inMemory = pipeline("in-memory items (no decoding)", model, copy, b -> b, numbers,
          ideal(result));
      result.put("pipeline_in_memory", inMemory);
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, Json.write(result));
    System.out.println("wrote " + out);
  }

  /** A decode step to time: the ImageIO or the OpenCV decoder's decode(Path). */
  @FunctionalInterface
  interface Decode {
    Object decode(Path file) throws IOException;
  }

  /** @return {seconds, heap bytes} per image of {@code preprocessor.write} over the first {@code sample} files */
  static double[] preprocessCost(ImagePreprocessor preprocessor, List<Path> files, int sample, FloatBuffer slot)
      throws IOException {
    try (preprocessor) {
      for (int i = 0; i < Math.min(50, sample); i++) {
        preprocessor.write(files.get(i), slot);
      }
      long alloc0 = allocated();
      long t0 = System.nanoTime();
      for (int i = 0; i < sample; i++) {
        preprocessor.write(files.get(i), slot);
      }
      return new double[] {(System.nanoTime() - t0) / 1e9 / sample, (allocated() - alloc0) / (double) sample};
    }
  }

  /** @return {seconds, heap bytes} per image of {@code decoder} over the first {@code sample} files */
  static double[] decodeCost(Decode decoder, List<Path> files, int sample) throws IOException {
    for (int i = 0; i < Math.min(50, sample); i++) {
      decoder.decode(files.get(i));
    }
    long alloc0 = allocated();
    long t0 = System.nanoTime();
    for (int i = 0; i < sample; i++) {
      decoder.decode(files.get(i));
    }
    return new double[] {(System.nanoTime() - t0) / 1e9 / sample, (allocated() - alloc0) / (double) sample};
  }

  private static double ideal(Map<String, Object> result) {
    return (double) result.get("ideal_images_per_second");
  }

  /**
   * One warm-up run, then one measured run. Allocation: every pipeline thread reads its own allocation counter
   * (exact for the current thread) in each preprocessor and consumer call, keeping the first reading at or after
   * item {@code from} and the last at or before item {@code to}; the sum over threads of (last - first) divided by
   * the items in between is the steady-state allocation per item. (Reading other threads' counters from outside,
   * with getThreadAllocatedBytes, gave inconsistent, even decreasing, totals here.)
   */
  private static <T> Map<String, Object> pipeline(String name, LiteModel model,
      Supplier<? extends Preprocessor<? super T>> preprocessors,
      java.util.function.UnaryOperator<BatchPredictor.Builder<T>> config, List<T> items, double ideal)
      throws Exception {
    Map<String, Object> row = new LinkedHashMap<>();
    Map<Object, Integer> indexOf = new java.util.IdentityHashMap<>();
    for (int i = 0; i < items.size(); i++) {
      indexOf.put(items.get(i), i);
    }
    long from = items.size() / 5;
    long to = items.size() * 9 / 10;
    Map<Thread, long[]> readings = new java.util.concurrent.ConcurrentHashMap<>();
    ThreadLocal<long[]> mine = ThreadLocal.withInitial(() -> {
      long[] first = {-1, -1};
      readings.put(Thread.currentThread(), first);
      return first;
    });
    BatchPredictor.Builder<T> builder =
        BatchPredictor.builder(model, noting(preprocessors, indexOf, mine, from, to)).batchSize(BATCH);
    try (BatchPredictor<T> predictor = config.apply(builder).build()) {
      predictor.run(items.subList(0, Math.min(items.size(), 4 * BATCH)).iterator(), (i, item, out) -> { });
      // REPEATS measured runs; the row reports the median run (throughput on a shared machine moves by 10-20%
      // between runs, so one run would say little). Each run has new pipeline threads, so new readings.
      List<PipelineStats> runs = new ArrayList<>();
      List<Double> perItemRuns = new ArrayList<>();
      for (int repeat = 0; repeat < REPEATS; repeat++) {
        readings.clear();
        RunSummary summary = predictor.run(items.iterator(), (index, item, out) -> note(mine, index, from, to));
        long bytes = 0;
        for (long[] reading : readings.values()) {
          if (reading[0] >= 0 && reading[1] >= reading[0]) {
            bytes += reading[1] - reading[0];
          }
        }
        runs.add(summary.stats());
        perItemRuns.add(bytes / (double) (to - from));
      }
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        order.add(i);
      }
      order.sort((a, b) -> Double.compare(runs.get(a).itemsPerSecond(), runs.get(b).itemsPerSecond()));
      int median = order.get(order.size() / 2);
      PipelineStats stats = runs.get(median);
      double perItem = perItemRuns.get(median);
      List<Double> rates = new ArrayList<>();
      for (PipelineStats run : runs) {
        rates.add(run.itemsPerSecond());
      }
      row.put("runs_images_per_second", rates);
      row.put("variant", name);
      row.put("ideal_images_per_second", ideal);
      row.put("config", predictor.toString());
      row.put("images_per_second", stats.itemsPerSecond());
      row.put("efficiency", stats.itemsPerSecond() / ideal);
      row.put("alloc_bytes_per_item", perItem);
      row.put("worker_busy", stats.workerBusy());
      row.put("inference_busy", stats.inferenceBusy());
      row.put("inference_helping", stats.inferenceHelping());
      row.put("inference_delivering", stats.inferenceDelivering());
      row.put("inference_waiting", stats.inferenceWaiting());
      System.out.printf(Locale.ROOT, "pipeline %-58s %7.1f images/s  efficiency %.2f  alloc %.0f B/item  %s%n", name,
          stats.itemsPerSecond(), stats.itemsPerSecond() / ideal, perItem, stats);
    }
    return row;
  }

  /** Records this thread's allocation counter for the item at {@code index} (see {@link #pipeline}). */
  static void note(ThreadLocal<long[]> mine, long index, long from, long to) {
    if (index < from || index > to) {
      return;
    }
    long[] reading = mine.get();
    long now = THREADS.getCurrentThreadAllocatedBytes();
    if (reading[0] < 0) {
      reading[0] = now;
    }
    reading[1] = now;
  }

  /** Wraps preprocessors so that each call also takes the calling thread's allocation reading. */
  static <T> Supplier<Preprocessor<T>> noting(Supplier<? extends Preprocessor<? super T>> inner,
      Map<Object, Integer> indexOf, ThreadLocal<long[]> mine, long from, long to) {
    return () -> {
      Preprocessor<? super T> delegate = inner.get();
      return (item, slot) -> {
        delegate.write(item, slot);
        note(mine, indexOf.get(item), from, to);
      };
    };
  }

  private static long allocated() {
    return THREADS.getCurrentThreadAllocatedBytes();
  }

  /** Minimal JSON writer for maps, lists, strings and numbers (keeps the harness free of extra dependencies). */
  static final class Json {
    static String write(Object value) {
      StringBuilder out = new StringBuilder();
      write(value, out, "");
      return out.append('\n').toString();
    }

    private static void write(Object value, StringBuilder out, String indent) {
      if (value instanceof Map) {
        out.append("{\n");
        Iterator<? extends Map.Entry<?, ?>> it = ((Map<?, ?>) value).entrySet().iterator();
        while (it.hasNext()) {
          Map.Entry<?, ?> e = it.next();
          out.append(indent).append("  \"").append(e.getKey()).append("\": ");
          write(e.getValue(), out, indent + "  ");
          out.append(it.hasNext() ? ",\n" : "\n");
        }
        out.append(indent).append('}');
      } else if (value instanceof List) {
        out.append("[\n");
        List<?> list = (List<?>) value;
        for (int i = 0; i < list.size(); i++) {
          out.append(indent).append("  ");
          write(list.get(i), out, indent + "  ");
          out.append(i + 1 < list.size() ? ",\n" : "\n");
        }
        out.append(indent).append(']');
      } else if (value instanceof String) {
        out.append('"').append(((String) value).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " "))
            .append('"');
      } else if (value instanceof Double && !Double.isFinite((Double) value)) {
        out.append("null");
      } else {
        out.append(value);
      }
    }
  }
}
