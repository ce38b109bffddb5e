package io.litemodel;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child-JVM program for {@link LiteModelLeakTest}: measures the process's resident memory (VmRSS) before and after
 * many load/close cycles or many predictions, and prints the growth in KiB.
 *
 * <p>Usage: {@code ResidentMemoryProbe MODEL (load-close N | predict N)}. Run with {@code -Xms} equal to
 * {@code -Xmx} and {@code -XX:+AlwaysPreTouch}, so the Java heap is fully resident from the start and its growth
 * cannot be mistaken for a native leak.
 */
public final class ResidentMemoryProbe {
  private ResidentMemoryProbe() {}

  /**
   * @param args model path, mode, count
   * @throws Exception on I/O failure
   */
  public static void main(String[] args) throws Exception {
    byte[] bytes = Files.readAllBytes(Path.of(args[0]));
    String mode = args[1];
    int count = Integer.parseInt(args[2]);
    Runnable work;
    LiteModel kept = LiteModel.load(bytes);
    float[] in = new float[kept.inputs().get(0).shape()[1]];
    float[] out = new float[kept.outputs().get(0).shape()[1]];
    if (mode.equals("load-close")) {
      kept.close();
      work = () -> {
        try (LiteModel model = LiteModel.load(bytes)) {
          model.predictSingle(in, out);
        }
      };
    } else {
      work = () -> kept.predictSingle(in, out);
    }
    // Let allocator arenas and the JIT settle before the baseline: loading runs a few thousand bytecodes of model
    // reading and checking whose compilation (C2's arenas, the code cache) raises resident memory in steps.
    int warmUp = Math.max(1000, count / 2);
    for (int i = 0; i < warmUp; i++) {
      work.run();
    }
    // Two equal windows: a leak grows resident memory in both, while a one-time step (a compilation, an allocator
    // arena that grows once, seen here after about 3,000 loads) shows in at most one. The smaller growth counts.
    long[] deltas = new long[2];
    for (int window = 0; window < deltas.length; window++) {
      System.gc();
      long before = residentKib();
      for (int i = 0; i < count; i++) {
        work.run();
      }
      System.gc();
      long after = residentKib();
      deltas[window] = after - before;
      System.out.println("rss_before_kib_" + window + "=" + before);
      System.out.println("rss_after_kib_" + window + "=" + after);
    }
    System.out.println("rss_delta_kib=" + Math.min(deltas[0], deltas[1]));
    kept.close();
  }

  public static long residentKib() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
