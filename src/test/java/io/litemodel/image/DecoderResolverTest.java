package io.litemodel.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.BuildVersions;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

class DecoderResolverTest {
  /** Stands in for OpenCV's jar without natives: initializing it fails as JavaCPP's Loader.load would. */
  static final class NoNatives {
    static {
      fail();
    }

    private static void fail() {
      throw new UnsatisfiedLinkError("no jniopencv_imgcodecs in java.library.path");
    }

    private NoNatives() {}
  }

  private static final DecoderResolver MISSING = new DecoderResolver("org.bytedeco.opencv.NoSuchClass");
  private static final DecoderResolver NO_NATIVES = new DecoderResolver(NoNatives.class.getName());

  @Test
  void withOpenCvAutoAndOpenCvGiveOpenCv() {
    assertEquals(DecoderKind.OPENCV, DecoderResolver.DEFAULT.resolve(DecoderKind.AUTO));
    assertEquals(DecoderKind.OPENCV, DecoderResolver.DEFAULT.resolve(DecoderKind.OPENCV));
    assertEquals(DecoderKind.IMAGEIO, DecoderResolver.DEFAULT.resolve(DecoderKind.IMAGEIO));
  }

  @Test
  void withoutOpenCvAutoFallsBackToImageIo() {
    assertEquals(DecoderKind.IMAGEIO, MISSING.resolve(DecoderKind.AUTO));
    assertEquals(DecoderKind.IMAGEIO, MISSING.resolve(DecoderKind.IMAGEIO));
    assertEquals(DecoderKind.IMAGEIO, NO_NATIVES.resolve(DecoderKind.AUTO));
  }

  @Test
  void explicitOpenCvWithoutItNamesTheDependencyToAdd() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> MISSING.resolve(DecoderKind.OPENCV));
    assertTrue(e.getMessage().startsWith("OpenCV image decoding needs org.bytedeco:opencv-platform:"
        + BuildVersions.openCvArtifact() + " on the classpath (with -Djavacpp.platform=<os-arch>"), e.getMessage());
    assertTrue(e.getMessage().contains("org.bytedeco.opencv.NoSuchClass"), e.getMessage());
    assertInstanceOf(ClassNotFoundException.class, e.getCause());
  }

  @Test
  void explicitOpenCvWithoutNativesSaysWhy() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> NO_NATIVES.resolve(DecoderKind.OPENCV));
    assertTrue(e.getMessage().contains(OpenCvImageDecoder.DEPENDENCY), e.getMessage());
    // First attempt: the initializer's own error; later ones: NoClassDefFoundError. Both are LinkageErrors.
    assertInstanceOf(LinkageError.class, e.getCause());
    assertInstanceOf(LinkageError.class, assertThrows(IllegalStateException.class,
        () -> NO_NATIVES.resolve(DecoderKind.OPENCV)).getCause());
  }

  @Test
  void dependencyIsTheOpenCvVersionOnTheTestClasspath() throws Exception {
    // The test classpath has org.bytedeco:opencv at pom.xml's opencv.version; its Maven metadata names that version.
    assertEquals("org.bytedeco:opencv-platform:" + Loader.getVersion("org.bytedeco", "opencv"),
        OpenCvImageDecoder.DEPENDENCY);
  }
}
