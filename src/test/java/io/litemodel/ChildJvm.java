package io.litemodel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Runs a main class in a fresh JVM on the test classpath. For what must not run in the test JVM: resident-memory
 * measurements, a missing native platform or library, state bound once per process, and inputs that might crash the
 * process (a crash then fails one test with the child's output instead of killing the whole run). The one launcher
 * of every test package.
 */
public final class ChildJvm {
  /** What the child printed (stdout and stderr together) and how it exited. */
  public record Result(int exitCode, String output) {
    /** @return the value of the first line {@code key=value}, or throws with the whole output */
    public String value(String key) {
      return output.lines().filter(line -> line.startsWith(key + "=")).findFirst()
          .map(line -> line.substring(key.length() + 1))
          .orElseThrow(() -> new AssertionError("no '" + key + "=' line in child output:\n" + output));
    }
  }

  /**
   * How to start the child, beyond the test JVM's own class path and environment.
   *
   * @param jvmOptions options such as {@code -Xmx256m} or {@code -Dkey=value}
   * @param environment variables to set; a null value removes the variable
   * @param dropFromClassPath class path entries to leave out (e.g. a natives jar)
   * @param extraClassPath an entry to add after the test class path, or null
   */
  public record Launch(List<String> jvmOptions, Map<String, String> environment,
      Predicate<String> dropFromClassPath, Path extraClassPath) {
    /** @return the test JVM's class path and environment, no options */
    public static Launch plain() {
      return new Launch(List.of(), Map.of(), entry -> false, null);
    }

    /** @return a copy with these JVM options */
    public Launch withJvmOptions(List<String> options) {
      return new Launch(options, environment, dropFromClassPath, extraClassPath);
    }

    /** @return a copy with these environment changes (null values remove) */
    public Launch withEnvironment(Map<String, String> changes) {
      return new Launch(jvmOptions, changes, dropFromClassPath, extraClassPath);
    }

    /** @return a copy that leaves out the class path entries {@code drop} accepts */
    public Launch withoutClassPath(Predicate<String> drop) {
      return new Launch(jvmOptions, environment, drop, extraClassPath);
    }

    /** @return a copy with {@code entry} after the test class path */
    public Launch withExtraClassPath(Path entry) {
      return new Launch(jvmOptions, environment, dropFromClassPath, entry);
    }
  }

  private ChildJvm() {}

  /**
   * @param jvmOptions options such as {@code -Xmx256m} or {@code -Dkey=value}
   * @param mainClass the class to run
   * @param args its arguments
   */
  public static Result run(List<String> jvmOptions, Class<?> mainClass, String... args) {
    return run(Launch.plain().withJvmOptions(jvmOptions), mainClass, args);
  }

  /**
   * @param launch the options, environment and class path changes
   * @param mainClass the class to run
   * @param args its arguments
   */
  public static Result run(Launch launch, Class<?> mainClass, String... args) {
    String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(launch.dropFromClassPath().negate()).collect(Collectors.joining(File.pathSeparator))
        + (launch.extraClassPath() == null ? "" : File.pathSeparator + launch.extraClassPath());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(launch.jvmOptions());
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    for (Map.Entry<String, String> change : new HashMap<>(launch.environment()).entrySet()) {
      if (change.getValue() == null) {
        builder.environment().remove(change.getKey());
      } else {
        builder.environment().put(change.getKey(), change.getValue());
      }
    }
    try {
      Process process = builder.start();
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
