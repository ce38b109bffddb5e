package io.litemodel.image;

import java.util.Arrays;
import java.util.Locale;

/**
 * How 8-bit channel values become model inputs: {@code out = v * scale[c] + offset[c]} per RGB channel, with
 * {@code v} in 0..255. Immutable.
 */
public final class Normalization {
  private static final Normalization UNIT = new Normalization("[0,1]", fill(1f / 255f), fill(0f));
  private static final Normalization SYMMETRIC = new Normalization("[-1,1]", fill(2f / 255f), fill(-1f));
  private static final Normalization RAW = new Normalization("[0,255]", fill(1f), fill(0f));
  private static final Normalization IMAGENET = meanStd(new float[] {0.485f, 0.456f, 0.406f},
      new float[] {0.229f, 0.224f, 0.225f});

  private final String name;
  private final float[] scale;
  private final float[] offset;

  private Normalization(String name, float[] scale, float[] offset) {
    this.name = name;
    this.scale = scale;
    this.offset = offset;
  }

  private static float[] fill(float value) {
    float[] values = new float[3];
    Arrays.fill(values, value);
    return values;
  }

  /** @return values in [0, 1]: {@code v / 255} */
  public static Normalization unit() {
    return UNIT;
  }

  /** @return values in [-1, 1]: {@code v / 127.5 - 1} (what Keras' MobileNet preprocessing does) */
  public static Normalization symmetric() {
    return SYMMETRIC;
  }

  /** @return the raw values 0..255 as floats */
  public static Normalization raw() {
    return RAW;
  }

  /** @return {@link #meanStd} with ImageNet's mean {0.485, 0.456, 0.406} and std {0.229, 0.224, 0.225} */
  public static Normalization imagenet() {
    return IMAGENET;
  }

  /**
   * Per-channel standardization of values first scaled to [0, 1]: {@code (v / 255 - mean[c]) / std[c]}, the
   * torchvision convention (for ImageNet: mean {0.485, 0.456, 0.406}, std {0.229, 0.224, 0.225}).
   *
   * @param mean three means, R G B
   * @param std three standard deviations, R G B, each positive
   */
  public static Normalization meanStd(float[] mean, float[] std) {
    if (mean == null || std == null || mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need three values each (R, G, B), given "
          + Arrays.toString(mean) + " and " + Arrays.toString(std));
    }
    float[] scale = new float[3];
    float[] offset = new float[3];
    for (int c = 0; c < 3; c++) {
      if (!(std[c] > 0) || !Float.isFinite(mean[c])) {
        throw new IllegalArgumentException("std must be positive and mean finite, given mean "
            + Arrays.toString(mean) + ", std " + Arrays.toString(std));
      }
      scale[c] = 1f / (255f * std[c]);
      offset[c] = -mean[c] / std[c];
    }
    return new Normalization(String.format(Locale.ROOT, "mean %s std %s", Arrays.toString(mean),
        Arrays.toString(std)), scale, offset);
  }

  /**
   * Parses a command-line spelling (the converter's {@code --preprocess} records the same ones in a model's sidecar):
   * {@code unit}, {@code symmetric}, {@code raw}, {@code imagenet}, or {@code meanstd:R,G,B:R,G,B}.
   *
   * @throws IllegalArgumentException if the text is none of those
   */
  public static Normalization parse(String text) {
    switch (text) {
      case "unit":
        return unit();
      case "symmetric":
        return symmetric();
      case "raw":
        return raw();
      case "imagenet":
        return imagenet();
      default:
        break;
    }
    String[] parts = text.split(":");
    if (parts.length == 3 && parts[0].equals("meanstd")) {
      return meanStd(floats(parts[1], text), floats(parts[2], text));
    }
    throw new IllegalArgumentException("unknown normalization '" + text
        + "'; use unit, symmetric, raw, imagenet or meanstd:R,G,B:R,G,B");
  }

  private static float[] floats(String list, String text) {
    String[] items = list.split(",");
    float[] values = new float[items.length];
    try {
      for (int i = 0; i < items.length; i++) {
        values[i] = Float.parseFloat(items[i].trim());
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad number in normalization '" + text + "': " + e.getMessage(), e);
    }
    return values;
  }

  /** @return the multiplier for channel {@code c} (0 R, 1 G, 2 B) */
  public float scale(int c) {
    return scale[c];
  }

  /** @return the offset for channel {@code c} (0 R, 1 G, 2 B) */
  public float offset(int c) {
    return offset[c];
  }

  /** @return true when every channel has the same scale and offset (then one multiply-add serves all three) */
  boolean uniform() {
    return scale[0] == scale[1] && scale[1] == scale[2] && offset[0] == offset[1] && offset[1] == offset[2];
  }

  @Override
  public String toString() {
    return name;
  }
}
