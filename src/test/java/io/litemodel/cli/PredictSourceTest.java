package io.litemodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.batch.Preprocessor;
import io.litemodel.io.NpyArray;
import io.litemodel.io.NpyWriter;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictSourceTest {
  @TempDir
  Path dir;

  private NpyArray write(String name, int[] rowShape, float[]... rows) throws Exception {
    Path file = dir.resolve(name);
    try (NpyWriter writer = new NpyWriter(file, rowShape)) {
      for (float[] row : rows) {
        writer.write(row);
      }
    }
    return NpyArray.open(file);
  }

  @Test
  void oneDimensionalNpyFeedsAModelWithOneValuePerRow() throws Exception {
    NpyArray vector = write("v.npy", new int[0], new float[] {4f}, new float[] {-1f}, new float[] {9f});
    assertEquals(1, vector.shape().length);
    PredictSource.Npy source = new PredictSource.Npy(vector, 1);
    assertEquals(3, source.count());
    Iterator<Long> items = source.items();
    Preprocessor<Long> preprocessor = source.preprocessors().get();
    FloatBuffer slot = FloatBuffer.allocate(1);
    items.next();
    preprocessor.write(items.next(), slot);
    assertEquals(-1f, slot.get(0));
    assertEquals("row 1", source.name(1L));
  }

  @Test
  void npyWhoseRowsDoNotMatchTheModelIsRejectedWithBothLengths() throws Exception {
    NpyArray vector = write("v.npy", new int[0], new float[] {4f}, new float[] {-1f});
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> new PredictSource.Npy(vector, 4));
    assertTrue(error.getMessage().contains("rows of 1 values; the model's input takes 4"), error.getMessage());
    NpyArray matrix = write("m.npy", new int[] {3}, new float[] {1, 2, 3});
    error = assertThrows(IllegalArgumentException.class, () -> new PredictSource.Npy(matrix, 1));
    assertTrue(error.getMessage().contains("rows of 3 values; the model's input takes 1"), error.getMessage());
  }
}
