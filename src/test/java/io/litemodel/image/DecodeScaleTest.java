package io.litemodel.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DecodeScaleTest {
  @Test
  void exactAlwaysDecodesAtFullSize() {
    assertEquals(1, DecodeScale.EXACT.reduction(4000, 4000, 224, 224));
  }

  @Test
  void autoPicksTheLargestReductionStillAtLeastTheModelInput() {
    assertEquals(2, DecodeScale.AUTO.reduction(450, 450, 224, 224)); // 225 >= 224; 113 is not
    assertEquals(4, DecodeScale.AUTO.reduction(1024, 1024, 256, 256));
    assertEquals(8, DecodeScale.AUTO.reduction(2048, 3000, 256, 256));
    assertEquals(4, DecodeScale.AUTO.reduction(1000, 1000, 128, 128)); // 1000/8 rounds up to 125 < 128
    assertEquals(4, DecodeScale.AUTO.reduction(900, 1800, 224, 224)); // both sides count: 225 and 450
    assertEquals(1, DecodeScale.AUTO.reduction(100, 100, 224, 224)); // smaller than the input: full size
  }

  @Test
  void libjpegRoundsTheReducedSizeUp() {
    // 447 / 2 is 223.5, which libjpeg's scaled decoding rounds up to 224: still enough.
    assertEquals(2, DecodeScale.AUTO.reduction(447, 447, 224, 224));
    assertEquals(1, DecodeScale.AUTO.reduction(446, 447, 224, 224));
  }

  @Test
  void parsesEitherCase() {
    assertEquals(DecodeScale.AUTO, DecodeScale.parse("auto"));
    assertEquals(DecodeScale.EXACT, DecodeScale.parse("EXACT"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DecodeScale.parse("half"));
    assertEquals("unknown decode scale 'half'; use exact or auto", e.getMessage());
  }
}
