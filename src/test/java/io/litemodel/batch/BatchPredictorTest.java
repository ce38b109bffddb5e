package io.litemodel.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.LiteModel;
import io.litemodel.image.ImagePreprocessor;
import io.litemodel.image.Normalization;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchPredictorTest {
  private static final Path MLP = Path.of("models/seed_mlp.tflite");
  private static final Path CNN = Path.of("models/image_cnn.tflite");
  private static LiteModel mlp;
  private static int inRow;
  private static int outRow;

  @BeforeAll
  static void load() {
    mlp = LiteModel.load(MLP);
    inRow = mlp.inputs().get(0).shape()[1];
    outRow = mlp.outputs().get(0).shape()[1];
  }

  @AfterAll
  static void close() {
    mlp.close();
  }

  /** Items are row seeds; the preprocessor writes the row that seed stands for. */
  private static float[] row(int seed) {
    Random random = new Random(seed);
    float[] values = new float[inRow];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat() * 2 - 1;
    }
    return values;
  }

  private static Supplier<Preprocessor<Integer>> rows() {
    return () -> (seed, slot) -> slot.put(row(seed));
  }

  private static Supplier<Preprocessor<Integer>> failingAt(int bad) {
    return () -> (seed, slot) -> {
      if (seed == bad) {
        throw new IOException("bad item " + seed);
      }
      slot.put(row(seed));
    };
  }

  private static List<Integer> items(int count) {
    return IntStream.range(0, count).boxed().collect(java.util.stream.Collectors.toList());
  }

  /** Collects delivered results in delivery order. */
  private static final class Collector implements ResultConsumer<Integer> {
    final List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    final Map<Integer, float[]> outputs = new ConcurrentHashMap<>();
    final List<Long> indices = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void accept(long index, Integer item, java.nio.FloatBuffer output) {
      float[] values = new float[output.remaining()];
      output.get(values);
      order.add(item);
      indices.add(index);
      outputs.put(item, values);
    }
  }

  private static void assertMatchesSingle(Collector collector) {
    float[] expected = new float[outRow];
    for (Map.Entry<Integer, float[]> entry : collector.outputs.entrySet()) {
      mlp.predictSingle(row(entry.getKey()), expected);
      assertArrayEquals(expected, entry.getValue(), 1e-5f, "item " + entry.getKey());
    }
  }

  private static void assertNoPipelineThreads() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      if (pipelineThreads().isEmpty()) {
        return;
      }
      Thread.sleep(10); // join() already ran; this only tolerates threads of an earlier test finishing exit
    }
    assertEquals(List.of(), pipelineThreads());
  }

  private static List<String> pipelineThreads() {
    List<String> names = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.isAlive() && thread.getName().startsWith(BatchPredictor.THREAD_PREFIX)) {
        names.add(thread.getName());
      }
    }
    return names;
  }

  @Test
  void orderedResultsEqualPlainPredictSingleLoop() throws Exception {
    Collector collector = new Collector();
    try (BatchPredictor<Integer> predictor = BatchPredictor.builder(mlp, rows()).batchSize(16).workers(2)
        .replicas(2).build()) {
      RunSummary summary = predictor.run(items(200).iterator(), collector);
      assertEquals(200, summary.predicted());
      assertEquals(0, summary.failed());
      assertEquals(200, summary.stats().itemsDone());
    }
    assertEquals(items(200), collector.order);
    assertEquals(indicesUpTo(200), collector.indices);
    assertMatchesSingle(collector);
    assertNoPipelineThreads();
  }

  private static List<Long> indicesUpTo(int count) {
    List<Long> values = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      values.add(i);
    }
    return values;
  }

  @Test
  void partialLastBatchAndOddSizes() {
    try (BatchPredictor<Integer> predictor = BatchPredictor.builder(mlp, rows()).batchSize(16).build()) {
      for (int count : new int[] {37, 32, 3, 1, 0}) {
        Collector collector = new Collector();
        RunSummary summary = predictor.run(items(count).iterator(), collector);
        assertEquals(count, summary.predicted(), "count " + count);
        assertEquals(items(count), collector.order);
        assertMatchesSingle(collector);
      }
    }
  }

  @Test
  void unorderedDeliversEveryItemOnce() {
    Collector collector = new Collector();
    try (BatchPredictor<Integer> predictor = BatchPredictor.builder(mlp, rows()).batchSize(8).workers(2)
        .replicas(2).ordered(false).build()) {
      predictor.run(items(101).iterator(), collector);
    }
    List<Integer> sorted = new ArrayList<>(collector.order);
    Collections.sort(sorted);
    assertEquals(items(101), sorted);
    assertMatchesSingle(collector);
  }

  @Test
  void skipReportsTheBadItemAndDeliversTheRest() {
    Collector collector = new Collector();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    try (BatchPredictor<Integer> predictor = BatchPredictor.builder(mlp, failingAt(50)).batchSize(16)
        .errorPolicy(ErrorPolicy.SKIP).build()) {
      RunSummary summary = predictor.run(items(100).iterator(), collector,
          (index, item, error) -> failures.add(index + ":" + item + ":" + error.getMessage()));
      assertEquals(99, summary.predicted());
      assertEquals(1, summary.failed());
    }
    assertEquals(List.of("50:50:bad item 50"), failures);
    List<Integer> expected = items(100);
    expected.remove(Integer.valueOf(50));
    assertEquals(expected, collector.order);
    assertMatchesSingle(collector);
  }

  @Test
  void failFastDeliversEverythingBeforeTheBadItemThenThrows() {
    Collector collector = new Collector();
    try (BatchPredictor<Integer> predictor = BatchPredictor.builder(mlp, failingAt(50)).batchSize(16).build()) {
      ItemFailedException error = assertThrows(ItemFailedException.class,
          () -> predictor.run(items(100).iterator(), collector));
      assertEquals(50, error.index());
      assertEquals(50, error.item());
      assertEquals(50, error.delivered());
      assertTrue(error.getMessage().contains("bad item 50"), error.getMessage());
      // The predictor stays usable after a failed run.
      Collector again = new Collector();
      predictor.run(items(20).iterator(), again);
      assertEquals(items(20), again.order);
    }
    assertEquals(items(50), collector.order);
    assertMatchesSingle(collector);
  }

  @Test
  void unreadableImageInTheMiddleUnderBothPolicies(@TempDir Path dir) throws Exception {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Path file = dir.resolve("img" + i + (i % 2 == 0 ? ".jpg" : ".png"));
      BufferedImage image = new BufferedImage(64 + i * 8, 48, BufferedImage.TYPE_INT_RGB);
      java.awt.Graphics2D g = image.createGraphics();
      g.setColor(new Color(40 * i, 255 - 40 * i, 128));
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.dispose();
      ImageIO.write(image, i % 2 == 0 ? "jpg" : "png", file.toFile());
      files.add(file);
    }
    Path broken = dir.resolve("broken.jpg");
    Files.write(broken, new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3, 4, 5});
    files.add(2, broken);
    try (LiteModel cnn = LiteModel.load(CNN)) {
      Supplier<ImagePreprocessor> images = ImagePreprocessor.factory(cnn, Normalization.symmetric());
      List<Path> delivered = new ArrayList<>();
      List<Path> failed = new ArrayList<>();
      try (BatchPredictor<Path> predictor = BatchPredictor.builder(cnn, images).batchSize(4)
          .errorPolicy(ErrorPolicy.SKIP).build()) {
        RunSummary summary = predictor.run(files.iterator(), (index, item, output) -> delivered.add(item),
            (index, item, error) -> {
              failed.add(item);
              assertTrue(error.getMessage().contains("broken.jpg"), error.getMessage());
            });
        assertEquals(5, summary.predicted());
      }
      List<Path> good = new ArrayList<>(files);
      good.remove(broken);
      assertEquals(good, delivered);
      assertEquals(List.of(broken), failed);

      delivered.clear();
      try (BatchPredictor<Path> predictor = BatchPredictor.builder(cnn, images).batchSize(4).build()) {
        ItemFailedException error = assertThrows(ItemFailedException.class,
            () -> predictor.run(files.iterator(), (index, item, output) -> delivered.add(item)));
        assertEquals(broken, error.item());
        assertEquals(2, error.index());
      }
      assertEquals(files.subList(0, 2), delivered);
    }
  }

  @Test
  void closeCancelsARunInProgressStopsEveryThreadAndFreesEveryBuffer() throws Exception {
    Supplier<Preprocessor<Integer>> slow = () -> (seed, slot) -> {
      Thread.sleep(2);
      slot.put(row(seed));
    };
    BatchPredictor<Integer> predictor = BatchPredictor.builder(mlp, slow).batchSize(8).workers(2).build();
    assertEquals(predictor.buffers(), predictor.liveBuffers());
    CountDownLatch started = new CountDownLatch(20);
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread caller = new Thread(() -> {
      try {
        predictor.run(items(100_000).iterator(), (index, item, output) -> started.countDown());
      } catch (Throwable t) {
        outcome.set(t);
      }
    });
    caller.start();
    assertTrue(started.await(30, TimeUnit.SECONDS));
    predictor.close();
    caller.join(10_000);
    assertFalse(caller.isAlive());
    assertTrue(outcome.get() instanceof java.util.concurrent.CancellationException, String.valueOf(outcome.get()));
    assertEquals(0, predictor.liveBuffers());
    assertNoPipelineThreads();
    assertThrows(IllegalStateException.class, () -> predictor.run(items(1).iterator(), (i, t, o) -> { }));
  }

  @Test
  void interruptingTheCallerCancelsTheRun() throws Exception {
    Supplier<Preprocessor<Integer>> slow = () -> (seed, slot) -> {
      Thread.sleep(2);
      slot.put(row(seed));
    };
    try (BatchPredictor<Integer> predictor = BatchPredictor.builder(mlp, slow).batchSize(8).build()) {
      CountDownLatch started = new CountDownLatch(10);
      AtomicReference<Throwable> outcome = new AtomicReference<>();
      AtomicReference<Boolean> flag = new AtomicReference<>();
      Thread caller = new Thread(() -> {
        try {
          predictor.run(items(100_000).iterator(), (index, item, output) -> started.countDown());
        } catch (Throwable t) {
          outcome.set(t);
          flag.set(Thread.currentThread().isInterrupted());
        }
      });
      caller.start();
      assertTrue(started.await(30, TimeUnit.SECONDS));
      caller.interrupt();
      caller.join(10_000);
      assertFalse(caller.isAlive());
      assertTrue(outcome.get() instanceof java.util.concurrent.CancellationException, String.valueOf(outcome.get()));
      assertEquals(Boolean.TRUE, flag.get());
      assertNoPipelineThreads();
      // Every buffer came back to the ring: a new run can use all of them.
      assertEquals(predictor.buffers(), predictor.liveBuffers());
      Collector collector = new Collector();
      predictor.run(items(30).iterator(), collector);
      assertEquals(items(30), collector.order);
    }
  }

  @Test
  void consumerFailureEndsTheRunWithItsCause() {
    try (BatchPredictor<Integer> predictor = BatchPredictor.builder(mlp, rows()).batchSize(4).build()) {
      BatchPredictionException error = assertThrows(BatchPredictionException.class,
          () -> predictor.run(items(20).iterator(), (index, item, output) -> {
            if (index == 7) {
              throw new IllegalStateException("disk full");
            }
          }));
      assertTrue(error.getMessage().contains("item 7"), error.getMessage());
      assertTrue(error.getCause().getMessage().contains("disk full"));
    }
    assertDoesNotLeak();
  }

  private static void assertDoesNotLeak() {
    try {
      assertNoPipelineThreads();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void sourceFailureEndsTheRun() {
    java.util.Iterator<Integer> broken = new java.util.Iterator<>() {
      int next;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Integer next() {
        if (next == 10) {
          throw new IllegalStateException("stream broke");
        }
        return next++;
      }
    };
    try (BatchPredictor<Integer> predictor = BatchPredictor.builder(mlp, rows()).batchSize(4).build()) {
      BatchPredictionException error = assertThrows(BatchPredictionException.class,
          () -> predictor.run(broken, (index, item, output) -> { }));
      assertTrue(error.getMessage().contains("source failed at item 10"), error.getMessage());
    }
  }

  @Test
  void statsAccountForTheRun() {
    try (BatchPredictor<Integer> predictor = BatchPredictor.builder(mlp, rows()).batchSize(8).workers(1).replicas(1)
        .build()) {
      RunSummary summary = predictor.run(items(64).iterator(), (index, item, output) -> { });
      PipelineStats stats = summary.stats();
      assertEquals(64, stats.itemsDone());
      assertEquals(1, stats.workers());
      assertEquals(1, stats.inferenceThreads());
      assertTrue(stats.itemsPerSecond() > 0);
      double inference = stats.inferenceBusy() + stats.inferenceWaiting() + stats.inferenceHelping()
          + stats.inferenceDelivering();
      assertTrue(inference <= 1.01 && inference > 0, stats.toString());
      assertTrue(stats.workerBusy() >= 0 && stats.workerBusy() <= 1.01, stats.toString());
      assertTrue(stats.toString().contains("64 items"), stats.toString());
      assertTrue(stats.toString().contains("handing off results"), stats.toString());
      assertEquals(stats.itemsDone(), predictor.stats().itemsDone());
    }
  }

  @Test
  void rejectsModelsAndSettingsItCannotRun() {
    try (LiteModel multi = LiteModel.load(Path.of("models/multi_io.tflite"))) {
      IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
          () -> BatchPredictor.builder(multi, rows()).build());
      assertTrue(error.getMessage().contains("one input and one output"), error.getMessage());
    }
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> BatchPredictor.builder(mlp, rows()).workers(0).inferenceHelps(false).build());
    assertTrue(error.getMessage().contains("nobody would preprocess"), error.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BatchPredictor.builder(mlp, rows()).batchSize(0));
    error = assertThrows(IllegalArgumentException.class,
        () -> BatchPredictor.builder(mlp, rows()).replicas(2).buffers(2).build());
    assertTrue(error.getMessage().contains("at least replicas + 1 = 3"), error.getMessage());
  }

  @Test
  void workersZeroWithHelpingInferenceStillPredicts() {
    Collector collector = new Collector();
    try (BatchPredictor<Integer> predictor = BatchPredictor.builder(mlp, rows()).batchSize(8).workers(0).build()) {
      predictor.run(items(30).iterator(), collector);
    }
    assertEquals(items(30), collector.order);
    assertMatchesSingle(collector);
  }

  @Test
  void slowConsumerTimeIsCountedOnTheDeliveryThread() {
    try (BatchPredictor<Integer> predictor = BatchPredictor.builder(mlp, rows()).batchSize(4).workers(1).build()) {
      PipelineStats stats = predictor.run(items(40).iterator(), (index, item, output) -> Thread.sleep(2)).stats();
      // 40 sleeps of 2 ms ran on the delivery thread: at least 80 ms of its time, of a run that took longer.
      assertTrue(stats.deliveryBusy() * stats.elapsedNanos() >= TimeUnit.MILLISECONDS.toNanos(80),
          stats.toString());
      assertTrue(stats.toString().contains("in the consumer"), stats.toString());
    }
  }

  @Test
  void noWorkersAndASlowConsumerStillFinish() {
    // Buffers come back on the delivery thread; with no worker blocked on the ring, the helping inference threads
    // must be woken when one does, or the run waits forever (this test hung before they were).
    for (int replicas = 1; replicas <= 2; replicas++) {
      int count = replicas;
      Collector collector = new Collector();
      org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
        try (BatchPredictor<Integer> predictor = BatchPredictor.builder(mlp, rows()).batchSize(2).workers(0)
            .replicas(count).prefetch(0).build()) {
          predictor.run(items(200).iterator(), (index, item, output) -> {
            if (index % 10 == 0) {
              Thread.sleep(1);
            }
            collector.accept(index, item, output);
          });
        }
      });
      assertEquals(items(200), collector.order);
      assertMatchesSingle(collector);
    }
  }

  @Test
  void inferenceKeepsGoingWhileTheConsumerIsStuckUpToTheRingSize() throws Exception {
    AtomicInteger batches = new AtomicInteger();
    try (CountingModel counting = new CountingModel(mlp.replicate(), batches);
         BatchPredictor<Integer> predictor = BatchPredictor.builder(counting, rows()).batchSize(4).workers(1)
             .replicas(1).prefetch(2).build()) {
      int ring = predictor.buffers();
      assertEquals(4, ring); // 1 replica + 1 filling + 2 prefetched
      AtomicInteger seenWhileStuck = new AtomicInteger(-1);
      AtomicInteger afterPause = new AtomicInteger(-1);
      Collector collector = new Collector();
      predictor.run(items(40).iterator(), (index, item, output) -> {
        if (index == 0) {
          // The consumer holds batch 0; every other buffer of the ring can still be filled and run by the model.
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (batches.get() < ring && System.nanoTime() < deadline) {
            Thread.sleep(1);
          }
          seenWhileStuck.set(batches.get());
          Thread.sleep(50); // give a run-away pipeline the chance to exceed its memory bound
          afterPause.set(batches.get());
        }
        collector.accept(index, item, output);
      });
      // Before the delivery thread, the model stood at 1 batch while the consumer held the inference thread.
      assertEquals(ring, seenWhileStuck.get(), "batches the model ran while the consumer was stuck");
      assertEquals(ring, afterPause.get(), "no batch beyond the ring's buffers may run while the consumer is stuck");
      assertEquals(10, batches.get());
      assertEquals(items(40), collector.order);
      assertMatchesSingle(collector);
    }
  }

  @Test
  void relativeWriterThatStopsShortFailsTheItemByName() {
    Supplier<Preprocessor<Integer>> shortAt3 = () -> (seed, slot) -> {
      float[] values = row(seed);
      slot.put(values, 0, seed == 3 ? values.length - 1 : values.length);
    };
    Collector collector = new Collector();
    try (BatchPredictor<Integer> predictor = BatchPredictor.builder(mlp, shortAt3).batchSize(4).build()) {
      ItemFailedException error = assertThrows(ItemFailedException.class,
          () -> predictor.run(items(10).iterator(), collector));
      assertEquals(3, error.index());
      assertTrue(error.getCause().getMessage().contains("wrote " + (inRow - 1) + " of " + inRow + " values for item 3"),
          error.getCause().getMessage());
    }
    assertEquals(items(3), collector.order);
    // Absolute puts leave the position at 0 and are accepted (they cannot be checked).
    Supplier<Preprocessor<Integer>> absolute = () -> (seed, slot) -> slot.put(0, row(seed));
    Collector again = new Collector();
    try (BatchPredictor<Integer> predictor = BatchPredictor.builder(mlp, absolute).batchSize(4).build()) {
      predictor.run(items(10).iterator(), again);
    }
    assertEquals(items(10), again.order);
    assertMatchesSingle(again);
  }

  @Test
  void closeFromAThreadOnlyNamedLikeAPipelineThreadStillWaitsAndFrees() throws Exception {
    Supplier<Preprocessor<Integer>> slow = () -> (seed, slot) -> {
      Thread.sleep(2);
      slot.put(row(seed));
    };
    BatchPredictor<Integer> predictor = BatchPredictor.builder(mlp, slow).batchSize(8).workers(1).build();
    CountDownLatch started = new CountDownLatch(10);
    Thread caller = new Thread(() -> {
      try {
        predictor.run(items(100_000).iterator(), (index, item, output) -> started.countDown());
      } catch (java.util.concurrent.CancellationException expected) {
        // close() cancels the run
      }
    });
    caller.start();
    assertTrue(started.await(30, TimeUnit.SECONDS));
    AtomicReference<Integer> liveAfterClose = new AtomicReference<>();
    Thread impostor = new Thread(() -> {
      predictor.close();
      liveAfterClose.set(predictor.liveBuffers());
    }, BatchPredictor.THREAD_PREFIX + "impostor");
    impostor.start();
    impostor.join(30_000);
    caller.join(30_000);
    assertFalse(caller.isAlive());
    // close() from a thread that is not one of the run's own waited for the run to end and freed everything.
    assertEquals(0, liveAfterClose.get());
  }

  @Test
  void closeRightAsARunStartsAlwaysEndsIt() throws Exception {
    java.util.Iterator<Integer> endless = new java.util.Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Integer next() {
        return 1;
      }
    };
    for (int attempt = 0; attempt < 30; attempt++) {
      BatchPredictor<Integer> predictor = BatchPredictor.builder(mlp, rows()).batchSize(8).workers(1).build();
      AtomicReference<Throwable> outcome = new AtomicReference<>();
      CountDownLatch go = new CountDownLatch(1);
      Thread caller = new Thread(() -> {
        try {
          go.countDown();
          predictor.run(endless, (index, item, output) -> { });
        } catch (Throwable t) {
          outcome.set(t);
        }
      });
      caller.start();
      go.await();
      predictor.close(); // on an endless source, a close that missed the run would wait forever
      caller.join(30_000);
      assertFalse(caller.isAlive(), "attempt " + attempt);
      Throwable t = outcome.get();
      assertTrue(t instanceof java.util.concurrent.CancellationException || t instanceof IllegalStateException,
          String.valueOf(t));
      assertEquals(0, predictor.liveBuffers());
    }
  }

  /**
   * Steady state allocates (almost) nothing per item: every pipeline thread reads its own allocation counter in each
   * preprocessor and consumer call between items {@code from} and {@code to}, as the throughput benchmark does, and
   * the sum over threads of (last - first) reading is divided by the items in between. Contended lock acquisitions
   * (which allocate a queue node on JDK 17) and per-batch queue waits are what remains; the bound catches a return to
   * per-item locking or any per-item garbage.
   */
  @Test
  void steadyStateAllocatesUnder64BytesPerItem() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    int count = 20_000;
    long from = count / 10;
    long to = count * 9L / 10;
    List<Integer> items = items(count);
    float[] values = row(1);
    Map<Thread, long[]> readings = new ConcurrentHashMap<>();
    ThreadLocal<long[]> mine = ThreadLocal.withInitial(() -> {
      long[] reading = {-1, -1};
      readings.put(Thread.currentThread(), reading);
      return reading;
    });
    boolean[] measuring = {false};
    java.util.function.LongConsumer note = index -> {
      if (!measuring[0] || index < from || index > to) {
        return;
      }
      long[] reading = mine.get();
      long now = threads.getCurrentThreadAllocatedBytes();
      if (reading[0] < 0) {
        reading[0] = now;
      }
      reading[1] = now;
    };
    Supplier<Preprocessor<Integer>> copying = () -> (item, slot) -> {
      note.accept(item);
      slot.put(values);
    };
    try (BatchPredictor<Integer> predictor = BatchPredictor.builder(mlp, copying).batchSize(32).build()) {
      for (int warm = 0; warm < 3; warm++) { // let the JIT compile the loops (interpreted code allocates more)
        predictor.run(items.iterator(), (index, item, output) -> note.accept(index));
      }
      for (long[] reading : readings.values()) {
        reading[0] = -1;
        reading[1] = -1;
      }
      measuring[0] = true;
      RunSummary summary = predictor.run(items.iterator(), (index, item, output) -> note.accept(index));
      assertEquals(count, summary.predicted());
    }
    long bytes = 0;
    for (long[] reading : readings.values()) {
      if (reading[0] >= 0) {
        bytes += reading[1] - reading[0];
      }
    }
    double perItem = bytes / (double) (to - from);
    System.out.printf(java.util.Locale.ROOT, "steady state: %.2f bytes allocated per item%n", perItem);
    assertTrue(perItem < 64, perItem + " bytes per item");
  }
}
