package io.litemodel;

/**
 * The one place that decides which {@link LiteModelException.Status} a native failure gets.
 *
 * <p>TensorFlow Lite returns a {@code TfLiteStatus} from most calls, and that status decides. Building an
 * interpreter is the exception: {@code TfLiteInterpreterCreate} returns no status, only a null interpreter and its
 * error reports, so there the reports decide, and only the op resolver's two reports mean "unresolved operators".
 */
final class NativeFailures {
  /** For failures that came with no {@code TfLiteStatus}. */
  static final int NO_STATUS = Integer.MIN_VALUE;

  /** What the op resolver reports for a builtin or custom operator it has no kernel for. */
  private static final String[] UNRESOLVED_REPORTS = {
      "Didn't find op for builtin opcode", "Encountered unresolved custom op"};

  private NativeFailures() {}

  /**
   * @param status the {@code TfLiteStatus} returned, or {@link #NO_STATUS}
   * @param report what TensorFlow Lite reported with the failure (may be empty)
   * @return the status the exception carries
   */
  static LiteModelException.Status classify(int status, String report) {
    if (status != NO_STATUS && status != 0 && status != 1) {
      return LiteModelException.Status.fromCode(status);
    }
    for (String unresolved : UNRESOLVED_REPORTS) {
      if (report.contains(unresolved)) {
        return LiteModelException.Status.UNRESOLVED_OPS;
      }
    }
    return LiteModelException.Status.ERROR;
  }
}
