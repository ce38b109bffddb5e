package io.litemodel.tensorflow;

import static io.litemodel.tensorflow.TfTestModels.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.BuildVersions;
import io.litemodel.ChildJvm;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Without TensorFlow's natives (or its classes), loading fails with a message naming the artifacts to add. */
class TfNativesTest {
  @Test
  void missingNativesNameTheClassifierArtifact() {
    ChildJvm.Result result = ChildJvm.run(ChildJvm.Launch.plain().withJvmOptions(List.of("-Xmx256m")).withoutClassPath(
        entry -> entry.contains("tensorflow-core-native") && entry.endsWith("-linux-x86_64.jar")),
        TfNativesProbe.class, path("seed_mlp_savedmodel").toString());
    assertEquals("NATIVE_LIBRARY_UNAVAILABLE", result.value("status"), result.output());
    String message = result.value("message");
    String version = BuildVersions.tensorFlowJava();
    assertTrue(message.startsWith("The TensorFlow runtime is not available: the TensorFlow natives for "
        + "linux-x86_64 could not be loaded ("), message);
    assertTrue(message.contains("Add org.tensorflow:tensorflow-core-native:" + version
        + " and its natives org.tensorflow:tensorflow-core-native:" + version + ":linux-x86_64"), message);
  }

  @Test
  void missingClassesNameTheArtifact() {
    ChildJvm.Result result = ChildJvm.run(ChildJvm.Launch.plain().withJvmOptions(List.of("-Xmx256m"))
        .withoutClassPath(entry -> entry.contains("tensorflow-core-native")), TfNativesProbe.class, path("seed_mlp_savedmodel").toString());
    assertEquals("NATIVE_LIBRARY_UNAVAILABLE", result.value("status"), result.output());
    String message = result.value("message");
    assertTrue(message.startsWith("The TensorFlow runtime is not available: the TensorFlow C API classes are not "
        + "on the class path ("), message);
    assertTrue(message.contains("org.tensorflow:tensorflow-core-native:" + BuildVersions.tensorFlowJava()),
        message);
  }

  /** The question about the class path, answered without loading anything, in the words a load would fail with. */
  @Test
  void runtimeProblemSaysWhatIsMissingWithoutLoading() {
    assertEquals(java.util.Optional.empty(), TfModel.runtimeProblem());
    String version = BuildVersions.tensorFlowJava();
    ChildJvm.Result noNatives = ChildJvm.run(ChildJvm.Launch.plain().withJvmOptions(List.of("-Xmx256m"))
        .withoutClassPath(entry -> entry.contains("tensorflow-core-native") && entry.endsWith("-linux-x86_64.jar")),
        TfRuntimeProblemProbe.class);
    assertEquals(TfNatives.missingMessage("linux-x86_64", "the TensorFlow natives for linux-x86_64 are not on the "
        + "class path"), noNatives.value("problem"), noNatives.output());
    ChildJvm.Result noClasses = ChildJvm.run(ChildJvm.Launch.plain().withJvmOptions(List.of("-Xmx256m"))
        .withoutClassPath(entry -> entry.contains("tensorflow-core-native")), TfRuntimeProblemProbe.class);
    assertTrue(noClasses.value("problem").startsWith("The TensorFlow runtime is not available: the TensorFlow C API "
        + "classes are not on the class path ("), noClasses.output());
    assertTrue(noClasses.value("problem").contains("org.tensorflow:tensorflow-core-native:" + version),
        noClasses.output());
  }
}
