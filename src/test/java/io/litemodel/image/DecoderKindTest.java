package io.litemodel.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DecoderKindTest {
  @Test
  void parsesEachSpellingCaseInsensitively() {
    assertEquals(DecoderKind.AUTO, DecoderKind.parse("auto"));
    assertEquals(DecoderKind.IMAGEIO, DecoderKind.parse("imageio"));
    assertEquals(DecoderKind.OPENCV, DecoderKind.parse("OpenCV"));
  }

  @Test
  void unknownSpellingNamesTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DecoderKind.parse("turbo"));
    assertEquals("unknown decoder 'turbo'; use auto, imageio or opencv", e.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> DecoderKind.parse("")).getMessage()
        .contains("''"));
  }
}
