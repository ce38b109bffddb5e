package io.litemodel.cli;

/**
 * The exit statuses of LiteModel's command lines, the same for the Java CLI ({@code litemodel}) and the Python
 * converter ({@code python -m keras2tflite}, {@code litemodel convert}):
 *
 * <ul>
 *   <li>{@value #SUCCESS}: done;
 *   <li>{@value #FAILURE}: the work failed (unloadable model, unreadable input, conversion error, missing runtime);
 *   <li>{@value #USAGE}: the command line is wrong (unknown or bad option, missing file), found before any work;
 *   <li>{@value #VERIFICATION_FAILED}: the converter's output differs from the original model beyond tolerance, or
 *       {@code check} found predictions that differ from the golden files beyond it.
 * </ul>
 */
final class ExitStatus {
  /** Done. */
  static final int SUCCESS = 0;
  /** The work failed. */
  static final int FAILURE = 1;
  /** The command line is wrong; a one-line reason and a hint to {@code --help} are printed. */
  static final int USAGE = 2;
  /** The converted model does not match the original (converter), or predictions do not match the golden files. */
  static final int VERIFICATION_FAILED = 3;

  private ExitStatus() {}
}
