package io.litemodel.internal.analysis;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads the tables, vectors and scalars of a flatbuffer ({@code .tflite} bytes): the one place that follows offsets,
 * for {@link ModelGraph} and {@link SignatureTableCheck}. Positions are absolute offsets into the model's bytes; 0
 * stands for an absent table, vector or string (no table of a real file starts at byte 0, which holds the root offset).
 *
 * <p>Hand-written because LiteModel needs a few dozen fields of the schema and nothing else; generated schema classes
 * would be a dependency and a code generator for that. A field's slot in its table's vtable is {@code 4 + 2 * number},
 * with field numbers as in {@code tensorflow/lite/schema/schema.fbs}. The bytes are read only after the flatbuffer
 * verifier and {@code tflite::Verify} accepted them; the bounds are checked here anyway, so that a model that still
 * points outside itself fails with an {@link IndexOutOfBoundsException} (or {@link NegativeArraySizeException}), which
 * each caller turns into its own message, never with a read of unrelated memory. Not thread-safe; one per reading.
 */
final class FlatbufferReader {
  private final ByteBuffer bytes;

  /** @param model the model bytes, from position to limit (neither is changed) */
  FlatbufferReader(ByteBuffer model) {
    this.bytes = model.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** @return the position of the root table */
  int root() {
    return indirect(0);
  }

  /** @return the absolute position of field {@code index} of the table at {@code table}, or 0 when absent */
  int field(int table, int index) {
    if (table == 0) {
      return 0;
    }
    int vtable = table - bytes.getInt(table);
    int vtableSize = Short.toUnsignedInt(bytes.getShort(vtable));
    int slot = 4 + 2 * index;
    if (slot + 2 > vtableSize) {
      return 0;
    }
    int offset = Short.toUnsignedInt(bytes.getShort(vtable + slot));
    return offset == 0 ? 0 : table + offset;
  }

  /**
   * Follows the unsigned offset stored at {@code position}.
   *
   * @throws IndexOutOfBoundsException when it points at or past the end of the bytes
   */
  private int indirect(int position) {
    long target = position + Integer.toUnsignedLong(bytes.getInt(position));
    if (target >= bytes.limit()) {
      throw new IndexOutOfBoundsException("offset " + target);
    }
    return (int) target;
  }

  /** @return the position of the table in field {@code index} of {@code table}, or 0 when absent */
  int table(int table, int index) {
    int position = field(table, index);
    return position == 0 ? 0 : indirect(position);
  }

  /** @return the position of the vector in field {@code index} of {@code table}, or 0 when absent */
  int vector(int table, int index) {
    return table(table, index);
  }

  /**
   * @return the element count of the vector at {@code vector}; 0 for an absent one
   * @throws IndexOutOfBoundsException when the count is negative or larger than the file
   */
  int length(int vector) {
    if (vector == 0) {
      return 0;
    }
    int length = bytes.getInt(vector);
    if (length < 0 || length > bytes.limit()) {
      throw new IndexOutOfBoundsException("vector of " + length);
    }
    return length;
  }

  /** @return the position of the table that element {@code k} of the vector of tables at {@code vector} points to */
  int element(int vector, int k) {
    return indirect(vector + 4 + 4 * k);
  }

  /** @return the vector of int32 (or uint32, as stored) at {@code vector}; empty for an absent one */
  int[] ints(int vector) {
    int[] values = new int[length(vector)];
    for (int i = 0; i < values.length; i++) {
      values[i] = bytes.getInt(vector + 4 + 4 * i);
    }
    return values;
  }

  /** @return the vector of float32 at {@code vector}; empty for an absent one */
  float[] floats(int vector) {
    float[] values = new float[length(vector)];
    for (int i = 0; i < values.length; i++) {
      values[i] = bytes.getFloat(vector + 4 + 4 * i);
    }
    return values;
  }

  /** @return the vector of int64 at {@code vector}; empty for an absent one */
  long[] longs(int vector) {
    long[] values = new long[length(vector)];
    for (int i = 0; i < values.length; i++) {
      values[i] = bytes.getLong(vector + 4 + 8 * i);
    }
    return values;
  }

  /** @return the bytes of the vector of bytes at {@code vector}; empty for an absent one */
  byte[] byteVector(int vector) {
    byte[] values = new byte[length(vector)];
    bytes.get(vector + 4, values);
    return values;
  }

  /** @return field {@code index} of {@code table} as a signed byte, or {@code absent} */
  int int8(int table, int index, int absent) {
    int position = field(table, index);
    return position == 0 ? absent : bytes.get(position);
  }

  /** @return field {@code index} of {@code table} as an unsigned byte, or 0 when absent */
  int uint8(int table, int index) {
    int position = field(table, index);
    return position == 0 ? 0 : Byte.toUnsignedInt(bytes.get(position));
  }

  /** @return field {@code index} of {@code table} as an int32, or {@code absent} */
  int int32(int table, int index, int absent) {
    int position = field(table, index);
    return position == 0 ? absent : bytes.getInt(position);
  }

  /** @return field {@code index} of {@code table} as a uint32, or 0 when absent */
  long uint32(int table, int index) {
    int position = field(table, index);
    return position == 0 ? 0 : Integer.toUnsignedLong(bytes.getInt(position));
  }

  /** @return field {@code index} of {@code table} as a 64-bit integer, or 0 when absent */
  long uint64(int table, int index) {
    int position = field(table, index);
    return position == 0 ? 0 : bytes.getLong(position);
  }

  /** @return the string in field {@code index} of {@code table} (UTF-8), or null when absent */
  String string(int table, int index) {
    int position = table(table, index);
    if (position == 0) {
      return null;
    }
    byte[] text = new byte[length(position)];
    bytes.get(position + 4, text);
    return new String(text, StandardCharsets.UTF_8);
  }
}
