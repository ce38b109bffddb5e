package io.litemodel.tensorflow;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Runs a main class in a fresh JVM on the test class path, optionally without some of its entries. */
final class TfChildJvm {
  /** What the child printed (stdout and stderr together) and how it exited. */
  record Result(int exitCode, String output) {
    /** @return the value of the first line {@code key=value}, or throws with the whole output */
    String value(String key) {
      return output.lines().filter(line -> line.startsWith(key + "=")).findFirst()
          .map(line -> line.substring(key.length() + 1))
          .orElseThrow(() -> new AssertionError("no '" + key + "=' line in child output:\n" + output));
    }
  }

  private TfChildJvm() {}

  /**
   * @param dropFromClassPath class path entries to leave out (e.g. the natives jar)
   * @param mainClass the class to run
   * @param args its arguments
   */
  static Result run(Predicate<String> dropFromClassPath, Class<?> mainClass, String... args) {
    String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(dropFromClassPath.negate()).collect(Collectors.joining(File.pathSeparator));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output;
      try (var in = process.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertTrue(process.waitFor(300, TimeUnit.SECONDS), "child JVM did not finish");
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
