package io.litemodel.batch;

import java.util.Locale;

/**
 * A snapshot of a pipeline's progress and of where its threads spend their time. Fractions are of the wall time
 * since the run started, per thread of that kind (1.0 = every such thread busy all the time).
 */
public final class PipelineStats {
  private final long itemsDone;
  private final long itemsFailed;
  private final long elapsedNanos;
  private final int workers;
  private final int inferenceThreads;
  private final double workerBusy;
  private final double inferenceBusy;
  private final double inferenceWaiting;
  private final double inferenceHelping;
  private final double inferenceDelivering;
  private final double deliveryBusy;

  PipelineStats(long itemsDone, long itemsFailed, long elapsedNanos, int workers, int inferenceThreads,
      long workerBusyNanos, long inferenceBusyNanos, long inferenceWaitNanos, long inferenceHelpNanos,
      long inferenceDeliverNanos, long deliveryBusyNanos) {
    this.itemsDone = itemsDone;
    this.itemsFailed = itemsFailed;
    this.elapsedNanos = elapsedNanos;
    this.workers = workers;
    this.inferenceThreads = inferenceThreads;
    double elapsed = Math.max(1, elapsedNanos);
    this.workerBusy = workers == 0 ? 0 : workerBusyNanos / (elapsed * workers);
    this.inferenceBusy = inferenceBusyNanos / (elapsed * inferenceThreads);
    this.inferenceWaiting = inferenceWaitNanos / (elapsed * inferenceThreads);
    this.inferenceHelping = inferenceHelpNanos / (elapsed * inferenceThreads);
    this.inferenceDelivering = inferenceDeliverNanos / (elapsed * inferenceThreads);
    this.deliveryBusy = deliveryBusyNanos / elapsed;
  }

  /** @return items delivered so far: predicted plus skipped */
  public long itemsDone() {
    return itemsDone;
  }

  /** @return items skipped because their preprocessing failed */
  public long itemsFailed() {
    return itemsFailed;
  }

  /** @return wall time since the run started (or its total, once finished), in nanoseconds */
  public long elapsedNanos() {
    return elapsedNanos;
  }

  /** @return items done per second of wall time */
  public double itemsPerSecond() {
    return elapsedNanos <= 0 ? 0 : itemsDone * 1e9 / elapsedNanos;
  }

  /** @return the fraction of worker-thread time spent preprocessing */
  public double workerBusy() {
    return workerBusy;
  }

  /** @return the fraction of inference-thread time spent in the model */
  public double inferenceBusy() {
    return inferenceBusy;
  }

  /** @return the fraction of inference-thread time spent blocked, waiting for a full batch */
  public double inferenceWaiting() {
    return inferenceWaiting;
  }

  /** @return the fraction of inference-thread time spent preprocessing items while no batch was ready */
  public double inferenceHelping() {
    return inferenceHelping;
  }

  /**
   * @return the fraction of inference-thread time spent handing inferred batches to the delivery thread (a queue
   *     insert that never blocks, so near 0; the consumer runs on the delivery thread, see {@link #deliveryBusy()})
   */
  public double inferenceDelivering() {
    return inferenceDelivering;
  }

  /**
   * @return the fraction of the delivery thread's time spent in the {@link ResultConsumer} and the
   *     {@link FailureListener}. Near 1 means the consumer is the bottleneck: inference then runs ahead until every
   *     batch buffer waits for delivery, and the pipeline goes at the consumer's pace.
   */
  public double deliveryBusy() {
    return deliveryBusy;
  }

  /** @return the number of preprocessing worker threads */
  public int workers() {
    return workers;
  }

  /** @return the number of inference threads (one model replica each) */
  public int inferenceThreads() {
    return inferenceThreads;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT,
        "%d items (%d failed) in %.2f s, %.1f items/s; %d workers %.0f%% busy; %d inference threads "
            + "%.0f%% in the model, %.0f%% helping preprocess, %.0f%% handing off results, %.0f%% waiting for data; "
            + "delivery thread %.0f%% in the consumer",
        itemsDone, itemsFailed, elapsedNanos / 1e9, itemsPerSecond(), workers, 100 * workerBusy, inferenceThreads,
        100 * inferenceBusy, 100 * inferenceHelping, 100 * inferenceDelivering, 100 * inferenceWaiting, 100 * deliveryBusy);
  }
}
