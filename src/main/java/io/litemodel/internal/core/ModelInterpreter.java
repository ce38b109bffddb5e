package io.litemodel.internal.core;

import io.litemodel.ExecutionReport;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import java.util.List;

/**
 * The runtime under one {@link LiteModel}: tensors bound for Java, invocation, resizing, state and the execution
 * report. Each runtime (TensorFlow Lite's interpreter, LiteRT's compiled model on its GPU accelerator) implements it,
 * and the runtime factory ({@code internal.runtime.RuntimeFactory}) picks one; this face names none of them, so a
 * runtime is added without touching it.
 * {@link InterpreterShapes} and {@link InterpreterCalls} work on this face only, so the batch rules, the memory budget
 * and the copy loops are the same whichever runtime runs.
 *
 * <p>Not thread-safe: {@link LiteModel} serializes every call with a {@link CallGate}.
 */
public abstract class ModelInterpreter {
  /** @return the bound inputs, in the model's order (the same objects for the interpreter's whole life) */
  public abstract TensorBinding[] inputs();

  /** @return the bound outputs, in the model's order */
  public abstract TensorBinding[] outputs();

  /** @return the signature keys the model declares (empty when none) */
  public abstract List<String> signatureKeys();

  /** @return the signature that runs, or null for the main graph */
  public abstract String signatureKey();

  /** @return why tensors are not allocated yet (a resize is needed first), or null when they are */
  public abstract String allocationProblem();

  /**
   * Runs the graph once on the bound inputs. The hot path: one JNI crossing, no allocation.
   *
   * @return 0 on success, else the runtime's status code (turned into an exception by {@link #failure})
   */
  public abstract int invoke();

  /** @return an exception for a failed call, with the runtime's error text */
  public abstract LiteModelException failure(int status, String what);

  /** @return true when an invocation may move tensor memory, so the views are checked after each one */
  public abstract boolean hasDynamicOutputs();

  /** Rebuilds the views of tensors an invocation moved; only called when {@link #hasDynamicOutputs()}. */
  public abstract void refreshDynamicOutputs();

  /**
   * Checks, before {@link #resize} applies them, that the model's operators accept its inputs at
   * {@code dimsPerInput}, where the load-time safety preparation could not (see {@code ModelHandle.deferredCheck()} in the TensorFlow Lite runtime).
   *
   * @throws LiteModelException with {@link LiteModelException.Status#INVALID_MODEL} when they reject them
   */
  public abstract void checkShapes(int[][] dimsPerInput);

  /**
   * Resizes every input to {@code dimsPerInput} and reallocates, refreshing every binding.
   *
   * @throws LiteModelException when the runtime rejects the shapes (the bindings are then dropped)
   * @throws IllegalArgumentException when this runtime cannot take such a change at all
   */
  public abstract void resize(int[][] dimsPerInput);

  /** Gives back the memory of a large allocation; the caller resizes to the shapes it wants next. */
  public abstract void rebuildForShrink();

  /**
   * Resets the model's state (variable tensors); {@code rebuild} asks for a fresh runtime built from the loaded
   * model, the only way to run a resource-variable model's init graph again.
   */
  public abstract void resetState(boolean rebuild);

  /** @return what runs where, as read after the last allocation; no native call */
  public abstract ExecutionReport report();

  /** Releases every native resource. Idempotent. */
  public abstract void close();
}
