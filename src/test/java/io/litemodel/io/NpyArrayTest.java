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
}
