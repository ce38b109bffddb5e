package io.litemodel.batch;

/** What the pipeline does when an item's preprocessing throws. */
public enum ErrorPolicy {
  /**
   * Stop at the first bad item to reach delivery, and {@link BatchPredictor#run} throws an {@link ItemFailedException}
   * naming it. With an ordered predictor (the default) that is the first bad item in input order: every item before
   * it is delivered and none after it. With {@code ordered(false)}, batches are delivered as they finish, so the
   * delivered items are those of the batches that finished before the bad item's batch plus the items before it in
   * its own batch: items after it in input order may have been delivered, and items before it may not have been.
   * {@link ItemFailedException#delivered()} counts them either way.
   */
  FAIL_FAST,
  /** Report the bad item to the {@link FailureListener}, leave it out of the results, and carry on. */
  SKIP
}
