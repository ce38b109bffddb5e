package io.litemodel.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Half-precision conversion against values fixed by IEEE 754 binary16. */
class Float16Test {

  @Test
  void everyHalfValueRoundTrips() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float value = Float16.toFloat((short) bits);
      short back = Float16.fromFloat(value);
      if (Float.isNaN(value)) {
        assertTrue(Float.isNaN(Float16.toFloat(back)), Integer.toHexString(bits));
      } else {
        assertEquals((short) bits, back, "0x" + Integer.toHexString(bits) + " = " + value);
      }
    }
  }

  @Test
  void knownValues() {
    assertEquals(1.0f, Float16.toFloat((short) 0x3c00));
    assertEquals(-2.0f, Float16.toFloat((short) 0xc000));
    assertEquals(65504f, Float16.toFloat((short) 0x7bff)); // largest finite half
    assertEquals(0x1p-24f, Float16.toFloat((short) 0x0001)); // smallest subnormal
    assertEquals(Float.POSITIVE_INFINITY, Float16.toFloat((short) 0x7c00));
    assertEquals((short) 0x7c00, Float16.fromFloat(1e6f)); // overflow saturates to infinity
    assertEquals((short) 0x0000, Float16.fromFloat(1e-9f)); // underflow to zero
    assertEquals((short) 0x3c00, Float16.fromFloat(1.0f + 0x1p-12f)); // halfway: ties to even (down)
    assertEquals((short) 0x3c02, Float16.fromFloat(1.0f + 3 * 0x1p-11f)); // halfway: ties to even (up)
  }
}
