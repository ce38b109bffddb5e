package io.litemodel.internal.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class StridedSliceShapeTest {
  private static int[] options(int beginMask, int endMask, int shrinkMask) {
    return new int[] {beginMask, endMask, 0, 0, shrinkMask, 0};
  }

  @Test
  void negativeBeginCountsFromTheEndAndIsClampedToTheDimension() {
    // okay_nabu's stream slices: keep the last 8 of 9 rows; with begin -12 the clamp keeps all 9.
    long[] end = {0, 0, 0, 64};
    long[] strides = {1, 1, 1, 1};
    assertArrayEquals(new int[] {1, 8, 1, 64},
        StridedSliceShape.of(new int[] {1, 9, 1, 64}, new long[] {0, -8, 0, 0}, end, strides, options(13, 15, 0)));
    assertArrayEquals(new int[] {1, 9, 1, 64},
        StridedSliceShape.of(new int[] {1, 9, 1, 64}, new long[] {0, -12, 0, 0}, end, strides, options(13, 15, 0)));
  }

  @Test
  void shrinkDropsTheAxisAndStridesRoundUp() {
    assertArrayEquals(new int[0],
        StridedSliceShape.of(new int[] {3}, new long[] {0}, new long[] {1}, new long[] {1}, options(0, 0, 1)));
    assertArrayEquals(new int[] {4, 2},
        StridedSliceShape.of(new int[] {4, 5}, new long[] {0, 1}, new long[] {4, 5}, new long[] {1, 3},
            options(0, 0, 0)));
    assertArrayEquals(new int[] {5},
        StridedSliceShape.of(new int[] {5}, new long[] {-1}, new long[] {0}, new long[] {-1}, options(0, 1, 0)));
  }

  @Test
  void dimensionsPastTheParametersAreKeptWhole() {
    assertArrayEquals(new int[] {2, 7},
        StridedSliceShape.of(new int[] {6, 7}, new long[] {1}, new long[] {3}, new long[] {1}, options(0, 0, 0)));
  }

  @Test
  void casesLeftToTheKernelGiveNoShape() {
    int[] ellipsis = {0, 0, 1, 0, 0, 0};
    assertNull(StridedSliceShape.of(new int[] {4}, new long[] {0}, new long[] {4}, new long[] {1}, ellipsis));
    assertNull(StridedSliceShape.of(new int[] {4}, new long[] {0}, new long[] {4}, new long[] {0}, options(0, 0, 0)));
    assertNull(StridedSliceShape.of(new int[] {4}, new long[] {0, 0}, new long[] {4, 4}, new long[] {1, 1},
        options(0, 0, 0)));
    assertNull(StridedSliceShape.of(new int[] {4}, new long[] {0}, new long[] {4294967297L}, new long[] {1},
        options(0, 0, 0)), "a value the kernel's 32-bit arithmetic would narrow");
  }

  /** A begin past the end in the stride's direction is an empty slice, as the kernel computes it: ceil(-1/2) = 0. */
  @Test
  void aSliceThatEndsBeforeItBeginsIsEmpty() {
    assertArrayEquals(new int[] {0},
        StridedSliceShape.of(new int[] {4}, new long[] {3}, new long[] {2}, new long[] {2}, options(0, 0, 0)));
    assertArrayEquals(new int[] {0},
        StridedSliceShape.of(new int[] {4}, new long[] {1}, new long[] {2}, new long[] {-2}, options(0, 0, 0)));
    assertArrayEquals(new int[] {2},
        StridedSliceShape.of(new int[] {4}, new long[] {3}, new long[] {0}, new long[] {-2}, options(0, 0, 0)));
  }
}
