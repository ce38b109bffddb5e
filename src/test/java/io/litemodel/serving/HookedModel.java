package io.litemodel.serving;

import io.litemodel.InferenceModel;
import io.litemodel.LiteModelException;
import io.litemodel.TensorSpec;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * A real model with test hooks on its batched {@code predict}: an optional gate (each call takes a permit, so a test
 * can hold a batch in progress while more requests pile up), a record of the batch sizes run, and a poison value
 * (a first input element equal to {@link #POISON} in any row makes the call fail). Replicas share the hooks.
 */
final class HookedModel implements InferenceModel {
  static final float POISON = 777f;

  /** Shared by a model and its replicas. */
  static final class Hooks {
    final Semaphore gate = new Semaphore(Integer.MAX_VALUE);
    final Queue<Integer> sizes = new ConcurrentLinkedQueue<>();
    volatile int poisonRows; // rows of each call checked for poison

    /** Makes the next batch wait in predict until {@link #open()}. */
    void close() {
      gate.drainPermits();
    }

    void open() {
      gate.release(Integer.MAX_VALUE / 2);
    }
  }

  private final InferenceModel delegate;
  final Hooks hooks;

  HookedModel(InferenceModel delegate, Hooks hooks) {
    this.delegate = delegate;
    this.hooks = hooks;
  }

  @Override
  public void predict(FloatBuffer input, FloatBuffer output, int rows) {
    hooks.gate.acquireUninterruptibly();
    hooks.gate.release();
    hooks.sizes.add(rows);
    int row = delegate.inputs().get(0).rowElements();
    for (int r = 0; r < Math.min(rows, hooks.poisonRows); r++) {
      if (input.get(input.position() + r * row) == POISON) {
        throw new LiteModelException(LiteModelException.Status.ERROR, "poisoned row " + r);
      }
    }
    delegate.predict(input, output, rows);
  }

  @Override
  public List<TensorSpec> inputs() {
    return delegate.inputs();
  }

  @Override
  public List<TensorSpec> outputs() {
    return delegate.outputs();
  }

  @Override
  public int inputIndex(String name) {
    return delegate.inputIndex(name);
  }

  @Override
  public int outputIndex(String name) {
    return delegate.outputIndex(name);
  }

  @Override
  public boolean hasDynamicBatch() {
    return delegate.hasDynamicBatch();
  }

  @Override
  public void predictSingle(float[] input, float[] output) {
    delegate.predictSingle(input, output);
  }

  @Override
  public float[] predictSingle(float[] input) {
    return delegate.predictSingle(input);
  }

  @Override
  public float[][] predict(float[][] rows) {
    return delegate.predict(rows);
  }

  @Override
  public void run(float[][] inputs, float[][] outputs) {
    delegate.run(inputs, outputs);
  }

  @Override
  public Map<String, float[]> run(Map<String, float[]> inputs) {
    return delegate.run(inputs);
  }

  @Override
  public boolean threadSafe() {
    return delegate.threadSafe();
  }

  @Override
  public InferenceModel replicate() {
    return new HookedModel(delegate.replicate(), hooks);
  }

  @Override
  public boolean isClosed() {
    return delegate.isClosed();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
