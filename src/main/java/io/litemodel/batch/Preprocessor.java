package io.litemodel.batch;

import java.nio.FloatBuffer;

/**
 * Writes one item's model input straight into its slot of an off-heap batch buffer.
 *
 * <p>The pipeline asks a {@link java.util.function.Supplier} for one instance per pipeline thread, so an
 * implementation may keep per-thread scratch state (a decoder, a resize table) without locking.
 *
 * @param <T> the item type
 */
@FunctionalInterface
public interface Preprocessor<T> {
  /**
   * Writes the input row for {@code item} into {@code slot}.
   *
   * @param item the item to preprocess
   * @param slot a direct, native-order view of exactly one input row: position 0, limit = the row's element count.
   *     Write all {@code slot.limit()} values, either with relative puts (which must leave the position at the
   *     limit: the pipeline fails the item, naming it, when a relative writer stops short) or with absolute puts
   *     (which leave the position at 0; the pipeline cannot check those, so an absolute writer that skips values
   *     leaves whatever the slot held: zeros in a fresh buffer, an earlier item's values in a recycled one). Do not
   *     keep the reference.
   * @throws Exception if the item cannot be turned into an input row; the pipeline handles it per its
   *     {@link ErrorPolicy}
   */
  void write(T item, FloatBuffer slot) throws Exception;
}
