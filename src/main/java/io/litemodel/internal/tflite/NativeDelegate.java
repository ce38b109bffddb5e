package io.litemodel.internal.tflite;

import org.bytedeco.javacpp.Pointer;

/**
 * A TensorFlow Lite delegate owned by exactly one interpreter. The interpreter deletes itself first, then calls
 * {@link #delete()} on each of its delegates, once.
 */
public interface NativeDelegate {
  /** @return the {@code TfLiteDelegate*} to add to interpreter options */
  Pointer pointer();

  /** @return a short human-readable description, e.g. {@code XNNPACK(threads=1, flags=0x3)} */
  String describe();

  /** Frees the delegate. Called once, after the interpreter using it was deleted. */
  void delete();
}
