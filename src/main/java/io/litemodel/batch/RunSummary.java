package io.litemodel.batch;

/** What a finished {@link BatchPredictor#run} did. */
public final class RunSummary {
  private final long predicted;
  private final long failed;
  private final PipelineStats stats;

  RunSummary(long predicted, long failed, PipelineStats stats) {
    this.predicted = predicted;
    this.failed = failed;
    this.stats = stats;
  }

  /** @return items delivered to the consumer */
  public long predicted() {
    return predicted;
  }

  /** @return items skipped because their preprocessing failed */
  public long failed() {
    return failed;
  }

  /** @return the run's final statistics */
  public PipelineStats stats() {
    return stats;
  }

  @Override
  public String toString() {
    return "RunSummary[" + predicted + " predicted, " + failed + " failed; " + stats + "]";
  }
}
