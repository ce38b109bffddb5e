package io.litemodel.batch;

/** Thrown by {@link BatchPredictor#run} under {@link ErrorPolicy#FAIL_FAST} when an item could not be preprocessed. */
public final class ItemFailedException extends RuntimeException {
  private final long index;
  private final transient Object item;
  private final long delivered;

  ItemFailedException(long index, Object item, long delivered, Exception cause) {
    super("item " + index + " (" + item + ") failed: " + cause.getMessage() + "; " + delivered
        + " items were delivered before the run stopped", cause);
    this.index = index;
    this.item = item;
    this.delivered = delivered;
  }

  /** @return the failed item's position in the source */
  public long index() {
    return index;
  }

  /** @return the failed item */
  public Object item() {
    return item;
  }

  /** @return how many items were delivered to the consumer before the run stopped */
  public long delivered() {
    return delivered;
  }
}
