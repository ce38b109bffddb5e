package io.litemodel.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NormalizationTest {
  private static float apply(Normalization n, int channel, int value) {
    return value * n.scale(channel) + n.offset(channel);
  }

  @Test
  void presetsMapTheEndsOfTheByteRange() {
    for (int c = 0; c < 3; c++) {
      assertEquals(0f, apply(Normalization.unit(), c, 0));
      assertEquals(1f, apply(Normalization.unit(), c, 255), 1e-6f);
      assertEquals(-1f, apply(Normalization.symmetric(), c, 0));
      assertEquals(1f, apply(Normalization.symmetric(), c, 255), 1e-6f);
      assertEquals(200f, apply(Normalization.raw(), c, 200));
    }
  }

  @Test
  void meanStdStandardizesEachChannelOfUnitValues() {
    float[] mean = {0.485f, 0.456f, 0.406f};
    float[] std = {0.229f, 0.224f, 0.225f};
    Normalization n = Normalization.meanStd(mean, std);
    for (int c = 0; c < 3; c++) {
      for (int v : new int[] {0, 17, 128, 255}) {
        assertEquals((v / 255f - mean[c]) / std[c], apply(n, c, v), 1e-5f, "channel " + c + " value " + v);
      }
    }
  }

  @Test
  void imagenetIsTorchvisionsMeanAndStd() {
    float[] mean = {0.485f, 0.456f, 0.406f};
    float[] std = {0.229f, 0.224f, 0.225f};
    for (int c = 0; c < 3; c++) {
      assertEquals(-mean[c] / std[c], apply(Normalization.imagenet(), c, 0), 1e-6f);
      assertEquals((1 - mean[c]) / std[c], apply(Normalization.imagenet(), c, 255), 1e-5f);
    }
  }

  @Test
  void parsesEveryCommandLineSpelling() {
    assertSame(Normalization.unit(), Normalization.parse("unit"));
    assertSame(Normalization.symmetric(), Normalization.parse("symmetric"));
    assertSame(Normalization.raw(), Normalization.parse("raw"));
    assertSame(Normalization.imagenet(), Normalization.parse("imagenet"));
    Normalization n = Normalization.parse("meanstd:0.5, 0.25,0:0.5,0.5, 2");
    assertEquals(-1f, apply(n, 0, 0), 1e-6f); // (0 - 0.5) / 0.5
    assertEquals(-0.5f, apply(n, 1, 0), 1e-6f);
    assertEquals(0.5f, apply(n, 2, 255), 1e-6f);
    assertTrue(n.toString().startsWith("mean [0.5, 0.25, 0.0] std [0.5, 0.5, 2.0]"), n.toString());
    assertEquals("[-1,1]", Normalization.symmetric().toString());
  }

  @Test
  void rejectsWhatItCannotUseWithClearMessages() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> Normalization.parse("bright"));
    assertTrue(error.getMessage().contains("unknown normalization 'bright'"), error.getMessage());
    error = assertThrows(IllegalArgumentException.class, () -> Normalization.parse("meanstd:0.5,x,0:1,1,1"));
    assertTrue(error.getMessage().contains("bad number"), error.getMessage());
    error = assertThrows(IllegalArgumentException.class, () -> Normalization.parse("meanstd:0.5,0.5:1,1,1"));
    assertTrue(error.getMessage().contains("three values each"), error.getMessage());
    error = assertThrows(IllegalArgumentException.class,
        () -> Normalization.meanStd(new float[] {0, 0, 0}, new float[] {1, 0, 1}));
    assertTrue(error.getMessage().contains("std must be positive"), error.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Normalization.meanStd(new float[] {0, Float.NaN, 0}, new float[] {1, 1, 1}));
    assertThrows(IllegalArgumentException.class, () -> Normalization.meanStd(null, new float[] {1, 1, 1}));
  }
}
