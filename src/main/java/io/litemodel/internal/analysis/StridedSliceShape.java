package io.litemodel.internal.analysis;

import java.util.Arrays;

/**
 * The output shape a STRIDED_SLICE writes, worked out from the file alone as TensorFlow Lite's kernel works it out
 * ({@code strided_slice.cc}, {@code StartForAxis}/{@code StopForAxis} of {@code strided_slice_logic.h}): per
 * dimension, the begin and end (or the masks that replace them), negative indices counted from the end, clamped to
 * the dimension, then the count of strides between them.
 *
 * <p>Why: the built-in kernel sizes its output from this computation, but XNNPACK's slice writes it into the tensor
 * the file declares. In a mutant of the public model {@code okay_nabu} whose begin constants were swapped, a slice
 * declared {@code [1, 8, 1, 64]} produced {@code [1, 9, 1, 64]}; the result was assigned to a resource variable, so
 * the next invocation read a larger state and the delegated operators wrote past their buffers (heap corruption,
 * {@code munmap_chunk(): invalid pointer}).
 */
final class StridedSliceShape {
  private static final int BEGIN_MASK = 0;
  private static final int END_MASK = 1;
  private static final int ELLIPSIS_MASK = 2;
  private static final int NEW_AXIS_MASK = 3;
  private static final int SHRINK_AXIS_MASK = 4;
  private static final int OFFSET = 5;

  private StridedSliceShape() {}

  /**
   * @param input the sliced tensor's stored shape, static
   * @param begin the begin constant
   * @param end the end constant
   * @param strides the strides constant
   * @param options the operator's {@link ModelGraph.Operator#sliceOptions()}
   * @return the shape the kernel gives the output, or null when it cannot be told from the file here (ellipsis or
   *     new-axis masks, the offset form, parameters longer than the input's rank or of unequal lengths, a zero
   *     stride: cases the kernel itself rejects or that this check leaves to it)
   */
  static int[] of(int[] input, long[] begin, long[] end, long[] strides, int[] options) {
    if (options[ELLIPSIS_MASK] != 0 || options[NEW_AXIS_MASK] != 0 || options[OFFSET] != 0
        || begin.length != end.length || begin.length != strides.length || begin.length > input.length) {
      return null;
    }
    int[] output = new int[input.length];
    int rank = 0;
    for (int axis = 0; axis < input.length; axis++) {
      long size = input[axis];
      if (axis >= begin.length) {
        output[rank++] = input[axis]; // dimensions past the parameters are kept whole
        continue;
      }
      long stride = strides[axis];
      if (stride == 0 || !fitsInt(begin[axis]) || !fitsInt(end[axis]) || !fitsInt(stride)) {
        return null; // the kernel computes in 32 bits; leave what it would narrow or refuse to it
      }
      boolean shrink = (options[SHRINK_AXIS_MASK] & (1 << axis)) != 0;
      long start = size == 0 ? 0 : start(begin[axis], (options[BEGIN_MASK] & (1 << axis)) != 0, stride, size);
      long stop = size == 0 ? 0 : shrink ? start + 1
          : stop(end[axis], (options[END_MASK] & (1 << axis)) != 0, stride, size);
      long count = -Math.floorDiv(start - stop, stride); // ceil((stop - start) / stride), for either sign
      if (!shrink) {
        output[rank++] = (int) Math.max(0, count);
      }
    }
    return Arrays.copyOf(output, rank);
  }

  private static boolean fitsInt(long value) {
    return value == (int) value;
  }

  /** The begin of one axis: the mask replaces it by the first element in the stride's direction. */
  private static long start(long index, boolean masked, long stride, long size) {
    return clamp(masked ? (stride > 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE) : index, stride, size);
  }

  /** The end of one axis: the mask replaces it by one past the last element in the stride's direction. */
  private static long stop(long index, boolean masked, long stride, long size) {
    return clamp(masked ? (stride > 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE) : index, stride, size);
  }

  /** Negative indices count from the end; then [0, size] going forward, [-1, size - 1] going backward. */
  private static long clamp(long index, long stride, long size) {
    long position = index < 0 ? index + size : index;
    return stride > 0 ? Math.min(Math.max(position, 0), size) : Math.min(Math.max(position, -1), size - 1);
  }
}
