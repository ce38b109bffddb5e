package io.litemodel;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * A loaded model that predicts: the one face every LiteModel runtime presents (TensorFlow Lite's {@link LiteModel},
 * and the TensorFlow runtime for SavedModels and frozen graphs), so that the batch pipeline, the replica pool, the
 * micro-batcher, the command line and the Spark transforms work with any of them.
 *
 * <pre>{@code
 * try (InferenceModel model = LiteModel.load(Path.of("models/seed_mlp.tflite"))) {
 *   float[] out = new float[32];
 *   model.predictSingle(new float[256], out);
 * }
 * }</pre>
 *
 * <p><b>Semantics</b> are the same in every runtime: {@code predictSingle} runs one record of a single-input,
 * single-output model; {@code predict} runs many records in one invocation where the batch dimension is dynamic
 * ({@code -1}); {@code run} takes whole tensors by input position; the allocation-free forms
 * ({@link #predictSingle(float[], float[])}, {@link #predict(FloatBuffer, FloatBuffer, int)},
 * {@link #run(float[][], float[][])}) allocate nothing on the Java heap in steady state.
 *
 * <p><b>Threads:</b> {@link #threadSafe()} says whether one instance may serve several threads at once. When it may
 * not, give each thread its own {@link #replicate()} (replicas share the loaded weights).
 *
 * <p><b>Lifetime:</b> {@link #close()} releases every native resource exactly once; later calls fail with
 * {@link IllegalStateException}.
 */
public interface InferenceModel extends AutoCloseable {
  /** @return the inputs, in the model's order (each a snapshot of the current shapes) */
  List<TensorSpec> inputs();

  /** @return the outputs, in the model's order (each a snapshot of the current shapes) */
  List<TensorSpec> outputs();

  /**
   * @param name an input's name
   * @return its position
   * @throws IllegalArgumentException if there is none
   */
  int inputIndex(String name);

  /**
   * @param name an output's name
   * @return its position
   * @throws IllegalArgumentException if there is none
   */
  int outputIndex(String name);

  /** @return true when the batch dimension is dynamic, so that a batch runs in one invocation */
  boolean hasDynamicBatch();

  /**
   * Predicts one record of a single-input, single-output model, without allocating.
   *
   * @param input exactly one input row
   * @param output receives exactly one output row
   */
  void predictSingle(float[] input, float[] output);

  /** Predicts one record and returns a new array with the result. */
  float[] predictSingle(float[] input);

  /** Predicts many records of a single-input, single-output model; allocates the result arrays. */
  float[][] predict(float[][] rows);

  /**
   * Predicts {@code rows} records without allocating, reading from {@code input} and writing to {@code output} at
   * their positions, which advance past what was read and written.
   */
  void predict(FloatBuffer input, FloatBuffer output, int rows);

  /**
   * Runs a multi-input, multi-output model without allocating: {@code inputs[i]} holds whole rows for input
   * {@code i}, and {@code outputs[i]} receives output {@code i} for that batch.
   */
  void run(float[][] inputs, float[][] outputs);

  /** Runs a model by input name; returns a new map of new arrays, in the model's output order. */
  Map<String, float[]> run(Map<String, float[]> inputs);

  /** @return true when one instance may serve several threads at once; false when each needs a replica */
  boolean threadSafe();

  /**
   * @return another instance on the same loaded weights, with its own state and buffers, for another thread
   * @throws IllegalStateException if this instance is closed
   */
  InferenceModel replicate();

  /** @return true once {@link #close()} was called */
  boolean isClosed();

  /** Releases every native resource. Idempotent. */
  @Override
  void close();
}
