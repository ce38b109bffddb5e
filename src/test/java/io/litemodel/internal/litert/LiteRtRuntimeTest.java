package io.litemodel.internal.litert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.litemodel.ChildJvm;
import io.litemodel.LiteRtProbe;
import io.litemodel.ReferenceModels;
import io.litemodel.SoftwareGpu;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How LiteRT's natives and a Vulkan device are found, and the messages when they are not, each in a child JVM whose
 * system properties and environment the test sets (the binding is once per process).
 */
public class LiteRtRuntimeTest {
  private static final String MODEL = ReferenceModels.model("seed_mlp").toString();

  @BeforeAll
  static void requireNatives() {
    assumeFalse(Boolean.getBoolean("litemodel.native.skipped"),
        "the native build is skipped (plain build): LiteRT and SwiftShader are fetched by mvn -Pfull");
  }

  @Test
  void findsLiteRtAndSwiftShaderWhenBothAreNamed() {
    SoftwareGpu.assumeAvailable();
    ChildJvm.Result result = child(List.of(litertDir()), Map.of());
    assertEquals("SwiftShader Device (Subzero) (Vulkan, CPU / software)", result.value("adapter"), result.output());
  }

  @Test
  void noFolderNamedSaysWhereToSetIt() {
    ChildJvm.Result result = child(List.of(), Map.of());
    assertEquals("ACCELERATOR_UNAVAILABLE", result.value("status"));
    assertTrue(result.value("message").startsWith("LiteRT's natives were not found: neither the system property "
        + "litemodel.litert.dir nor the environment variable LITEMODEL_LITERT_DIR names their folder, and no "
        + "linux-x86_64-litert jar is on the class path. Add io.litemodel:litemodel:linux-x86_64-litert to the class "
        + "path, or fetch them with native/litert/fetch.sh DIR"), result.output());
  }

  /** The natives jar's layout on the class path (a folder here; the packed jar is checked by litert-jar-check.sh). */
  @Test
  void findsTheNativesOnTheClassPathWhenNoFolderIsNamed(@TempDir Path classes, @TempDir Path cache)
      throws IOException {
    SoftwareGpu.assumeAvailable();
    Path folder = classes.resolve(LiteRtRuntime.RESOURCE_FOLDER.substring(1));
    Files.createDirectories(folder);
    Path natives = Path.of(System.getProperty(LiteRtRuntime.DIR_PROPERTY));
    for (String library : new String[] {LiteRtRuntime.LIBRARY, LiteRtRuntime.GPU_ACCELERATOR_LIBRARY}) {
      Files.createSymbolicLink(folder.resolve(library), natives.resolve(library).toAbsolutePath());
    }
    ChildJvm.Result result = child(List.of("-Dorg.bytedeco.javacpp.cachedir=" + cache), Map.of(), classes);
    assertEquals("SwiftShader Device (Subzero) (Vulkan, CPU / software)", result.value("adapter"), result.output());
  }

  @Test
  void aFolderWithoutTheLibraryIsNamed(@TempDir Path empty) {
    ChildJvm.Result result = child(List.of("-D" + LiteRtRuntime.DIR_PROPERTY + "=" + empty), Map.of());
    assertEquals("ACCELERATOR_UNAVAILABLE", result.value("status"));
    assertTrue(result.value("message").startsWith(empty.resolve("libLiteRt.so") + " does not exist."),
        result.output());
  }

  @Test
  void noVulkanDriverIsACleanError(@TempDir Path empty) {
    SoftwareGpu.assumeAvailable(); // the Vulkan loader comes with SwiftShader's package
    ChildJvm.Result result = child(List.of(litertDir()),
        Map.of("VK_ICD_FILENAMES", empty.resolve("none.json").toString()));
    assertEquals("ACCELERATOR_UNAVAILABLE", result.value("status"));
    assertTrue(result.value("message").startsWith("no Vulkan device: vkCreateInstance failed"), result.output());
  }

  private static String litertDir() {
    return "-D" + LiteRtRuntime.DIR_PROPERTY + "=" + System.getProperty(LiteRtRuntime.DIR_PROPERTY);
  }

  /** Runs {@link LiteRtProbe} with these JVM options and environment changes, without LITEMODEL_LITERT_DIR. */
  private static ChildJvm.Result child(List<String> jvmOptions, Map<String, String> environment) {
    return child(jvmOptions, environment, null);
  }

  /** As {@link #child(List, Map)}, with {@code extraClassPath} (or nothing, when null) after the test class path. */
  private static ChildJvm.Result child(List<String> jvmOptions, Map<String, String> environment,
      Path extraClassPath) {
    Map<String, String> changes = new java.util.HashMap<>(environment);
    changes.put(LiteRtRuntime.DIR_ENV, null);
    return ChildJvm.run(ChildJvm.Launch.plain().withJvmOptions(jvmOptions).withEnvironment(changes)
        .withExtraClassPath(extraClassPath), LiteRtProbe.class, MODEL);
  }
}
