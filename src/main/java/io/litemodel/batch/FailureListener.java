package io.litemodel.batch;

/**
 * Hears about items that could not be preprocessed, under {@link ErrorPolicy#SKIP}. Calls are serialized with the
 * {@link ResultConsumer}'s, at the item's place in the delivery order.
 *
 * @param <T> the item type
 */
@FunctionalInterface
public interface FailureListener<T> {
  /**
   * @param index the item's position in the source, from 0
   * @param item the item
   * @param error what the {@link Preprocessor} threw
   */
  void failed(long index, T item, Exception error);
}
