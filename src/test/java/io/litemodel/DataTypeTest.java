package io.litemodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every TfLiteType code maps to the right type, and back. */
class DataTypeTest {

  @Test
  void codesMatchTheCApi() {
    // TfLiteType in tensorflow/lite/core/c/c_api_types.h
    assertEquals(DataType.FLOAT32, DataType.fromCode(1));
    assertEquals(DataType.INT32, DataType.fromCode(2));
    assertEquals(DataType.UINT8, DataType.fromCode(3));
    assertEquals(DataType.INT64, DataType.fromCode(4));
    assertEquals(DataType.STRING, DataType.fromCode(5));
    assertEquals(DataType.BOOL, DataType.fromCode(6));
    assertEquals(DataType.INT16, DataType.fromCode(7));
    assertEquals(DataType.INT8, DataType.fromCode(9));
    assertEquals(DataType.FLOAT16, DataType.fromCode(10));
    assertEquals(DataType.FLOAT64, DataType.fromCode(11));
    assertEquals(DataType.BFLOAT16, DataType.fromCode(19));
    for (DataType type : DataType.values()) {
      assertEquals(type, DataType.fromCode(type.code()));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataType.fromCode(99));
    assertEquals("unknown TfLiteType code 99", e.getMessage());
  }

  @Test
  void floatApiCoversFloatsAndQuantizedIntegers() {
    assertTrue(DataType.FLOAT32.isFloatConvertible());
    assertTrue(DataType.INT8.isFloatConvertible());
    assertFalse(DataType.INT32.isFloatConvertible());
    assertFalse(DataType.STRING.isFloatConvertible());
    assertEquals(2, DataType.FLOAT16.byteSize());
  }
}
