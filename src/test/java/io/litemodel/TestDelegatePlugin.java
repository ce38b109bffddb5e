package io.litemodel;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds the test delegate plugin built from {@code native/test_delegate} (path given by the build in the system
 * property {@code litemodel.test.delegate}) and reads its trace files.
 */
public final class TestDelegatePlugin {
  /** The kernel name the plugin gives its partitions unless told otherwise. */
  public static final String KERNEL = "LiteModelTestDelegate";
  /** The kernel name of the plugin's labelled GPU V2 ABI stand-in. */
  public static final String GPU_STAND_IN_KERNEL = "TestGpuDelegateStandIn";

  private TestDelegatePlugin() {}

  /** @return the plugin library; fails (or, only when the native build was skipped on purpose, aborts) if absent */
  public static Path library() {
    assumeFalse(Boolean.getBoolean("litemodel.native.skipped"),
        "native build skipped (-Dskip.native=true): the test delegate plugin was not built");
    String property = System.getProperty("litemodel.test.delegate");
    assertNotNull(property, "system property litemodel.test.delegate is not set (run the tests through Maven)");
    Path path = Path.of(property).toAbsolutePath();
    assertTrue(Files.isRegularFile(path), "test delegate plugin not built at " + path + "; run ./cppbuild.sh");
    return path;
  }

  /** @return the trace lines written so far (empty if none) */
  public static List<String> trace(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static long count(List<String> lines, String prefix) {
    return lines.stream().filter(line -> line.startsWith(prefix)).count();
  }
}
