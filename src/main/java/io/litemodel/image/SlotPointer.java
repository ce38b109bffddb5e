package io.litemodel.image;

import java.nio.Buffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A pointer that can be moved to the memory of any direct buffer without allocating: {@link OpenCvResizer} keeps one
 * {@code Mat} header over it and moves it to each batch slot in turn, where {@code new BytePointer(buffer)} would
 * make a new pointer (and a deallocator) per image. It owns no memory.
 */
final class SlotPointer extends BytePointer {
  /** A null pointer until {@link #moveTo} is called. */
  SlotPointer() {
    super((Pointer) null);
  }

  /**
   * @param direct a direct buffer; the pointer moves to its first element (index 0, whatever its position)
   * @param bytes how many bytes from there the pointer may reach
   * @return this
   */
  SlotPointer moveTo(Buffer direct, long bytes) {
    address = getDirectBufferAddress(direct);
    position = 0;
    limit = bytes;
    capacity = bytes;
    return this;
  }
}
