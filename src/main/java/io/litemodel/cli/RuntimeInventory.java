package io.litemodel.cli;

import io.litemodel.BuildVersions;
import io.litemodel.GpuAccelerator;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.image.DecoderKind;
import io.litemodel.tensorflow.TfModel;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bytedeco.javacpp.Loader;

/**
 * Which runtimes and image decoders the command line has here, for {@code info}, and how to add a missing one.
 *
 * <p>The optional ones, TensorFlow's C API and OpenCV, reach the command line through the launcher
 * ({@code target/litemodel}): it puts the jars that {@code target/litemodel-runtimes.classpath} lists, in the local
 * Maven repository, on the class path, and names that file in the system property {@value #RUNTIMES_PROPERTY}. So a
 * missing runtime is a jar missing from the local Maven repository, and {@value #INSTALL_COMMAND} in the clone is
 * what puts it there. Started otherwise ({@code java -jar}), the command line can only say which artifacts to add.
 */
final class RuntimeInventory {
  /** The system property in which the launcher names its list of runtime jars. */
  static final String RUNTIMES_PROPERTY = "litemodel.cli.runtimes";
  /** The documented install (README, docs/install.md): it resolves the runtimes into the local Maven repository. */
  static final String INSTALL_COMMAND = "mvn -B -DskipTests install";

  static final String TFLITE = "TensorFlow Lite, CPU with XNNPACK";
  static final String LITERT = "LiteRT GPU (--device gpu)";
  static final String TENSORFLOW = "TensorFlow C API (SavedModel, frozen graph)";
  static final String OPENCV = "OpenCV image decoder";
  static final String IMAGEIO = "ImageIO image decoder";

  /** The launcher's list of runtime jars, when the launcher started this process. */
  private final Optional<Path> launcherList;

  RuntimeInventory(Optional<Path> launcherList) {
    this.launcherList = launcherList;
  }

  /** @return the inventory of this process: the launcher's list if {@value #RUNTIMES_PROPERTY} names one */
  static RuntimeInventory current() {
    String list = System.getProperty(RUNTIMES_PROPERTY);
    return new RuntimeInventory(list == null || list.isBlank() ? Optional.empty() : Optional.of(Path.of(list)));
  }

  /** @return every runtime and decoder, in the order {@code info} prints them */
  List<RuntimeStatus> all() {
    return List.of(tensorFlowLite(), liteRtGpu(), tensorFlow(), openCv(), imageIo());
  }

