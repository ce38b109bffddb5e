package io.litemodel.batch;

/** What the pipeline does when an item's preprocessing throws. */
public enum ErrorPolicy {
  /**
   * Stop at the first bad item: every item before it (in input order) is still delivered, nothing after it is, and
   * {@link BatchPredictor#run} throws an {@link ItemFailedException} naming the item.
   */
  FAIL_FAST,
  /** Report the bad item to the {@link FailureListener}, leave it out of the results, and carry on. */
  SKIP
}
