package io.litemodel.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code convert}: runs the keras2tflite converter (Keras or SavedModel to {@code .tflite}, verified against the
 * original, with a JSON sidecar) with the converter's Python environment. The converter's sources travel in this jar
 * and are unpacked into a temporary folder for the run; TensorFlow comes from that environment ({@link
 * ConverterPython}). Every argument is the converter's, and its exit status is returned unchanged (the same
 * {@link ExitStatus} convention).
 *
 * <pre>{@code
 * litemodel convert --keras model.keras -o model.tflite --golden 4
 * litemodel convert --help          # the converter's own help
 * }</pre>
 */
@Command(name = "convert",
    description = {"Convert a Keras model or a SavedModel to .tflite with the keras2tflite converter (Python).",
        "Every argument goes to the converter; 'litemodel convert --help' shows its options.",
        "Needs the converter's Python environment: -Dlitemodel.python, LITEMODEL_PYTHON, or the venv of the build."})
final class ConvertCommand implements Callable<Integer> {
  private static final String SOURCES = "converter/keras2tflite";

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "CONVERTER_ARG", description = "Arguments of keras2tflite (see 'convert --help').")
  List<String> converterArgs = new ArrayList<>();

  @Override
  public Integer call() throws IOException, InterruptedException {
    Path python = ConverterPython.find(System.getenv());
    Path unpacked = Files.createTempDirectory("litemodel-convert");
    try {
      unpackSources(unpacked.resolve("keras2tflite"));
      List<String> command = new ArrayList<>(List.of(python.toString(), "-m", "keras2tflite"));
      command.addAll(converterArgs);
      ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
      String inherited = builder.environment().get("PYTHONPATH");
      builder.environment().put("PYTHONPATH",
          inherited == null || inherited.isEmpty() ? unpacked.toString() : unpacked + ":" + inherited);
      spec.commandLine().getOut().flush();
      spec.commandLine().getErr().flush();
      return builder.start().waitFor();
    } finally {
      deleteTree(unpacked);
    }
  }

  /** Copies the converter's package out of this jar (or out of target/classes when run from a build). */
  private static void unpackSources(Path target) throws IOException {
    URL url = ConvertCommand.class.getResource(SOURCES);
    if (url == null) {
      throw new IllegalStateException("this LiteModel build carries no converter sources (" + SOURCES + ")");
    }
    URI uri;
    try {
      uri = url.toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("bad resource address " + url, e);
    }
    if (!"jar".equals(uri.getScheme())) {
      copyTree(Path.of(uri), target);
      return;
    }
    FileSystem jar;
    boolean opened;
    try {
      jar = FileSystems.newFileSystem(uri, Map.of());
      opened = true;
    } catch (FileSystemAlreadyExistsException e) {
      jar = FileSystems.getFileSystem(uri);
      opened = false;
    }
    try {
      copyTree(jar.provider().getPath(uri), target);
    } finally {
      if (opened) {
        jar.close();
      }
    }
  }

  private static void copyTree(Path source, Path target) throws IOException {
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(source)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (name.endsWith(".py")) {
          Files.copy(file, target.resolve(name));
        }
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
