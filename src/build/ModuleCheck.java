import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks the packaged jar as a module: with it, JavaCPP and TensorFlow Lite on the module path, a class-path program
 * (io.litemodel.modular.ModulePathProbe, from the test classes) loads and runs a model, which needs JavaCPP's loader
 * to bind the natives and the module's {@code provides} to find the backend, and is refused a runtime class, which
 * the module does not export. Exits non-zero, saying what differed, otherwise.
 *
 * <p>Usage: {@code java ModuleCheck.java <library jar> <model file> <test class path>}
 */
public final class ModuleCheck {
  /** The jars the module needs at run time: JavaCPP and TensorFlow Lite, with this machine's natives only. */
  private static final Pattern MODULE_JARS = Pattern.compile(".*/(javacpp|tensorflow-lite)-[0-9][^/-]*(-[0-9.]+)?"
      + "(-linux-" + ("aarch64".equals(System.getProperty("os.arch")) ? "arm64" : "x86_64") + ")?\\.jar");

  private ModuleCheck() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    List<String> modulePath = new ArrayList<>(List.of(args[0]));
    List<String> classPath = new ArrayList<>();
    for (String entry : args[2].split(File.pathSeparator)) {
      if (MODULE_JARS.matcher(entry).matches()) {
        modulePath.add(entry);
      } else if (!entry.endsWith("/classes")) { // the library's classes come from the jar, as a module
        classPath.add(entry);
      }
    }
    String java = System.getProperty("java.home") + "/bin/java";
    Process child = new ProcessBuilder(java, "--module-path", String.join(File.pathSeparator, modulePath),
        "--add-modules", "ALL-MODULE-PATH", "-cp", String.join(File.pathSeparator, classPath),
        "io.litemodel.modular.ModulePathProbe", args[1]).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int status = child.waitFor();
    List<String> problems = new ArrayList<>();
    if (status != 0) {
      problems.add("the probe exited " + status);
    }
    expect(output, "module=io.litemodel", problems);
    expect(output, "outputs=32", problems);
    expect(output, "internal=refused: ", problems);
    expect(output, "module io.litemodel does not export io.litemodel.internal.tflite", problems);
    if (!problems.isEmpty()) {
      System.err.println("module-check: FAILED: " + problems + "\n" + output);
      System.exit(1);
    }
    System.out.println("module-check: on the module path " + args[0] + " ran the model and kept "
        + "io.litemodel.internal.* unexported:\n" + output.strip());
  }

  private static void expect(String output, String text, List<String> problems) {
    if (!output.contains(text)) {
      problems.add("no '" + text + "' in the output");
    }
  }
}
