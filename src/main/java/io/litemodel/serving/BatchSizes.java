package io.litemodel.serving;

/**
 * The batch sizes a {@link MicroBatcher} invokes a model with. With a dynamic batch dimension: powers of two up to
 * the largest batch, each run on its own model replica that is resized once, because resizing a TensorFlow Lite
 * interpreter re-plans its tensors (and XNNPACK's) and would cost more than the batch saves if sizes changed from
 * call to call; a batch of {@code n} rows runs at the smallest size that holds it, padded. With a fixed batch
 * dimension {@code B}: only {@code B}, with larger batches run in chunks of {@code B}.
 */
final class BatchSizes {
  private final int[] sizes;
  private final int maxRun;

  private BatchSizes(int[] sizes, int maxRun) {
    this.sizes = sizes;
    this.maxRun = maxRun;
  }

  /**
   * @param fixedBatch the model's fixed batch size, or -1 when the batch dimension is dynamic
   * @param maxBatch the most requests to gather into one batch
   */
  static BatchSizes of(int fixedBatch, int maxBatch) {
    if (fixedBatch > 0) {
      int run = Math.max(fixedBatch, maxBatch / fixedBatch * fixedBatch);
      return new BatchSizes(new int[] {fixedBatch}, run);
    }
    int count = 32 - Integer.numberOfLeadingZeros(maxBatch); // sizes 1, 2, 4, ... up to the power of two <= maxBatch
    int[] sizes = new int[count];
    for (int i = 0; i < count; i++) {
      sizes[i] = 1 << i;
    }
    return new BatchSizes(sizes, sizes[count - 1]);
  }

  /** @return how many sizes there are (one model per size) */
  int count() {
    return sizes.length;
  }

  /** @return the size at {@code index} */
  int size(int index) {
    return sizes[index];
  }

  /** @return the largest size: rows per invocation at most */
  int largest() {
    return sizes[sizes.length - 1];
  }

  /** @return the most requests gathered into one batch (a multiple of the fixed size, or the largest size) */
  int maxRun() {
    return maxRun;
  }

  /** @return the index of the smallest size that holds {@code rows} (at most {@link #largest()}) */
  int indexFor(int rows) {
    int i = 0;
    while (sizes[i] < rows) {
      i++;
    }
    return i;
  }
}
