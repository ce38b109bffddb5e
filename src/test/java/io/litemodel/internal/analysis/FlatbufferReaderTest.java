package io.litemodel.internal.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Tables, vectors, strings and scalars of hand-built flatbuffers; absent fields; offsets that leave the bytes. */
class FlatbufferReaderTest {
  // The root table's fields (field 6 lies beyond its vtable, so it reads as absent too).
  private static final int BYTE = 0;
  private static final int INT = 1;
  private static final int INTS = 2;
  private static final int TEXT = 3;
  private static final int ABSENT = 4;
  private static final int TABLES = 5;
  private static final int BEYOND_VTABLE = 6;

  /** A little-endian flatbuffer assembled by hand: byte 0 holds the root offset; tables follow their vtables. */
  private static final class Flat {
    final ByteBuffer bytes = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
    int end = 4;

    int allocate(int size) {
      int at = (end + 3) & ~3;
      end = at + size;
      return at;
    }

    /** @param fieldOffsets each field's offset inside the table, 0 for absent */
    int vtable(int tableSize, int... fieldOffsets) {
      int at = allocate(4 + 2 * fieldOffsets.length);
      bytes.putShort(at, (short) (4 + 2 * fieldOffsets.length)).putShort(at + 2, (short) tableSize);
      for (int i = 0; i < fieldOffsets.length; i++) {
        bytes.putShort(at + 4 + 2 * i, (short) fieldOffsets[i]);
      }
      return at;
    }

    int table(int vtable, int size) {
      int at = allocate(size);
      bytes.putInt(at, at - vtable);
      return at;
    }

    void offset(int at, int target) {
      bytes.putInt(at, target - at);
    }

    int ints(int... values) {
      int at = allocate(4 + 4 * values.length);
      bytes.putInt(at, values.length);
      for (int i = 0; i < values.length; i++) {
        bytes.putInt(at + 4 + 4 * i, values[i]);
      }
      return at;
    }

    int floats(float... values) {
      int at = allocate(4 + 4 * values.length);
      bytes.putInt(at, values.length);
      for (int i = 0; i < values.length; i++) {
        bytes.putFloat(at + 4 + 4 * i, values[i]);
      }
      return at;
    }

    int longs(long... values) {
      int at = allocate(4 + 8 * values.length);
      bytes.putInt(at, values.length);
      for (int i = 0; i < values.length; i++) {
        bytes.putLong(at + 4 + 8 * i, values[i]);
      }
      return at;
    }

    int string(String text) {
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      int at = allocate(4 + utf8.length + 1);
      bytes.putInt(at, utf8.length).put(at + 4, utf8);
      return at;
    }

