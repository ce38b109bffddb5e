package io.litemodel.internal.isolation;

import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.TensorSpec;
import io.litemodel.internal.core.NativeText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The opt-in isolation of {@link LiteModel.Options#withChildProcessCheck(boolean)}: before an untrusted model is
 * loaded into this JVM, a short-lived child JVM loads it with the same options, runs it once on zeros (and a batch of
 * two rows when it batches), and closes it. If native code crashes the child (a signal, an abort), the caller gets a
 * {@link LiteModelException} with {@link LiteModelException.Status#INVALID_MODEL} naming the signal, and the model is
 * never loaded here. Only a model that survived is loaded in-process.
 *
 * <p>This catches what LiteModel's own checks cannot foresee (a bug in TensorFlow Lite, XNNPACK or a delegate plugin
 * that a valid-looking model triggers), at the price of starting a JVM per load: see the "Untrusted models" section
 * of docs/bad-input.md for the measured cost. The child uses the caller's Java runtime and class path, so it runs
 * the same LiteModel and TensorFlow Lite, and every option, the accelerator's included, crosses to it as text
 * ({@link LiteModel.Options#toText()}).
 */
public final class ChildProcessCheck {
  /** Exit status of the child when the model loaded and ran. */
  static final int SURVIVED = 0;
  /** Exit status of the child when loading failed cleanly (the caller's own load reports the same error). */
  static final int REFUSED = 3;
  /** How long a child may take before it is killed and the model refused. */
  static final long TIMEOUT_SECONDS = 120;
  /** Most characters of the child's output kept for the message. */
  private static final int OUTPUT_TAIL = 2000;

  private ChildProcessCheck() {}

  /**
   * Runs the check for model bytes that have no file yet (written to a temporary file, deleted afterwards).
   *
   * @throws LiteModelException when the child crashed, hung, or could not be started
   */
  public static void check(ByteBuffer model, LiteModel.Options options, String source) {
    Path file = null;
    try {
      file = Files.createTempFile("litemodel-check-", ".tflite");
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = model.duplicate();
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      }
      check(file, options, source);
    } catch (IOException e) {
      throw new LiteModelException(LiteModelException.Status.ERROR,
          "could not write model " + source + " for its child-process check: " + e.getMessage(), e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // a temporary file left behind is harmless; the check's verdict stands
        }
      }
    }
  }

  /**
   * Runs the check for a model file.
   *
   * @throws LiteModelException when the child crashed, hung, or could not be started
   */
  public static void check(Path model, LiteModel.Options options, String source) {
    Path errorFiles;
    try {
      errorFiles = Files.createTempDirectory("litemodel-check-");
    } catch (IOException e) {
      throw new LiteModelException(LiteModelException.Status.ERROR,
          "could not start the child-process check of model " + source + ": " + e.getMessage(), e);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A small, fast-starting JVM; a crash report goes to a folder of ours instead of the caller's working directory.
    command.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-CreateCoredumpOnCrash",
        "-XX:ErrorFile=" + errorFiles.resolve("hs_err_%p.log")));
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith("org.bytedeco.") || key.startsWith("litemodel.")) {
        command.add("-D" + key + "=" + System.getProperty(key));
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ChildProcessCheck.class.getName());
    command.add(model.toAbsolutePath().toString());
    command.add(options.toText());
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output;
      try (InputStream in = process.getInputStream()) {
        output = tail(in);
      }
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new LiteModelException(LiteModelException.Status.INVALID_MODEL, "model " + source + " did not finish "
            + "loading and running in a child process within " + TIMEOUT_SECONDS + " s; it was not loaded");
      }
      judge(process.exitValue(), output, source);
    } catch (IOException e) {
      throw new LiteModelException(LiteModelException.Status.ERROR,
          "could not start the child-process check of model " + source + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LiteModelException(LiteModelException.Status.CANCELLED,
          "interrupted while checking model " + source + " in a child process", e);
    } finally {
      deleteQuietly(errorFiles);
    }
  }

  private static void judge(int exit, String output, String source) {
    if (exit == SURVIVED || exit == REFUSED) {
      return; // a clean refusal is reported by the caller's own load, with the same message
    }
    String lastWords = NativeText.clean(output);
    if (exit > 128 && exit < 128 + 32) {
      throw new LiteModelException(LiteModelException.Status.INVALID_MODEL, "model " + source + " crashed the "
          + "child process that loaded and ran it (" + signalName(exit - 128) + "); it was not loaded into this JVM"
          + (lastWords.isEmpty() ? "" : ". The child's last output: " + lastWords));
    }
    throw new LiteModelException(LiteModelException.Status.ERROR, "the child-process check of model " + source
        + " ended with exit status " + exit + (lastWords.isEmpty() ? "" : ": " + lastWords));
  }

  static String signalName(int signal) {
    return switch (signal) {
      case 4 -> "SIGILL";
      case 6 -> "SIGABRT";
      case 7 -> "SIGBUS";
      case 8 -> "SIGFPE";
      case 9 -> "SIGKILL, perhaps the out-of-memory killer";
      case 11 -> "SIGSEGV";
      default -> "signal " + signal;
    };
  }

  private static String tail(InputStream in) throws IOException {
    byte[] all = in.readAllBytes();
    String text = new String(all, StandardCharsets.UTF_8);
    return text.length() > OUTPUT_TAIL ? text.substring(text.length() - OUTPUT_TAIL) : text;
  }

  private static void deleteQuietly(Path folder) {
    try (var files = Files.list(folder)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(folder);
    } catch (IOException ignored) {
      // only crash reports of a child: nothing to lose
    }
  }

  /**
   * The child: loads the model with the options given, runs it on zeros, and exits {@link #SURVIVED}, or
   * {@link #REFUSED} when loading failed cleanly. A crash ends it by a signal, which the parent reports.
   *
   * @param args the model file, then the options as {@link LiteModel.Options#toText()} wrote them
   */
  public static void main(String[] args) {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: ChildProcessCheck <model file> <options text>");
    }
    LiteModel.Options options = LiteModel.Options.parse(args[1]);
    try (LiteModel model = LiteModel.load(Path.of(args[0]), options.withChildProcessCheck(false))) {
      exercise(model);
      System.out.println("survived");
      System.exit(SURVIVED);
    } catch (LiteModelException | IllegalArgumentException | IllegalStateException e) {
      System.out.println("refused: " + e.getMessage());
      System.exit(REFUSED);
    }
  }

  /** Runs one invocation on zeroed inputs, and a batch of two rows when the model takes batches. */
  private static void exercise(LiteModel model) {
    List<TensorSpec> inputs = model.inputs();
    for (TensorSpec input : inputs) {
      model.setInputBytes(input.index(), ByteBuffer.allocate((int) input.byteSize()));
    }
    model.invoke();
    if (inputs.size() == 1 && model.outputs().size() == 1 && model.hasDynamicBatch()
        && inputs.get(0).dataType().isFloatConvertible()) {
      model.predict(new float[2][inputs.get(0).rowElements()]);
    }
  }
}
