package io.litemodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Loading the native libraries, and the message a user gets when their platform's natives are missing. */
class NativeRuntimeTest {

  @Test
  void loadsOnThisPlatform() {
    ChildJvm.Result result = ChildJvm.run(List.of(), NativeRuntimeProbe.class);
    // TfLiteVersion() of the loaded natives: the release in the artifact version pom.xml pins.
    assertEquals(BuildVersions.tensorFlowLite(), result.value("version"), result.output());
  }

  /** JavaCPP looks for natives under the platform it is told; a platform with no artifact is "natives missing". */
  @Test
  void missingNativesExplainHowToFixIt() {
    ChildJvm.Result result = ChildJvm.run(List.of("-Dorg.bytedeco.javacpp.platform=linux-riscv64"),
        NativeRuntimeProbe.class);
    assertEquals("NATIVE_LIBRARY_UNAVAILABLE", result.value("status"), result.output());
    String message = result.value("message");
    assertTrue(message.startsWith("TensorFlow Lite native libraries could not be loaded for platform "
        + "'linux-riscv64'"), message);
    assertTrue(message.contains("org.bytedeco:tensorflow-lite:" + BuildVersions.tensorFlowLiteArtifact()
        + " with classifier linux-riscv64"), message);
    assertTrue(message.contains("-Djavacpp.platform=linux-riscv64"), message);
    assertEquals("true", result.value("same_on_retry"), "the failure is remembered, not retried");
  }
}
