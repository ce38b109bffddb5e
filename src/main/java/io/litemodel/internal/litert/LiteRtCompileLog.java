package io.litemodel.internal.litert;

import io.litemodel.NativeLog;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What LiteRT printed while compiling a model, read for the one fact its C API does not give: which operators its
 * GPU accelerator left to the CPU. LiteRT's TensorFlow Lite prints them on stderr as
 *
 * <pre>
 * ERROR: Following operations are not supported by GPU delegate:
 * MATRIX_DIAG: Operation is not supported.
 * 2 operations will run on the GPU, and the remaining 2 operations will run on the CPU.
 * </pre>
 *
 * <p>The shim captures that text while the model compiles (see {@code lm_lrt_capture} in {@code litert_shim.h}); this
 * class reads the report out of it and passes each logged line on to stderr only when {@link NativeLog}'s level lets
 * it through, so a silent LiteModel stays silent. A line in none of the loggers' formats and not one of the lines
 * that continue TensorFlow Lite's entry (like the operator and count lines above) is another thread's output,
 * written while stderr was captured, and is always passed on.
 *
 * @param unsupported each operator type the GPU did not take, with LiteRT's reason (e.g. {@code "MATRIX_DIAG:
 *     Operation is not supported."}), in the order printed
 * @param gpuOperators operators that run on the GPU, or -1 when the log does not say
 * @param cpuOperators operators left to the CPU, or -1 when the log does not say
 * @param selectedAdapter the adapter Dawn says it selected ({@code "Selected adapter: NAME, arch=..."}), or null
 */
record LiteRtCompileLog(List<String> unsupported, int gpuOperators, int cpuOperators, String selectedAdapter) {
  private static final String UNSUPPORTED_HEADER = "Following operations are not supported by GPU delegate:";
  private static final Pattern COUNTS = Pattern.compile(
      "(\\d+) operations? will run on the GPU, and the remaining (\\d+) operations? will run on the CPU\\.?");
  /** TensorFlow Lite's form when the GPU takes nothing. */
  private static final Pattern NONE = Pattern.compile(
      "No operations will run on the GPU, and all (\\d+) operations will run on the CPU\\.?");
  /** A line of the unsupported-operator list: "MATRIX_DIAG: Operation is not supported." */
  private static final Pattern OPERATOR_LINE = Pattern.compile("^[A-Z][A-Z0-9_]*:( .*)?$");
  /** TensorFlow Lite's minimal logger: "ERROR: text". */
  private static final Pattern TFLITE_LINE = Pattern.compile("^(VERBOSE|INFO|WARNING|ERROR): .*");
  /** Dawn's choice, logged by LiteRT's environment. */
  private static final Pattern SELECTED = Pattern.compile("Selected adapter: (.+?), arch=");
  /** absl/glog: "I0000 00:00:1796056055.509074    4411 file.cc:751] text". */
  private static final Pattern ABSL_LINE = Pattern.compile("^([IWEF])\\d{4} \\d\\d:\\d\\d:\\d\\d.*");

  public LiteRtCompileLog {
    unsupported = List.copyOf(unsupported);
  }

  /** @return the report in {@code log} (no operators and unknown counts when it has none) */
  static LiteRtCompileLog parse(String log) {
    List<String> unsupported = new ArrayList<>();
    int gpu = -1;
    int cpu = -1;
    String selected = null;
    boolean inList = false;
    for (String line : log.split("\n")) {
      String text = line.strip();
      Matcher counts = COUNTS.matcher(text);
      Matcher adapter = SELECTED.matcher(text);
      if (adapter.find()) {
        selected = adapter.group(1);
      }
      Matcher none = NONE.matcher(text);
      if (counts.find()) {
        gpu = Integer.parseInt(counts.group(1));
        cpu = Integer.parseInt(counts.group(2));
        inList = false;
      } else if (none.find()) {
        gpu = 0;
        cpu = Integer.parseInt(none.group(1));
        inList = false;
      } else if (text.endsWith(UNSUPPORTED_HEADER)) {
        inList = true;
      } else if (inList && severityOf(text) < 0 && OPERATOR_LINE.matcher(text).matches()) {
        unsupported.add(text);
      } else {
        inList = false;
      }
    }
    return new LiteRtCompileLog(unsupported, gpu, cpu, selected);
  }

  /** @return the operator types the GPU did not take (the part of each report line before its colon) */
  List<String> unsupportedTypes() {
    List<String> types = new ArrayList<>(unsupported.size());
    for (String line : unsupported) {
      String type = line.substring(0, line.indexOf(':')).strip();
      if (!types.contains(type)) {
        types.add(type);
      }
    }
    return types;
  }

  /**
   * Writes to {@code out} the lines of {@code log} that {@code level} lets through: a logged line (and the lines
   * that continue it) when its severity is at least the level's, any other line always.
   */
  static void passOn(String log, NativeLog level, PrintStream out) {
    boolean keep = true;
    StringBuilder kept = new StringBuilder();
    for (String line : log.split("\n", -1)) {
      int severity = severityOf(line);
      if (severity >= 0) {
        keep = severity >= level.severity();
      } else if (!continuesAnEntry(line)) {
        keep = true; // not LiteRT's: another thread's output, written while stderr was captured
      }
      if (keep && !line.isEmpty()) {
        kept.append(line).append('\n');
      }
    }
    if (kept.length() > 0) {
      out.print(kept);
      out.flush();
    }
  }

  /** @return true for the unformatted lines TensorFlow Lite prints after its "not supported" entry */
  private static boolean continuesAnEntry(String line) {
    String text = line.strip();
    return OPERATOR_LINE.matcher(text).matches() || COUNTS.matcher(text).find() || NONE.matcher(text).find();
  }

  /** @return the severity on {@link NativeLog}'s scale of a line that starts a log entry, or -1 */
  private static int severityOf(String line) {
    Matcher tflite = TFLITE_LINE.matcher(line);
    if (tflite.matches()) {
      return switch (tflite.group(1)) {
        case "VERBOSE" -> NativeLog.VERBOSE.severity();
        case "INFO" -> NativeLog.INFO.severity();
        case "WARNING" -> NativeLog.WARNING.severity();
        default -> NativeLog.ERROR.severity();
      };
    }
    Matcher absl = ABSL_LINE.matcher(line);
    if (absl.matches()) {
      return switch (absl.group(1)) {
        case "I" -> NativeLog.INFO.severity();
        case "W" -> NativeLog.WARNING.severity();
        default -> NativeLog.ERROR.severity();
      };
    }
    return line.startsWith("WARNING: Logging before InitGoogle()") ? NativeLog.WARNING.severity() : -1;
  }
}
