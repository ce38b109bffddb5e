package io.litemodel.image;

import java.util.Locale;

/**
 * Which library decodes image files for {@link ImagePreprocessor}.
 *
 * <p>OpenCV's {@code imdecode} is about twice as fast as ImageIO on JPEGs and allocates almost nothing on the Java
 * heap (see {@code benchmarks/throughput}); it needs {@link OpenCvImageDecoder#DEPENDENCY} on the classpath.
 */
public enum DecoderKind {
  /** The JDK's ImageIO ({@link ImageDecoder}): no dependency. */
  IMAGEIO,
  /** OpenCV {@code imdecode} through JavaCPP ({@link OpenCvImageDecoder}); fails early when OpenCV is missing. */
  OPENCV,
  /** OpenCV when its classes and natives load, else ImageIO: the default. */
  AUTO;

  /**
   * @return the decoder this kind means on this classpath: {@link #AUTO} becomes {@link #OPENCV} when OpenCV loads,
   *     else {@link #IMAGEIO}; the others stay as they are
   * @throws IllegalStateException if this is {@link #OPENCV} and OpenCV does not load (the message names the
   *     dependency to add)
   */
  public DecoderKind resolve() {
    return DecoderResolver.DEFAULT.resolve(this);
  }

  /**
   * Parses a command-line spelling, case-insensitively: {@code auto}, {@code imageio} or {@code opencv}.
   *
   * @throws IllegalArgumentException if the text is none of those
   */
  public static DecoderKind parse(String text) {
    for (DecoderKind kind : values()) {
      if (kind.name().equals(text.toUpperCase(Locale.ROOT))) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown decoder '" + text + "'; use auto, imageio or opencv");
  }
}
