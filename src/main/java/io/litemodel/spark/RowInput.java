package io.litemodel.spark;

import java.nio.FloatBuffer;
import org.apache.spark.sql.Row;

/**
 * Writes one Spark row's model input into a batch slot; one instance per partition (it may keep scratch state, and
 * native memory that {@link #close()} frees at the partition's end).
 */
interface RowInput extends AutoCloseable {
  /**
   * @param slot exactly one input row, position 0: write all {@code slot.limit()} values with absolute puts
   * @throws Exception naming what is wrong with the row, which then fails per the transform's {@link OnError}
   */
  void write(Row row, FloatBuffer slot) throws Exception;

  /** @return how messages name the row (its path for images), or null to name it by position */
  String describe(Row row);

  /** Frees what the input holds beyond the Java heap; idempotent. Nothing by default. */
  @Override
  default void close() {}
}
