package io.litemodel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** TensorSpec is an immutable value. */
class TensorSpecTest {

  @Test
  void copiesItsArraysAndDescribesItself() {
    int[] shape = {1, 256};
    int[] signature = {-1, 256};
    TensorSpec spec = new TensorSpec(0, "input", "serving_default_input:0", shape, signature, DataType.INT8, 0.5f, -3,
        256);
    shape[1] = 7;
    spec.shape()[1] = 9;
    assertArrayEquals(new int[] {1, 256}, spec.shape());
    assertArrayEquals(new int[] {-1, 256}, spec.shapeSignature());
    assertEquals(256, spec.elementCount());
    assertTrue(spec.hasDynamicBatch());
    assertTrue(spec.isQuantized());
    assertEquals("input INT8[-1, 256] q(scale=0.5, zero=-3)", spec.toString());
    TensorSpec plain = new TensorSpec(1, "x", "x", new int[] {4}, new int[] {4}, DataType.FLOAT32, 0f, 0, 16);
    assertFalse(plain.isQuantized());
    assertFalse(plain.hasDynamicBatch());
    assertEquals("x FLOAT32[4]", plain.toString());
  }
}
