package io.litemodel.batch;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.FloatPointer;

/**
 * One batch's native memory (input and output rows) and its bookkeeping. Slot views are created once here, so
 * filling and reading a slot allocates nothing. Owned by a {@link BufferRing}, which frees it.
 */
final class BatchBuffer {
  final int capacity;
  final FloatBuffer input;
  final FloatBuffer output;
  final FloatBuffer[] inputSlots;
  final FloatBuffer[] outputSlots;
  final Object[] items;
  final Exception[] errors;
  /** Slots still being preprocessed; the thread that brings it to zero publishes the batch. */
  final AtomicInteger pending = new AtomicInteger();
  private final FloatPointer inputMemory;
  private final FloatPointer outputMemory;

  long batchIndex;
  long firstItem;
  /** Slots claimed so far; written only under the claim lock. */
  int claimed;
  /** Rows in this batch, set when it is sealed (full, or the last partial batch). */
  int count;

  /**
   * Allocates and zero-fills both memories. Zeroing once here means a slot that a preprocessor left partly unwritten
   * (see {@link Preprocessor}) holds zeros or an earlier item's values, never uninitialized malloc memory (NaN or
   * denormal bit patterns that would slow the model down).
   *
   * @throws OutOfMemoryError if either memory cannot be allocated; nothing stays allocated then
   */
  BatchBuffer(int capacity, int inputRow, int outputRow) {
    this.capacity = capacity;
    // JavaCPP memory rather than ByteBuffer.allocateDirect: it can be freed explicitly on close(), instead of
    // whenever the garbage collector gets to a direct buffer.
    FloatPointer in = new FloatPointer((long) capacity * inputRow);
    FloatPointer out = null;
    boolean allocated = false;
    try {
      out = new FloatPointer((long) capacity * outputRow);
      in.zero();
      out.zero();
      allocated = true;
    } finally {
      if (!allocated) { // the ring never receives this buffer, so nobody else would free its memory
        in.close();
        if (out != null) {
          out.close();
        }
      }
    }
    this.inputMemory = in;
    this.outputMemory = out;
    this.input = inputMemory.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
    this.output = outputMemory.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
    this.inputSlots = new FloatBuffer[capacity];
    this.outputSlots = new FloatBuffer[capacity];
    for (int k = 0; k < capacity; k++) {
      inputSlots[k] = input.slice(k * inputRow, inputRow);
      outputSlots[k] = output.slice(k * outputRow, outputRow);
    }
    this.items = new Object[capacity];
    this.errors = new Exception[capacity];
  }

  /** Prepares the buffer for batch {@code batchIndex}, whose first item has source index {@code firstItem}. */
  void reset(long batchIndex, long firstItem) {
    this.batchIndex = batchIndex;
    this.firstItem = firstItem;
    this.claimed = 0;
    this.count = 0;
    pending.set(capacity);
  }

  /** Drops item references so recycled buffers do not keep items alive. */
  void clearItems() {
    Arrays.fill(items, null);
    Arrays.fill(errors, null);
  }

  void free() {
    inputMemory.close();
    outputMemory.close();
  }
}
