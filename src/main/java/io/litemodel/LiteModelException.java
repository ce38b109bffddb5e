package io.litemodel;

/**
 * A failure reported by TensorFlow Lite or by loading its native library. The message carries the native error text
 * when TensorFlow Lite gave one.
 *
 * <p>Misuse of the API is not reported with this type: wrong argument lengths or types give
 * {@link IllegalArgumentException}, use after {@code close()} and concurrent use give {@link IllegalStateException}.
 */
public class LiteModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Mirrors the C API's {@code TfLiteStatus}, plus the failures that happen before TensorFlow Lite runs. */
  public enum Status {
    /** {@code kTfLiteError}: a generic runtime error. */
    ERROR(1),
    /** {@code kTfLiteDelegateError}: a delegate failed; the graph may be left in an unusable state. */
    DELEGATE_ERROR(2),
    /** {@code kTfLiteApplicationError}: an incompatibility between the runtime and a delegate. */
    APPLICATION_ERROR(3),
    /** {@code kTfLiteDelegateDataNotFound}: serialized delegate data was not found. */
    DELEGATE_DATA_NOT_FOUND(4),
    /** {@code kTfLiteDelegateDataWriteError}: serialized delegate data could not be written. */
    DELEGATE_DATA_WRITE_ERROR(5),
    /** {@code kTfLiteDelegateDataReadError}: serialized delegate data could not be read. */
    DELEGATE_DATA_READ_ERROR(6),
    /** {@code kTfLiteUnresolvedOps}: the model has operators this runtime cannot run. */
    UNRESOLVED_OPS(7),
    /** {@code kTfLiteCancelled}: the invocation was cancelled. */
    CANCELLED(8),
    /** {@code kTfLiteOutputShapeNotKnown}: an output shape is not known before invocation. */
    OUTPUT_SHAPE_NOT_KNOWN(9),
    /** The model bytes were rejected: not a TensorFlow Lite flatbuffer, truncated, or structurally corrupt. */
    INVALID_MODEL(-1),
    /** The native libraries could not be loaded on this platform. */
    NATIVE_LIBRARY_UNAVAILABLE(-2),
    /** A status code this version does not know. */
    UNKNOWN(-3),
    /** A strictly requested accelerator (e.g. the GPU) cannot be used here; the message names what is missing. */
    ACCELERATOR_UNAVAILABLE(-4),
    /**
     * The model's tensors, or a batch or shape asked for, would need more native memory than the memory budget allows
     * ({@link LiteModel.Options#withMemoryBudget(long)}); nothing was allocated. The message names the largest tensor.
     */
    MEMORY_BUDGET_EXCEEDED(-5);

    private final int code;

    Status(int code) {
      this.code = code;
    }

    /** @return the {@code TfLiteStatus} code, or a negative number for LiteModel's own statuses */
    public int code() {
      return code;
    }

    /**
     * @param code a {@code TfLiteStatus} code other than {@code kTfLiteOk}
     * @return the matching status, or {@link #UNKNOWN}
     */
    public static Status fromCode(int code) {
      for (Status status : values()) {
        if (status.code == code && code > 0) {
          return status;
        }
      }
      return UNKNOWN;
    }
  }

  private final Status status;

  /**
   * @param status what failed
   * @param message a complete sentence, including the native error text where there is one
   */
  public LiteModelException(Status status, String message) {
    super(message);
    this.status = status;
  }

  /**
   * @param status what failed
   * @param message a complete sentence
   * @param cause the underlying failure
   */
  public LiteModelException(Status status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** @return the status that describes this failure */
  public Status status() {
    return status;
  }
}
