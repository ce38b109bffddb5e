package io.litemodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.BuildVersions;
import io.litemodel.ChildJvm;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code info}'s list of runtimes and image decoders, present and absent, and the how-to of a missing one. */
class RuntimeInventoryTest {
  private static final String TF = BuildVersions.tensorFlowJava();
  private static final String OPENCV = BuildVersions.openCvArtifact();
  private static final String INSTALL = "run 'mvn -B -DskipTests install' in the LiteModel clone: it downloads ";

  @Test
  void infoListsEveryRuntimeAndDecoderOnTheTestClassPath() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = LiteModelCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    assertEquals(0, cli.execute("info", "--model", "models/seed_mlp.tflite"), err.toString());
    List<String> expected = new ArrayList<>(List.of("", "runtimes and image decoders of this command line:",
        "  TensorFlow Lite, CPU with XNNPACK: present: TensorFlow Lite " + BuildVersions.tensorFlowLite()
            + ", natives in the CLI jar"));
    // LiteRT's natives are on the test class path only after mvn -Pfull; either way the lines have this form.
    expected.addAll(new RuntimeInventory(Optional.empty()).liteRtGpu().lines());
    expected.addAll(List.of(
        "  TensorFlow C API (SavedModel, frozen graph): present: org.tensorflow:tensorflow-core-native:" + TF
            + " with its linux-x86_64 natives",
        "  OpenCV image decoder: present: org.bytedeco:opencv:" + OPENCV + " with its linux-x86_64 natives; predict "
            + "decodes images with it (--decoder auto)",
        "  ImageIO image decoder: present: the JDK's; predict uses it with --decoder imageio"));
    List<String> lines = out.toString().lines().toList();
    assertEquals(expected, lines.subList(lines.size() - expected.size(), lines.size()), out.toString());
  }

  @Test
  void anAbsentRuntimeSaysWhyAndHowOnTwoLines() {
    assertEquals(List.of("  X: present: found"), RuntimeStatus.present("X", "found").lines());
    assertEquals(List.of("  X: absent: gone", "    to add it: fetch it"),
        RuntimeStatus.absent("X", "gone", "fetch it").lines());
  }

  @Test
  void theLaunchersMissingJarsAreThoseOfTheRuntimeThatDoNotExist(@TempDir Path dir) throws IOException {
    Path here = Files.createFile(dir.resolve("opencv-4.13.0-1.5.13.jar"));
    Path gone = dir.resolve("opencv-4.13.0-1.5.13-linux-x86_64.jar");
    Path other = dir.resolve("tensorflow-core-native-1.1.0-linux-x86_64.jar");
    Path lookalike = dir.resolve("opencv-extras-1.0.jar");
    Path list = Files.writeString(dir.resolve("runtimes.classpath"),
        here + ":" + gone + ":" + other + ":" + lookalike + "\n");
    assertEquals(List.of(gone.toString()), RuntimeInventory.missingJars(list, "opencv", "openblas"));
    assertEquals("not in the local Maven repository: " + other,
        new RuntimeInventory(Optional.of(list)).why("the library's reason", "tensorflow-core-native"));
    assertEquals("the library's reason", new RuntimeInventory(Optional.empty()).why("the library's reason", "opencv"));
    assertEquals(dir.resolve("absent") + " does not exist (the build writes it beside the launcher)",
        new RuntimeInventory(Optional.of(dir.resolve("absent"))).why("the library's reason", "opencv"));
  }

  /**
   * As the launcher starts it, with the TensorFlow and OpenCV natives missing from the local Maven repository: info
   * names the missing jars and the install command, and a SavedModel fails with the same.
   */
  @Test
  void underTheLauncherAMissingRuntimeNamesTheInstallCommand(@TempDir Path dir) throws IOException {
    Path tfNatives = dir.resolve("tensorflow-core-native-" + TF + "-linux-x86_64.jar");
    Path cvNatives = dir.resolve("opencv-" + OPENCV + "-linux-x86_64.jar");
    Path list = Files.writeString(dir.resolve("litemodel-runtimes.classpath"), tfNatives + ":" + cvNatives);
    ChildJvm.Launch launch = ChildJvm.Launch.plain()
        .withJvmOptions(List.of("-Xmx256m", "-D" + RuntimeInventory.RUNTIMES_PROPERTY + "=" + list))
        .withoutClassPath(entry -> entry.endsWith("-linux-x86_64.jar")
            && (entry.contains("tensorflow-core-native") || entry.contains("/opencv-")));

    ChildJvm.Result info = ChildJvm.run(launch, LiteModelCli.class, "info", "--model", "models/seed_mlp.tflite");
    assertEquals(0, info.exitCode(), info.output());
    List<String> lines = info.output().lines().toList();
    assertTrue(lines.containsAll(List.of(
        "  TensorFlow C API (SavedModel, frozen graph): absent: not in the local Maven repository: " + tfNatives,
        "    to add it: " + INSTALL + "org.tensorflow:tensorflow-core-native:" + TF + " and its natives (classifier "
            + "linux-x86_64) into the local Maven repository, where target/litemodel finds it",
        "  OpenCV image decoder: absent: not in the local Maven repository: " + cvNatives,
        "    to add it: " + INSTALL + "org.bytedeco:opencv:" + OPENCV + " and its natives (classifier linux-x86_64, "
            + "with OpenBLAS's) into the local Maven repository, where target/litemodel finds it",
        "  ImageIO image decoder: present: the JDK's; predict decodes images with it, since OpenCV is absent")),
        info.output());

    ChildJvm.Result predict = ChildJvm.run(launch, LiteModelCli.class, "predict", "--model",
        "models/seed_mlp_savedmodel", "--input", "models/seed_mlp.golden.input.npy", "--output",
        dir.resolve("out.npy").toString());
    assertEquals(1, predict.exitCode(), predict.output());
    assertTrue(predict.output().lines().anyMatch(("error: The TensorFlow runtime is not available: not in the local "
        + "Maven repository: " + tfNatives + ". To add it: " + INSTALL + "org.tensorflow:tensorflow-core-native:" + TF
        + " and its natives (classifier linux-x86_64) into the local Maven repository, where target/litemodel finds "
        + "it")::equals), predict.output());
  }
}