  /** @return the lines {@code info} prints: a heading, then each runtime's */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("runtimes and image decoders of this command line:");
    all().forEach(status -> lines.addAll(status.lines()));
    return lines;
  }

  RuntimeStatus tensorFlowLite() {
    try {
      return RuntimeStatus.present(TFLITE, "TensorFlow Lite " + LiteModel.tensorFlowLiteVersion()
          + ", natives in the CLI jar");
    } catch (LiteModelException | LinkageError e) {
      return RuntimeStatus.absent(TFLITE, String.valueOf(e.getMessage()),
          "LiteModel's natives are built for linux-x86_64 and linux-arm64 only (docs/platforms.md)");
    }
  }

  RuntimeStatus liteRtGpu() {
    Optional<String> problem = GpuAccelerator.runtimeProblem();
    if (problem.isPresent()) {
      // The library's message ends with how a library user adds the natives (" Add ..."); the command line says its
      // own way instead of both.
      String message = problem.get();
      int libraryHowTo = message.indexOf(" Add ");
      String why = libraryHowTo > 0 ? message.substring(0, libraryHowTo) : message;
      return RuntimeStatus.absent(LITERT, why, "in the LiteModel clone, native/litert/fetch.sh DIR "
          + "(LiteRT's natives for linux-x86_64, from the pinned ai-edge-litert wheel on PyPI), then run with "
          + "LITEMODEL_LITERT_DIR=DIR/litert (docs/accelerators.md)");
    }
    return RuntimeStatus.present(LITERT, "LiteRT's natives are bound; " + (GpuAccelerator.hardwareAvailable()
        ? "a hardware GPU is listed" : "no hardware GPU is listed, so --device gpu fails and auto stays on the CPU"));
  }

  RuntimeStatus tensorFlow() {
    String version = BuildVersions.tensorFlowJava();
    String platform = Loader.getPlatform();
    Optional<String> problem = TfModel.runtimeProblem();
    if (problem.isEmpty()) {
      return RuntimeStatus.present(TENSORFLOW, "org.tensorflow:tensorflow-core-native:" + version + " with its "
          + platform + " natives");
    }
    return RuntimeStatus.absent(TENSORFLOW, why(problem.get(), "tensorflow-core-native", "protobuf-java"),
        howToAdd("org.tensorflow:tensorflow-core-native:" + version + " and its natives (classifier " + platform
            + ")"));
  }

  RuntimeStatus openCv() {
    try {
      DecoderKind.OPENCV.resolve();
      return RuntimeStatus.present(OPENCV, "org.bytedeco:opencv:" + BuildVersions.openCvArtifact() + " with its "
          + Loader.getPlatform() + " natives; predict decodes images with it (--decoder auto)");
    } catch (IllegalStateException e) {
      return RuntimeStatus.absent(OPENCV, why(e.getMessage(), "opencv", "openblas"), howToAdd("org.bytedeco:opencv:"
          + BuildVersions.openCvArtifact() + " and its natives (classifier " + Loader.getPlatform()
          + ", with OpenBLAS's)"));
    }
  }

  RuntimeStatus imageIo() {
    boolean openCv = DecoderKind.AUTO.resolve() == DecoderKind.OPENCV;
    return RuntimeStatus.present(IMAGEIO, "the JDK's; predict "
        + (openCv ? "uses it with --decoder imageio" : "decodes images with it, since OpenCV is absent"));
  }

  /**
   * @param libraryReason why the library says the runtime is missing
   * @param artifacts the artifact ids of the runtime's jars
   * @return the library's reason, or under the launcher which of the runtime's jars its list names but the local
   *     Maven repository lacks
   */
  String why(String libraryReason, String... artifacts) {
    if (launcherList.isEmpty()) {
      return libraryReason;
    }
    Path list = launcherList.get();
    if (!Files.isRegularFile(list)) {
      return list + " does not exist (the build writes it beside the launcher)";
    }
    List<String> missing = missingJars(list, artifacts);
    return missing.isEmpty() ? libraryReason : "not in the local Maven repository: " + String.join(", ", missing);
  }

  /**
   * @param what the artifacts, for the message
   * @return the one command that adds them under the launcher; otherwise how to reach the launcher or the artifacts
   */
  String howToAdd(String what) {
    if (launcherList.isPresent()) {
      return "run '" + INSTALL_COMMAND + "' in the LiteModel clone: it downloads " + what + " into the local Maven "
          + "repository, where target/litemodel finds it";
    }
    return "run the command line with target/litemodel, which takes it from the local Maven repository that '"
        + INSTALL_COMMAND + "' fills, or put " + what + " on the class path";
  }

  /**
   * @return the entries of the launcher's list (one line of {@code :}-separated jar paths) that belong to one of
   *     {@code artifacts} and do not exist
   */
  static List<String> missingJars(Path list, String... artifacts) {
    String text;
    try {
      text = Files.readString(list, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Arrays.stream(text.split(File.pathSeparator)).filter(entry -> !entry.isEmpty())
        .filter(entry -> belongsTo(Path.of(entry), artifacts)).filter(entry -> !Files.isRegularFile(Path.of(entry)))
        .collect(Collectors.toList());
  }

  /** A jar of Maven's local repository is named ARTIFACT-VERSION[-CLASSIFIER].jar, and versions start with a digit. */
  private static boolean belongsTo(Path jar, String... artifacts) {
    String name = jar.getFileName().toString();
    return Arrays.stream(artifacts).anyMatch(artifact -> name.startsWith(artifact + "-")
        && name.length() > artifact.length() + 1 && Character.isDigit(name.charAt(artifact.length() + 1)));
  }
}
