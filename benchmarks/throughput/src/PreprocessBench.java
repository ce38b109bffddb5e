import io.litemodel.image.BilinearResizer;
import io.litemodel.image.DecodeScale;
import io.litemodel.image.DecoderKind;
import io.litemodel.image.ImagePreprocessor;
import io.litemodel.image.Normalization;
import io.litemodel.image.OpenCvImageDecoder;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Per-image CPU time of the preprocessing stage on one thread (decode + resize + normalize into a direct slot), by
 * path, and of the OpenCV path's single steps: what chose the design of io.litemodel.image's OpenCV path. CPU time
 * of this thread (ThreadMXBean), not wall time, so other work on the machine moves the figures less; each figure is
 * the median of RUNS passes over the images, after one warm-up pass. Prints one JSON line per row.
 *
 * <pre>
 *   java PreprocessBench DIR [COUNT]   JPEGs of DIR (ThroughputBench generate makes 450x450 ones), 224x224x3 output
 * </pre>
 */
public final class PreprocessBench {
  private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final int RUNS = 5;
  private static final int SIZE = 224;

  /** One way of doing one image. */
  private interface Step {
    void run(Path file) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    List<Path> files = ThroughputBench.images(Path.of(args[0]));
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    files = files.subList(0, Math.min(count, files.size()));
    FloatBuffer slot = ByteBuffer.allocateDirect(SIZE * SIZE * 3 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    System.out.printf(Locale.ROOT, "{\"images\": %d, \"loadavg\": \"%s\"}%n", files.size(),
        Files.readString(Path.of("/proc/loadavg")).trim());
    try (ImagePreprocessor imageio = new ImagePreprocessor(SIZE, SIZE, 3, Normalization.symmetric(),
             DecoderKind.IMAGEIO);
         ImagePreprocessor exact = new ImagePreprocessor(SIZE, SIZE, 3, Normalization.symmetric(),
             DecoderKind.OPENCV, DecodeScale.EXACT);
         ImagePreprocessor auto = new ImagePreprocessor(SIZE, SIZE, 3, Normalization.symmetric(),
             DecoderKind.OPENCV, DecodeScale.AUTO);
         OpenCvImageDecoder decoder = new OpenCvImageDecoder()) {
      BilinearResizer scalar = new BilinearResizer(SIZE, SIZE, 3, Normalization.symmetric());
      report("ImageIO decode + scalar Java resize (the fallback path)", files, f -> imageio.write(f, slot));
      report("OpenCV decode + scalar Java resize (the OpenCV path before)", files,
          f -> scalar.resize(decoder.decode(f), slot));
      report("OpenCV path, DecodeScale.EXACT", files, f -> exact.write(f, slot));
      report("OpenCV path, DecodeScale.AUTO", files, f -> auto.write(f, slot));
      steps(files);
    }
  }

  /** The OpenCV path's steps one by one, and the alternative the design was chosen against. */
  private static void steps(List<Path> files) throws Exception {
    List<Mat> encoded = new ArrayList<>();
    for (Path f : files) {
      byte[] bytes = Files.readAllBytes(f);
      encoded.add(new Mat(1, bytes.length, opencv_core.CV_8UC1, new BytePointer(bytes)));
    }
    int full = opencv_imgcodecs.IMREAD_COLOR | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
    int half = opencv_imgcodecs.IMREAD_REDUCED_COLOR_2 | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
    Mat decoded = new Mat();
    Mat resized = new Mat();
    Mat floats = new Mat();
    Mat rgb = new Mat();
    Mat out = new Mat(SIZE, SIZE, opencv_core.CV_32FC3);
    Mat matrix = new Mat(3, 4, opencv_core.CV_32F);
    matrix.put(new Mat(new float[] {0, 0, 2 / 255f, -1, 0, 2 / 255f, 0, -1, 2 / 255f, 0, 0, -1}).reshape(1, 3));
    Size size = new Size(SIZE, SIZE);
    int[] at = {0};
    Step next = f -> at[0] = (at[0] + 1) % encoded.size();
    report("step: imdecode in memory, full size", files, f -> {
      next.run(f);
      opencv_imgcodecs.imdecode(encoded.get(at[0]), full, decoded).close();
    });
    report("step: imdecode in memory, IMREAD_REDUCED_COLOR_2", files, f -> {
      next.run(f);
      opencv_imgcodecs.imdecode(encoded.get(at[0]), half, decoded).close();
    });
    opencv_imgcodecs.imdecode(encoded.get(0), full, decoded).close();
    report("step: resize 8-bit to 224x224 (INTER_LINEAR)", files,
        f -> opencv_imgproc.resize(decoded, resized, size, 0, 0, opencv_imgproc.INTER_LINEAR));
    report("step: convertTo float + transform (BGR->RGB, scale, offset per channel): per-channel normalizations and grey", files, f -> {
      resized.convertTo(floats, opencv_core.CV_32F);
      opencv_core.transform(floats, out, matrix);
    });
    report("step: cvtColor BGR2RGB 8-bit + convertTo(alpha, beta): normalizations with one scale for all channels",
        files, f -> {
          opencv_imgproc.cvtColor(resized, rgb, opencv_imgproc.COLOR_BGR2RGB);
          rgb.convertTo(out, opencv_core.CV_32F, 2 / 255.0, -1);
        });
  }

  private static void report(String name, List<Path> files, Step step) throws Exception {
    double[] runs = new double[RUNS + 1];
    for (int r = 0; r <= RUNS; r++) { // pass 0 warms up
      long start = THREADS.getCurrentThreadCpuTime();
      for (Path f : files) {
        step.run(f);
      }
      runs[r] = (THREADS.getCurrentThreadCpuTime() - start) / 1e6 / files.size();
    }
    double[] measured = Arrays.copyOfRange(runs, 1, runs.length);
    Arrays.sort(measured);
    System.out.printf(Locale.ROOT, "{\"row\": \"%s\", \"cpu_ms_per_image_median\": %.3f, \"runs\": %s}%n", name,
        measured[RUNS / 2], Arrays.toString(measured));
  }
}
