package io.litemodel;

import java.util.Locale;

/**
 * How much of TensorFlow Lite's own log output (lines such as {@code INFO: Created TensorFlow Lite XNNPACK delegate
 * for CPU.}, which its native logger writes straight to stderr) a process shows. The one place this is decided:
 *
 * <ul>
 *   <li>the system property {@value #PROPERTY} ({@code verbose}, {@code info}, {@code warning}, {@code error} or
 *       {@code silent}) sets the level the natives start with;
 *   <li>{@link #apply()} changes it at any time (the CLI's {@code --verbose} uses it);
 *   <li>without either, TensorFlow Lite is {@link #SILENT}: LiteModel reports what matters through its exceptions
 *       (each carries the native error text) and its execution report.
 * </ul>
 *
 * <pre>{@code
 * java -Dlitemodel.native.log=info -jar litemodel-cli.jar info --model m.tflite   // show TensorFlow Lite's lines
 * NativeLog.WARNING.apply();                                                       // or from code
 * }</pre>
 *
 * <p>The level is process-wide (TensorFlow Lite keeps one threshold). Where the loaded TensorFlow Lite build has no
 * such threshold, setting it does nothing.
 */
public enum NativeLog {
  /** Everything, including debug detail. */
  VERBOSE(0),
  /** Informational lines (delegate created, runtime initialized) and above. */
  INFO(1),
  /** Warnings and errors. */
  WARNING(2),
  /** Errors only. */
  ERROR(3),
  /** Nothing (the default). */
  SILENT(4);

  /** The system property that sets the level the natives start with. */
  public static final String PROPERTY = "litemodel.native.log";

  private static volatile NativeLog chosen;

  /** TensorFlow Lite's {@code tflite::LogSeverity} value. */
  private final int severity;

  NativeLog(int severity) {
    this.severity = severity;
  }

  /**
   * Makes this the level TensorFlow Lite logs at: at once when the natives are loaded, otherwise when they load.
   * Overrides {@value #PROPERTY}.
   */
  public void apply() {
    chosen = this;
    Backends.backend().applyNativeLog(this);
  }

  /**
   * @return the level in force: the one last {@link #apply() applied}, else the one {@value #PROPERTY} names, else
   *     {@link #SILENT}
   * @throws IllegalArgumentException if {@value #PROPERTY} names no level
   */
  public static NativeLog current() {
    NativeLog level = chosen;
    if (level != null) {
      return level;
    }
    String property = System.getProperty(PROPERTY);
    return property == null ? SILENT : parse(property);
  }

  /**
   * @param text a level name, in any case
   * @return the level
   * @throws IllegalArgumentException naming the accepted values when {@code text} is none of them
   */
  public static NativeLog parse(String text) {
    for (NativeLog level : values()) {
      if (level.name().equalsIgnoreCase(text.trim())) {
        return level;
      }
    }
    throw new IllegalArgumentException(PROPERTY + " must be one of verbose, info, warning, error, silent; got '"
        + text + "'");
  }

  /** @return TensorFlow Lite's {@code tflite::LogSeverity} value for this level */
  public int severity() {
    return severity;
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
