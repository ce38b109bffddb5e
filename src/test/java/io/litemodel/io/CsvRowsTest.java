package io.litemodel.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class CsvRowsTest {
  @Test
  void parsesNumbersWithSpaces() {
    FloatBuffer row = FloatBuffer.allocate(3);
    CsvRows.parse(" 1.5, -2e3 ,NaN", row);
    assertArrayEquals(new float[] {1.5f, -2000f, Float.NaN}, row.array());
  }

  @Test
  void reportsWrongLengthAndBadNumbers() {
    FloatBuffer row = FloatBuffer.allocate(3);
    assertEquals("expected 3 values, found 2",
        assertThrows(IllegalArgumentException.class, () -> CsvRows.parse("1,2", row)).getMessage());
    assertEquals("expected 3 values, found more",
        assertThrows(IllegalArgumentException.class, () -> CsvRows.parse("1,2,3,4", row)).getMessage());
    assertEquals("value 2 ('x') is not a number",
        assertThrows(IllegalArgumentException.class, () -> CsvRows.parse("1,x,3", row)).getMessage());
  }

  @Test
  void detectsHeaders() {
    assertTrue(CsvRows.isNumeric("1,2.5,-3"));
    assertFalse(CsvRows.isNumeric("a,b,c"));
  }
}
