package io.litemodel.batch;

import java.nio.FloatBuffer;

/**
 * Receives the model output of each successfully predicted item. Calls are serialized (never concurrent), in input
 * order unless the pipeline was built unordered.
 *
 * @param <T> the item type
 */
@FunctionalInterface
public interface ResultConsumer<T> {
  /**
   * @param index the item's position in the source, from 0
   * @param item the item
   * @param output a view of the item's output row: position 0, limit = the row's element count. <b>Valid only during
   *     this call</b> (the buffer is recycled afterwards): copy what you need, for example with
   *     {@code output.get(array)}.
   * @throws Exception to stop the run; {@link BatchPredictor#run} then fails with it as the cause
   */
  void accept(long index, T item, FloatBuffer output) throws Exception;
}
