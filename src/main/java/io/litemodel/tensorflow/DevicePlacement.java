package io.litemodel.tensorflow;

/** Where the TensorFlow runtime places a model's operations. */
public enum DevicePlacement {
  /** The GPU when TensorFlow sees a usable one, else the CPU; {@link TfModel#placement()} reports which. */
  AUTO,
  /** The CPU only, even when a GPU is visible. */
  CPU,
  /** A GPU or nothing: loading fails with a clear message when TensorFlow sees no usable GPU. */
  GPU
}
