package io.litemodel.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

class BatchBufferTest {
  @Test
  void startsZeroedWithOneViewPerSlot() {
    BatchBuffer buffer = new BatchBuffer(3, 4, 2);
    try {
      assertEquals(3, buffer.inputSlots.length);
      for (int slot = 0; slot < 3; slot++) {
        assertEquals(4, buffer.inputSlots[slot].limit());
        assertEquals(2, buffer.outputSlots[slot].limit());
      }
      for (int i = 0; i < 12; i++) {
        assertEquals(0f, buffer.input.get(i), "input " + i);
      }
      for (int i = 0; i < 6; i++) {
        assertEquals(0f, buffer.output.get(i), "output " + i);
      }
      buffer.inputSlots[1].put(0, 5f);
      assertEquals(5f, buffer.input.get(4)); // slot 1 starts at row 1 of the shared memory
    } finally {
      buffer.free();
    }
  }

  @Test
  void failedOutputAllocationFreesTheInputMemory() {
    long before = Pointer.totalBytes();
    long inputBytes = 2L * (1 << 20) * Float.BYTES;
    // 8 GiB of output: more than JavaCPP's limit in a test JVM (its default is the heap size), so it fails after the
    // input memory was allocated.
    assertThrows(OutOfMemoryError.class, () -> new BatchBuffer(2, 1 << 20, Integer.MAX_VALUE / 2));
    // Other tests' pointers may be freed meanwhile (JavaCPP's deallocator thread), so the total can only be
    // compared one way: had the input memory leaked, it would still be counted.
    long after = Pointer.totalBytes();
    assertTrue(after < before + inputBytes, "input memory still counted: " + before + " -> " + after);
  }
}
