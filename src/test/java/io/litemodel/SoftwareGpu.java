package io.litemodel;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The software Vulkan device (SwiftShader, from Debian's chromium-common, unpacked by cppbuild.sh) that the GPU tests
 * run LiteRT's GPU path on, and the switch that leaves those tests out.
 */
public final class SoftwareGpu {
  private SoftwareGpu() {}

  /**
   * Skips the calling test when there is no SwiftShader by design: a plain build (no native build), or
   * {@code -Dskip.swiftshader=true} (a machine without Debian's archive). Anything else missing is a failure of the
   * test itself.
   */
  public static void assumeAvailable() {
    assumeFalse(Boolean.getBoolean("litemodel.native.skipped"),
        "the native build is skipped (plain build): LiteRT and SwiftShader are fetched by mvn -Pfull");
    assumeFalse(Boolean.getBoolean("litemodel.swiftshader.skipped"),
        "software-GPU tests left out with -Dskip.swiftshader=true");
  }

  /** @return the package build SwiftShader came from, as fetch.sh recorded it (for the test output) */
  public static String version() {
    Path file = Path.of(System.getProperty("litemodel.swiftshader.dir", "(unset)"), "VERSION");
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("SwiftShader's VERSION file is missing: " + file, e);
    }
  }
}
