import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Single-thread JPEG decode cost per image: the JDK's ImageIO reader, the TwelveMonkeys ImageIO reader, and OpenCV's
 * imdecode through JavaCPP. Run in its own JVM by run.sh, with TwelveMonkeys and OpenCV on the classpath (they are
 * not library dependencies; TwelveMonkeys would otherwise take over ImageIO's "jpeg" lookup in the pipeline runs).
 * Files are read into memory first, so only decoding is timed. Prints one JSON object.
 */
public final class DecoderBench {
  public static void main(String[] args) throws Exception {
    List<Path> files;
    try (Stream<Path> listing = Files.list(Path.of(args[0]))) {
      files = listing.filter(f -> f.toString().endsWith(".jpg")).sorted().limit(Integer.parseInt(args[1]))
          .collect(Collectors.toList());
    }
    List<byte[]> data = new ArrayList<>();
    for (Path file : files) {
      data.add(Files.readAllBytes(file));
    }
    StringBuilder json = new StringBuilder("{\"images\": ").append(data.size());
    for (String name : new String[] {"com.sun.imageio.plugins.jpeg.JPEGImageReader",
        "com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReader"}) {
      ImageReader reader = reader(name);
      if (reader == null) {
        continue;
      }
      double[] result = time(data, bytes -> {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new java.io.ByteArrayInputStream(bytes))) {
          reader.setInput(in, true, true);
          ImageReadParam param = reader.getDefaultReadParam();
          BufferedImage image = reader.read(0, param);
          reader.setInput(null);
          return image.getWidth();
        }
      });
      String key = name.startsWith("com.sun") ? "imageio_jdk" : "imageio_twelvemonkeys";
      json.append(String.format(Locale.ROOT, ", \"%s_ms\": %.3f, \"%s_alloc_bytes\": %.0f", key, result[0], key,
          result[1]));
    }
    double[] cv = time(data, bytes -> {
      try (BytePointer pointer = new BytePointer(bytes);
          Mat buffer = new Mat(1, bytes.length, opencv_core.CV_8UC1, pointer);
          Mat image = opencv_imgcodecs.imdecode(buffer, opencv_imgcodecs.IMREAD_COLOR)) {
        return image.cols();
      }
    });
    json.append(String.format(Locale.ROOT, ", \"opencv_imdecode_ms\": %.3f, \"opencv_imdecode_alloc_bytes\": %.0f",
        cv[0], cv[1]));
    System.out.println(json.append('}'));
  }

  interface Decode {
    int run(byte[] bytes) throws IOException;
  }

  /** @return {milliseconds per image, Java heap bytes allocated per image}, after one warm-up pass */
  static double[] time(List<byte[]> data, Decode decode) throws IOException {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (byte[] bytes : data) {
      decode.run(bytes);
    }
    long alloc = threads.getCurrentThreadAllocatedBytes();
    long start = System.nanoTime();
    for (byte[] bytes : data) {
      if (decode.run(bytes) != 450) {
        throw new IllegalStateException("decoded the wrong width");
      }
    }
    double ms = (System.nanoTime() - start) / 1e6 / data.size();
    return new double[] {ms, (threads.getCurrentThreadAllocatedBytes() - alloc) / (double) data.size()};
  }

  static ImageReader reader(String className) {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
    while (readers.hasNext()) {
      ImageReader reader = readers.next();
      if (reader.getClass().getName().equals(className)) {
        return reader;
      }
    }
    return null;
  }
}
