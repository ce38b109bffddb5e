package io.litemodel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Finds the Python that runs the keras2tflite converter: the system property {@value #PROPERTY}, else the environment
 * variable {@value #ENVIRONMENT}, else the venv of the build that made this jar. It must have the converter's
 * packages ({@code requirements.txt}, TensorFlow first of all).
 */
final class ConverterPython {
  /** System property naming the Python executable. */
  static final String PROPERTY = "litemodel.python";
  /** Environment variable naming the Python executable. */
  static final String ENVIRONMENT = "LITEMODEL_PYTHON";

  private static final String BUILD_PROPERTIES = "/io/litemodel/cli/cli-build.properties";
  private static final long IMPORT_CHECK_SECONDS = 60;

  private ConverterPython() {}

  /**
   * @param environment the process environment (a parameter so that tests can give their own)
   * @return the usable Python executable
   * @throws IllegalStateException with what was looked for and how to set it up, when there is none
   */
  static Path find(Map<String, String> environment) {
    String chosen = System.getProperty(PROPERTY);
    String source = "-D" + PROPERTY;
    if (chosen == null || chosen.isBlank()) {
      chosen = environment.get(ENVIRONMENT);
      source = ENVIRONMENT;
    }
    if (chosen == null || chosen.isBlank()) {
      Optional<String> venv = buildVenv();
      if (venv.isEmpty()) {
        throw missing("no " + ENVIRONMENT + " is set and this jar records no build venv");
      }
      chosen = Path.of(venv.get(), "bin", "python").toString();
      source = "the build's venv";
    }
    Path python = Path.of(chosen);
    if (!Files.isRegularFile(python) || !Files.isExecutable(python)) {
      throw missing(source + " names " + python + ", which is not an executable file");
    }
    if (!hasTensorFlow(python)) {
      throw missing(source + " names " + python + ", which cannot import tensorflow");
    }
    return python;
  }

  private static IllegalStateException missing(String why) {
    return new IllegalStateException("convert needs the converter's Python environment (" + tensorFlowPin()
        + ", see requirements.txt) and found none: " + why + ". Create it in a LiteModel clone with "
        + "'bash src/main/python/venv.sh .venv' (or 'mvn -B -Pfull -DskipTests package'), then set " + ENVIRONMENT
        + "=/path/to/.venv/bin/python or -D" + PROPERTY + "=...");
  }

  /** @return the converter's pinned TensorFlow, as its bundled requirements.txt states it */
  static String tensorFlowPin() {
    try (InputStream in = ConverterPython.class.getResourceAsStream("converter/requirements.txt")) {
      if (in == null) {
        return "TensorFlow";
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(line -> line.startsWith("tensorflow")).findFirst().orElse("TensorFlow");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<String> buildVenv() {
    Properties properties = new Properties();
    try (InputStream in = ConverterPython.class.getResourceAsStream(BUILD_PROPERTIES)) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String venv = properties.getProperty("python.venv", "");
    return venv.isBlank() || venv.contains("${") ? Optional.empty() : Optional.of(venv);
  }

  /** Asks the interpreter whether it can find TensorFlow, without importing it (that takes seconds). */
  private static boolean hasTensorFlow(Path python) {
    try {
      Process process = new ProcessBuilder(python.toString(), "-c",
          "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('tensorflow') else 1)")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(IMPORT_CHECK_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
