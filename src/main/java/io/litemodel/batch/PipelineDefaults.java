package io.litemodel.batch;

/**
 * The batch pipeline's defaults for the machine it runs on, derived in this one place from
 * {@link Runtime#availableProcessors()}: {@link BatchPredictor.Builder} starts from them, and so do
 * {@code litemodel predict} and Spark's transformer.
 *
 * <p>They are the configuration the head-to-head benchmark ({@code benchmarks/throughput/headtohead.sh}, quoted in
 * {@code docs/performance.md}) found fastest, per second and per CPU-second, for an image model fed from JPEG files:
 * one model replica (one inference thread) per core, no separate preprocessing workers (each inference thread
 * preprocesses the items of the next batch itself while no full batch waits, so exactly {@code cores} threads work
 * and none hands data to another), and small batches of {@value #BATCH_SIZE}, whose activations stay in the caches.
 * That was measured on 2 cores with a MobileNetV2-sized model; rerun the head-to-head before relying on it for very
 * different machines or models.
 *
 * <p>The replica count assumes single-threaded replicas ({@link io.litemodel.LiteModel.Options#threads()} 1, the
 * default): with a model of N threads, pass {@code replicas(cores / N)} to avoid oversubscribing the cores.
 */
public final class PipelineDefaults {
  /** Rows per batch: 4. */
  public static final int BATCH_SIZE = 4;

  private PipelineDefaults() {}

  /** @return the cores this JVM may use ({@link Runtime#availableProcessors()}) */
  public static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** @return rows per batch: {@value #BATCH_SIZE} */
  public static int batchSize() {
    return BATCH_SIZE;
  }

  /** @return model replicas, one inference thread each: one per core */
  public static int replicas() {
    return cores();
  }

  /**
   * @param replicas the replicas the pipeline runs
   * @param inferenceHelps whether inference threads preprocess while no full batch waits
   * @return preprocessing worker threads: 0 when inference threads help (they do all the preprocessing), else the
   *     cores the replicas leave, at least 1
   */
  public static int workers(int replicas, boolean inferenceHelps) {
    return inferenceHelps ? 0 : Math.max(1, cores() - replicas);
  }
}
