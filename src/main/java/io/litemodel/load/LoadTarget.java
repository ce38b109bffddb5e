package io.litemodel.load;

/**
 * What a {@link LoadGenerator} calls: a factory of per-caller prediction functions, so that each caller thread can
 * hold its own resources (its own model replica, say) or all can share one (a pool, a batcher, a shared session).
 *
 * <pre>{@code
 * LoadTarget viaBatcher = caller -> batcher::predictSingle;
 * LoadTarget perThread = caller -> model.replicate()::predictSingle;
 * }</pre>
 */
@FunctionalInterface
public interface LoadTarget {
  /**
   * Called once on each caller thread before its first request.
   *
   * @param caller the caller's number, from 0
   * @return the function that caller calls for every request, only from that thread
   * @throws Exception if the caller cannot be set up (the run fails)
   */
  Call forCaller(int caller) throws Exception;

  /** One prediction: reads {@code input}, writes {@code output}. */
  @FunctionalInterface
  interface Call {
    /**
     * @param input one input record
     * @param output receives one output record
     * @throws Exception counted as an error; the request's latency is still recorded
     */
    void predict(float[] input, float[] output) throws Exception;
  }
}
