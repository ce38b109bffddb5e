package io.litemodel.batch;

import io.litemodel.InferenceModel;
import io.litemodel.TensorSpec;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** An {@link InferenceModel} that counts batch invocations (shared by its replicas) and otherwise delegates. */
final class CountingModel implements InferenceModel {
  private final InferenceModel inner;
  private final AtomicInteger batches;

  CountingModel(InferenceModel inner, AtomicInteger batches) {
    this.inner = inner;
    this.batches = batches;
  }

  @Override
  public List<TensorSpec> inputs() {
    return inner.inputs();
  }

  @Override
  public List<TensorSpec> outputs() {
    return inner.outputs();
  }

  @Override
  public int inputIndex(String name) {
    return inner.inputIndex(name);
  }

  @Override
  public int outputIndex(String name) {
    return inner.outputIndex(name);
  }

  @Override
  public boolean hasDynamicBatch() {
    return inner.hasDynamicBatch();
  }

  @Override
  public void predictSingle(float[] input, float[] output) {
    inner.predictSingle(input, output);
  }

  @Override
  public float[] predictSingle(float[] input) {
    return inner.predictSingle(input);
  }

  @Override
  public float[][] predict(float[][] rows) {
    return inner.predict(rows);
  }

  @Override
  public void predict(FloatBuffer input, FloatBuffer output, int rows) {
    inner.predict(input, output, rows);
    batches.incrementAndGet();
  }

  @Override
  public void run(float[][] inputs, float[][] outputs) {
    inner.run(inputs, outputs);
  }

  @Override
  public Map<String, float[]> run(Map<String, float[]> inputs) {
    return inner.run(inputs);
  }

  @Override
  public boolean threadSafe() {
    return inner.threadSafe();
  }

  @Override
  public InferenceModel replicate() {
    return new CountingModel(inner.replicate(), batches);
  }

  @Override
  public boolean isClosed() {
    return inner.isClosed();
  }

  @Override
  public void close() {
    inner.close();
  }
}
