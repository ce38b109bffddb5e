package io.litemodel.batch;

/** Thrown by {@link BatchPredictor#run} when the source, the model or the consumer failed (not a single item). */
public final class BatchPredictionException extends RuntimeException {
  BatchPredictionException(String message, Throwable cause) {
    super(message + ": " + cause, cause);
  }
}
