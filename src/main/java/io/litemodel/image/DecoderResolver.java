package io.litemodel.image;

/**
 * Turns {@link DecoderKind#AUTO} into a concrete decoder and checks that {@link DecoderKind#OPENCV} can work, without
 * linking any OpenCV class unless OpenCV is there.
 *
 * <p>The probe initializes a class by name: its static initializer loads OpenCV's natives through JavaCPP, so the
 * probe fails both when the jar is missing and when the jar is there without natives for this platform (the usual
 * mistake: {@code org.bytedeco:opencv} without {@code opencv-platform}). The probe class name is a parameter so that
 * tests can point it at a class that does not exist, since the test classpath has OpenCV.
 */
final class DecoderResolver {
  /** Initializing it loads OpenCV's core, imgproc and imgcodecs natives. */
  static final String OPENCV_PROBE = "org.bytedeco.opencv.global.opencv_imgcodecs";
  static final DecoderResolver DEFAULT = new DecoderResolver(OPENCV_PROBE);

  private final String probeClass;

  DecoderResolver(String probeClass) {
    this.probeClass = probeClass;
  }

  /**
   * @return {@link DecoderKind#IMAGEIO} or {@link DecoderKind#OPENCV}, never {@link DecoderKind#AUTO}
   * @throws IllegalStateException if {@code kind} is OPENCV and OpenCV cannot load; the message names the
   *     dependency to add and the reason
   */
  DecoderKind resolve(DecoderKind kind) {
    java.util.Objects.requireNonNull(kind, "decoder kind");
    if (kind == DecoderKind.IMAGEIO) {
      return kind;
    }
    Throwable missing = probe();
    if (missing == null) {
      return DecoderKind.OPENCV;
    }
    if (kind == DecoderKind.AUTO) {
      return DecoderKind.IMAGEIO;
    }
    throw new IllegalStateException("OpenCV image decoding needs " + OpenCvImageDecoder.DEPENDENCY
        + " on the classpath (with -Djavacpp.platform=<os-arch> to keep one platform's natives), or choose the "
        + "ImageIO decoder; OpenCV did not load: " + missing, missing);
  }

  /** @return null when OpenCV loads, else why not */
  private Throwable probe() {
    try {
      Class.forName(probeClass, true, DecoderResolver.class.getClassLoader());
      return null;
    } catch (ClassNotFoundException | LinkageError e) {
      // LinkageError: NoClassDefFoundError (a dependency of the probe is missing), UnsatisfiedLinkError (no natives
      // for this platform), ExceptionInInitializerError.
      return e;
    }
  }
}
