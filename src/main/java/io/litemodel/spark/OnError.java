package io.litemodel.spark;

/** What a transform does with a row it cannot predict (an undecodable image, a missing or misshapen feature). */
public enum OnError {
  /** Fail the task, and so the job, naming the row and the reason: the default. */
  FAIL,
  /** Give the row null outputs and the reason in the error column, and go on. */
  NULL
}
