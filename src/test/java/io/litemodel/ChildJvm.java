package io.litemodel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a fresh JVM on the test classpath. For what must not run in the test JVM: resident-memory
 * measurements, a missing native platform, and inputs that might crash the process (a crash then fails one test with
 * the child's output instead of killing the whole run).
 */
final class ChildJvm {
  /** What the child printed (stdout and stderr together) and how it exited. */
  record Result(int exitCode, String output) {
    /** @return the value of the first line {@code key=value}, or throws with the whole output */
    String value(String key) {
      return output.lines().filter(line -> line.startsWith(key + "=")).findFirst()
          .map(line -> line.substring(key.length() + 1))
          .orElseThrow(() -> new AssertionError("no '" + key + "=' line in child output:\n" + output));
    }
  }

  private ChildJvm() {}

  /**
   * @param jvmOptions options such as {@code -Xmx256m} or {@code -Dkey=value}
   * @param mainClass the class to run
   * @param args its arguments
   */
  static Result run(List<String> jvmOptions, Class<?> mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output;
      try (var in = process.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertTrue(process.waitFor(300, TimeUnit.SECONDS), "child JVM did not finish: " + command);
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
