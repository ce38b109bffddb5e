package io.litemodel.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyArrayTest {
  @TempDir
  Path dir;

  @Test
  void readsNumpyWrittenFloat32AndInt8() throws Exception {
    NpyArray floats = NpyArray.open(Path.of("models/seed_mlp.golden.input.npy"));
    assertEquals(NpyArray.Type.FLOAT32, floats.type());
    assertArrayEquals(new long[] {8, 256}, floats.shape());
    NpyArray int8 = NpyArray.open(Path.of("models/seed_mlp_int8.golden.input_int8.npy"));
    assertEquals(NpyArray.Type.INT8, int8.type());
    FloatBuffer row = FloatBuffer.allocate(int8.rowElements());
    int8.readRow(0, row);
    for (int i = 0; i < row.limit(); i++) {
      float value = row.get(i);
      assertTrue(value >= -128 && value <= 127 && value == Math.rint(value));
    }
  }

  @Test
  void writerRoundTripsAndPatchesTheRowCount() throws Exception {
    Path file = dir.resolve("x.npy");
    try (NpyWriter writer = new NpyWriter(file, 2, 3)) {
      writer.write(new float[] {1, 2, 3, 4, 5, 6});
      writer.write(FloatBuffer.wrap(new float[] {9, 7, 8, 6, 5, 4, 3, 2}, 1, 6));
      writer.writeNaN();
    }
    byte[] bytes = Files.readAllBytes(file);
    assertEquals(128 + 3 * 6 * 4, bytes.length);
    String header = new String(bytes, 10, 118, java.nio.charset.StandardCharsets.US_ASCII);
    assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2, 3), }"), header);
    assertTrue(header.endsWith("\n"));
    NpyArray array = NpyArray.open(file);
    assertArrayEquals(new long[] {3, 2, 3}, array.shape());
    FloatBuffer row = FloatBuffer.allocate(6);
    array.readRow(1, row);
    assertArrayEquals(new float[] {7, 8, 6, 5, 4, 3}, row.array());
    array.readRow(2, row);
    assertTrue(Float.isNaN(row.get(5)));
  }

  @Test
  void rejectsWhatItCannotRead() throws Exception {
    Path text = Files.writeString(dir.resolve("a.npy"), "hello world, not numpy");
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> NpyArray.open(text));
    assertTrue(error.getMessage().contains("not a .npy file"), error.getMessage());
    Path file = dir.resolve("t.npy");
    try (NpyWriter writer = new NpyWriter(file, 4)) {
      writer.write(new float[] {1, 2, 3, 4});
    }
    byte[] bytes = Files.readAllBytes(file);
    Path truncated = Files.write(dir.resolve("short.npy"), java.util.Arrays.copyOf(bytes, bytes.length - 1));
    error = assertThrows(IllegalArgumentException.class, () -> NpyArray.open(truncated));
    assertTrue(error.getMessage().contains("truncated"), error.getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> NpyArray.open(file).readRow(1, FloatBuffer.allocate(4)));
  }

  /** A version 1.0 .npy file with the given header dictionary and data bytes. */
  private Path npy(String name, String dict, int dataBytes) throws Exception {
    StringBuilder text = new StringBuilder(dict);
    while ((10 + text.length() + 1) % 64 != 0) {
      text.append(' ');
    }
    text.append('\n');
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(10 + text.length() + dataBytes)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    bytes.put((byte) 0x93).put("NUMPY".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 1)
        .put((byte) 0).putShort((short) text.length())
        .put(text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return Files.write(dir.resolve(name), bytes.array());
  }

  @Test
  void rejectsNegativeAndOverflowingDimensions() throws Exception {
    Path negative = npy("neg.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (-2, -4), }", 32);
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> NpyArray.open(negative));
    assertTrue(error.getMessage().contains("negative dimension"), error.getMessage());
    // 2^32 * 2^32 elements: the product overflows a long (it used to wrap around to 0 and pass the size check).
    Path huge = npy("huge.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 0);
    error = assertThrows(IllegalArgumentException.class, () -> NpyArray.open(huge));
    assertTrue(error.getMessage().contains("too large"), error.getMessage());
    Path big = npy("big.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (1152921504606846976,), }", 0);
    error = assertThrows(IllegalArgumentException.class, () -> NpyArray.open(big));
    assertTrue(error.getMessage().contains("too large"), error.getMessage());
    // No rows, but rows whose length wraps around to -1: it used to open with rowElements() -1, and toMatrix threw
    // NegativeArraySizeException.
    Path empty = npy("wrap.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 6148914691236517205, 3), }",
        0);
    error = assertThrows(IllegalArgumentException.class, () -> NpyArray.open(empty));
    assertEquals(empty + " has shape [0, 6148914691236517205, 3], too large to address", error.getMessage());
  }

  @Test
  void readsOneDimensionalArraysAsRowsOfOne() throws Exception {
    Path file = npy("v.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 12);
    byte[] bytes = Files.readAllBytes(file);
    java.nio.ByteBuffer.wrap(bytes, bytes.length - 12, 12).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putFloat(1.5f).putFloat(-2f).putFloat(7f);
    Files.write(file, bytes);
    NpyArray array = NpyArray.open(file);
    assertEquals(3, array.rows());
    assertEquals(1, array.rowElements());
    FloatBuffer row = FloatBuffer.allocate(1);
    array.readRow(1, row);
    assertEquals(-2f, row.get(0));
  }

  @Test
  void writerRejectsAnUnfittableShapeWithoutTouchingTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("keep.npy"), "precious");
    int[] manyDims = new int[40]; // 40 dimensions of 1: "(N, 1, 1, ...)" is longer than the 118-byte header text
    java.util.Arrays.fill(manyDims, 1);
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new NpyWriter(file, manyDims));
    assertTrue(error.getMessage().contains("does not fit the header"), error.getMessage());
    assertEquals("precious", Files.readString(file));
    Path fresh = dir.resolve("fresh.npy");
    assertThrows(IllegalArgumentException.class, () -> new NpyWriter(fresh, manyDims));
    assertTrue(Files.notExists(fresh));
    assertThrows(IllegalArgumentException.class, () -> new NpyWriter(fresh, 65536, 65536));
    assertTrue(Files.notExists(fresh));
  }

  @Test
  void writerHeaderCountsEveryRowAsItLands() throws Exception {
    Path file = dir.resolve("live.npy");
    try (NpyWriter writer = new NpyWriter(file, 3)) {
      for (int r = 0; r < 12; r++) { // past 9, so the count gains a digit
        writer.write(new float[] {r, r, r});
        NpyArray now = NpyArray.open(file); // what a process killed right now would leave
        assertEquals(r + 1, now.rows());
        FloatBuffer row = FloatBuffer.allocate(3);
        now.readRow(r, row);
        assertEquals(r, row.get(2));
      }
    }
  }

  @Test
  void repairKeepsTheWholeRowsOfACutFile() throws Exception {
    Path file = dir.resolve("cut.npy");
    try (NpyWriter writer = new NpyWriter(file, 2, 2)) {
      for (int r = 0; r < 5; r++) {
        writer.write(new float[] {r, r, r, r});
      }
    }
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, 128 + 16 * 3 + 5)); // 3 rows and a piece of the 4th
    assertEquals(3, NpyWriter.repair(file));
    NpyArray array = NpyArray.open(file);
    assertArrayEquals(new long[] {3, 2, 2}, array.shape());
    assertEquals(128 + 16 * 3, Files.size(file));
    Path other = Files.write(dir.resolve("other.npy"), bytes, java.nio.file.StandardOpenOption.CREATE_NEW);
    Files.write(other, "{'descr': '<i4'".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        java.nio.file.StandardOpenOption.WRITE); // no longer this writer's header
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> NpyWriter.repair(other));
    assertTrue(error.getMessage().contains("does not start with an NpyWriter float32 header"), error.getMessage());
  }
}
