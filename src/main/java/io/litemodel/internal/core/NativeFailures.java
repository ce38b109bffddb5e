package io.litemodel.internal.core;

import io.litemodel.LiteModelException;

/**
 * The one place that decides which {@link LiteModelException.Status} a native failure gets.
 *
 * <p>TensorFlow Lite returns a {@code TfLiteStatus} from most calls, and that status decides. Building an
 * interpreter is the exception: {@code TfLiteInterpreterCreate} returns no status, only a null interpreter and its
 * error reports, so there the reports decide, and only the op resolver's two reports mean "unresolved operators".
 */
public final class NativeFailures {
  /** For failures that came with no {@code TfLiteStatus}. */
  public static final int NO_STATUS = Integer.MIN_VALUE;

  /** What the op resolver reports for a builtin or custom operator it has no kernel for. */
  private static final String[] UNRESOLVED_REPORTS = {
      "Didn't find op for builtin opcode", "Encountered unresolved custom op"};

  private NativeFailures() {}

  /**
   * Turns the two Java errors that native code can raise while a model loads into a {@link LiteModelException}:
   * <ul>
   *   <li>JavaCPP's {@link OutOfMemoryError}, thrown when a native allocation would pass its accounting limits
   *       ({@code org.bytedeco.javacpp.maxBytes} / {@code maxPhysicalBytes}, by default tied to the heap size). A
   *       model that declares huge tensors triggers it; the JVM's heap is fine, so it is a property of the model and
   *       the limits, not a reason to let an {@link Error} out of the API;
   *   <li>a C++ exception, which JavaCPP rethrows as a plain {@link RuntimeException} with the exception's text
   *       (a {@code std::out_of_range} from a map lookup surfaced as {@code RuntimeException: _Map_base::at}).
   * </ul>
   *
   * @param error what was thrown
   * @param what what was being done, for the message (e.g. "loading model x.tflite")
   * @return the exception to throw instead, or null when {@code error} is neither (rethrow it as it is)
   */
  public static LiteModelException translate(Throwable error, String what) {
    if (error instanceof OutOfMemoryError && thrownByJavaCpp(error)) {
      return new LiteModelException(LiteModelException.Status.ERROR, what + " needs more native memory than "
          + "JavaCPP's limits allow (raise -Xmx or org.bytedeco.javacpp.maxPhysicalBytes if the model is "
          + "genuine): " + error.getMessage(), error);
    }
    if (error.getClass() == RuntimeException.class && thrownByJavaCpp(error)) {
      return new LiteModelException(LiteModelException.Status.ERROR, what + " failed inside TensorFlow Lite "
          + "with a C++ exception: " + error.getMessage(), error);
    }
    return null;
  }

  /** @return true when the top of the stack is JavaCPP's allocator or a JNI call into the native libraries */
  private static boolean thrownByJavaCpp(Throwable error) {
    StackTraceElement[] trace = error.getStackTrace();
    for (int i = 0; i < Math.min(3, trace.length); i++) {
      String type = trace[i].getClassName();
      if (type.startsWith("org.bytedeco.") || type.startsWith("io.litemodel.presets.")) {
        return true;
      }
    }
    return false;
  }

  /**
   * @param status the {@code TfLiteStatus} returned, or {@link #NO_STATUS}
   * @param report what TensorFlow Lite reported with the failure (may be empty)
   * @return the status the exception carries
   */
  public static LiteModelException.Status classify(int status, String report) {
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
