package io.litemodel.internal.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.BuildVersions;
import io.litemodel.ChildJvm;
import io.litemodel.LiteModel;
import io.litemodel.PlatformSet;
import io.litemodel.ReferenceModels;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Loading the native libraries, and the message a user gets when their platform's natives are missing. */
class NativeRuntimeTest {

  /**
   * The shim JavaCPP loaded is the one built for the platform this JVM runs on (arm64-check.sh names the platform it
   * expects in {@code litemodel.test.platform}, so a missing or mislabelled arm64 shim fails here).
   */
  @PlatformSet
  @Test
  void loadsTheShimBuiltForThisPlatform() {
    String expected = System.getProperty("litemodel.test.platform", Loader.getPlatform());
    assertEquals(expected, Loader.getPlatform(), "os.arch=" + System.getProperty("os.arch"));
    assertFalse(LiteModel.tensorFlowLiteVersion().isEmpty());
    String shim = Loader.getLoadedLibraries().values().stream().filter(path -> path.contains("jniLiteModelShim"))
        .findFirst().orElseThrow(() -> new AssertionError("no shim loaded: " + Loader.getLoadedLibraries()));
    assertTrue(shim.contains("/io/litemodel/internal/presets/" + expected + "/"), shim);
  }

  @Test
  void loadsOnThisPlatform() {
    ChildJvm.Result result = ChildJvm.run(List.of(), NativeRuntimeProbe.class);
    // TfLiteVersion() of the loaded natives: the release in the artifact version pom.xml pins.
    assertEquals(BuildVersions.tensorFlowLite(), result.value("version"), result.output());
  }

  /**
   * A platform LiteModel's shim is not built for (JavaCPP is told to look for it, as it would detect it on that
   * machine): {@code LiteModel.load} throws one LiteModelException naming it and the supported platforms, never a
   * link error, and the failure is remembered.
   */
  @ParameterizedTest
  @ValueSource(strings = {"macosx-arm64", "macosx-x86_64", "windows-x86_64", "linux-riscv64"})
  void unsupportedPlatformsFailWithOneClearException(String platform) {
    ChildJvm.Result result = ChildJvm.run(List.of("-Dorg.bytedeco.javacpp.platform=" + platform),
        NativeRuntimeProbe.class, ReferenceModels.model("seed_mlp").toString());
    assertFalse(result.output().contains("unexpected="), result.output());
    assertEquals("NATIVE_LIBRARY_UNAVAILABLE", result.value("status"), result.output());
    assertEquals("LiteModel does not run on platform '" + platform + "' yet: its native shim is built for "
        + "linux-x86_64 and linux-arm64 only (docs/platforms.md says what each other platform lacks).",
        result.value("message"));
    assertEquals("true", result.value("same_on_retry"), "the failure is remembered, not retried");
  }

  @Test
  void supportedPlatformsAreThoseThePresetsDeclare() {
    assertEquals(List.of("linux-x86_64", "linux-arm64"), NativeRuntime.supportedPlatforms());
  }

  /**
   * linux-arm64 named on this x86_64 machine: with the cross-built shim in the jar (-Pfull), loading fails as
   * missing natives would (the arm64 libraries cannot link into an x86_64 JVM); without it (a plain build), the
   * message says that this jar lacks the platform.
   */
  @Test
  void aSupportedPlatformWhoseNativesCannotLoadSaysHowToFixIt() {
    ChildJvm.Result result = ChildJvm.run(List.of("-Dorg.bytedeco.javacpp.platform=linux-arm64"),
        NativeRuntimeProbe.class, ReferenceModels.model("seed_mlp").toString());
    assertFalse(result.output().contains("unexpected="), result.output());
    assertEquals("NATIVE_LIBRARY_UNAVAILABLE", result.value("status"), result.output());
    String message = result.value("message");
    if (NativeRuntimeProbe.class.getResource("/io/litemodel/internal/presets/linux-arm64/libjniLiteModelShim.so")
        == null) {
      assertTrue(message.startsWith("This LiteModel jar has no native shim for platform 'linux-arm64'"), message);
    } else {
      assertTrue(message.startsWith("TensorFlow Lite native libraries could not be loaded for platform "
          + "'linux-arm64'"), message);
      assertTrue(message.contains("org.bytedeco:tensorflow-lite:" + BuildVersions.tensorFlowLiteArtifact()
          + " with classifier linux-arm64"), message);
      assertTrue(message.contains("-Djavacpp.platform=linux-arm64"), message);
    }
  }
}