    ByteBuffer done() {
      return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).limit(end);
    }
  }

  /** The root table: BYTE -3, INT -5, INTS [1, -2, 3], TEXT "héllo", TABLES [one table whose field 0 is 42]. */
  private static final class Sample {
    final Flat flat = new Flat();
    final int root;
    final int tables;

    Sample() {
      int vtable = flat.vtable(24, 4, 8, 12, 16, 0, 20);
      root = flat.table(vtable, 24);
      flat.offset(0, root);
      flat.bytes.put(root + 4, (byte) -3);
      flat.bytes.putInt(root + 8, -5);
      flat.offset(root + 12, flat.ints(1, -2, 3));
      flat.offset(root + 16, flat.string("héllo"));
      tables = flat.allocate(8);
      flat.offset(root + 20, tables);
      flat.bytes.putInt(tables, 1);
      int subVtable = flat.vtable(8, 4);
      int sub = flat.table(subVtable, 8);
      flat.bytes.putInt(sub + 4, 42);
      flat.offset(tables + 4, sub);
    }

    FlatbufferReader reader() {
      return new FlatbufferReader(flat.done());
    }
  }

  @Test
  void readsScalarsSignedAndUnsigned() {
    Sample sample = new Sample();
    FlatbufferReader in = sample.reader();
    assertEquals(sample.root, in.root());
    assertEquals(-3, in.int8(in.root(), BYTE, 7));
    assertEquals(253, in.uint8(in.root(), BYTE));
    assertEquals(-5, in.int32(in.root(), INT, 7));
    assertEquals(4294967291L, in.uint32(in.root(), INT));
  }

  @Test
  void readsVectorsStringsAndTablesInVectors() {
    FlatbufferReader in = new Sample().reader();
    int root = in.root();
    assertArrayEquals(new int[] {1, -2, 3}, in.ints(in.vector(root, INTS)));
    assertEquals(3, in.length(in.vector(root, INTS)));
    assertEquals("héllo", in.string(root, TEXT));
    int tables = in.vector(root, TABLES);
    assertEquals(1, in.length(tables));
    assertEquals(42, in.int32(in.element(tables, 0), 0, -1));
  }

  @Test
  void readsFloatAndLongVectors() {
    Flat flat = new Flat();
    int vtable = flat.vtable(12, 4, 8);
    int root = flat.table(vtable, 12);
    flat.offset(0, root);
    flat.offset(root + 4, flat.floats(1.5f, -2.25f));
    flat.offset(root + 8, flat.longs(Long.MIN_VALUE, 7));
    FlatbufferReader in = new FlatbufferReader(flat.done());
    assertArrayEquals(new float[] {1.5f, -2.25f}, in.floats(in.vector(in.root(), 0)));
    assertArrayEquals(new long[] {Long.MIN_VALUE, 7}, in.longs(in.vector(in.root(), 1)));
  }

  /** A zero slot in the vtable, a slot past its end, and the absent table 0 all read as absent. */
  @Test
  void absentFieldsReadAsTheirDefaults() {
    FlatbufferReader in = new Sample().reader();
    int root = in.root();
    for (int field : new int[] {ABSENT, BEYOND_VTABLE}) {
      assertEquals(0, in.field(root, field));
      assertEquals(0, in.table(root, field));
      assertEquals(0, in.vector(root, field));
      assertEquals(7, in.int8(root, field, 7));
      assertEquals(0, in.uint8(root, field));
      assertEquals(-1, in.int32(root, field, -1));
      assertEquals(0, in.uint32(root, field));
      assertEquals(0, in.uint64(root, field));
      assertNull(in.string(root, field));
    }
    assertEquals(0, in.field(0, INT));
    assertEquals(0, in.length(0));
    assertArrayEquals(new int[0], in.ints(0));
    assertArrayEquals(new float[0], in.floats(0));
    assertArrayEquals(new long[0], in.longs(0));
  }

  /** Positions count from the buffer's position, not from the start of its backing memory. */
  @Test
  void readsFromTheBuffersPosition() {
    ByteBuffer sample = new Sample().flat.done();
    ByteBuffer shifted = ByteBuffer.allocate(sample.limit() + 12);
    shifted.position(12);
    shifted.put(sample.duplicate());
    shifted.position(12);
    FlatbufferReader in = new FlatbufferReader(shifted);
    assertEquals("héllo", in.string(in.root(), TEXT));
    assertEquals(12, shifted.position());
  }

  @Test
  void anOffsetAtOrPastTheEndIsOutOfBounds() {
    ByteBuffer bytes = new Sample().flat.done();
    bytes.putInt(0, bytes.limit());
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
        () -> new FlatbufferReader(bytes).root());
    assertEquals("offset " + bytes.limit(), e.getMessage());
  }

  @Test
  void aNegativeOrOversizedVectorLengthIsOutOfBounds() {
    Sample sample = new Sample();
    ByteBuffer bytes = sample.flat.done();
    FlatbufferReader in = new FlatbufferReader(bytes);
    int vector = in.vector(in.root(), INTS);
    bytes.putInt(vector, -1);
    assertEquals("vector of -1", assertThrows(IndexOutOfBoundsException.class, () -> in.ints(vector)).getMessage());
    bytes.putInt(vector, bytes.limit() + 1);
    assertEquals("vector of " + (bytes.limit() + 1),
        assertThrows(IndexOutOfBoundsException.class, () -> in.length(vector)).getMessage());
  }

  /** A string whose length stays within the file but runs past its end. */
  @Test
  void aStringRunningPastTheEndIsOutOfBounds() {
    Sample sample = new Sample();
    ByteBuffer bytes = sample.flat.done();
    FlatbufferReader in = new FlatbufferReader(bytes);
    int text = in.table(in.root(), TEXT);
    bytes.putInt(text, bytes.limit() - text);
    assertThrows(IndexOutOfBoundsException.class, () -> in.string(in.root(), TEXT));
  }

  /** A table whose vtable offset points before the start of the bytes. */
  @Test
  void aVtableOutsideTheBytesIsOutOfBounds() {
    Sample sample = new Sample();
    ByteBuffer bytes = sample.flat.done();
    bytes.putInt(sample.root, sample.root + 4);
    FlatbufferReader in = new FlatbufferReader(bytes);
    assertThrows(IndexOutOfBoundsException.class, () -> in.int32(in.root(), INT, 0));
  }
}
