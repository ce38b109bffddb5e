package io.litemodel;

import io.litemodel.internal.tflite.WeightsCacheTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the resident memory that N replicas of a model add, with or without the shared XNNPACK weights cache.
 * Run in a fresh JVM per measurement (as {@link WeightsCacheTest} does): freed native memory stays in the
 * allocator's arenas, so a second measurement in the same process would reuse the first one's memory.
 *
 * <p>By hand (prints one line, {@code rss_delta_kib=<n>}):
 * <pre>{@code
 * java -cp "$(cat /tmp/cp.txt):target/classes:target/test-classes" io.litemodel.ReplicaMemoryProbe \
 *     models/image_cnn.tflite 8 shared
 * }</pre>
 * where {@code /tmp/cp.txt} comes from {@code mvn dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt}.
 */
public final class ReplicaMemoryProbe {
  private ReplicaMemoryProbe() {}

  /**
   * @param args model path, replica count, {@code shared} or {@code private}
   * @throws IOException if /proc/self/status cannot be read
   */
  public static void main(String[] args) throws IOException {
    Path path = Path.of(args[0]);
    int replicas = Integer.parseInt(args[1]);
    boolean shared = args[2].equals("shared");
    LiteModel.Options options = LiteModel.Options.defaults().withWeightsCache(shared);
    List<LiteModel> models = new ArrayList<>();
    try (LiteModel first = LiteModel.load(path, options)) {
      float[] input = new float[(int) first.inputs().get(0).elementCount()];
      first.predictSingle(input); // warm every lazy allocation of the first instance before measuring
      long before = rssKib();
      for (int i = 0; i < replicas; i++) {
        LiteModel replica = first.replicate();
        replica.predictSingle(input);
        models.add(replica);
      }
      long after = rssKib();
      System.out.println("rss_delta_kib=" + (after - before));
    } finally {
      for (LiteModel model : models) {
        model.close();
      }
    }
  }

  /** @return VmRSS of this process, in KiB */
  static long rssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmRSS in /proc/self/status");
  }
}
