package io.litemodel.benchmarks;

import io.litemodel.LiteModel;

/** The ways to run {@code seed_mlp} compared by the reduced-precision benchmark and the error check. */
public enum PrecisionMode {
  /** The reference: float32 model, XNNPACK. */
  FLOAT32("seed_mlp", true, false),
  /** Float32 model, built-in kernels only. */
  FLOAT32_NO_XNNPACK("seed_mlp", false, false),
  /** Float32 model, XNNPACK asked to compute in half precision (needs native fp16 arithmetic to pay off). */
  FLOAT32_FORCE_FP16("seed_mlp", true, true),
  /** Float16 weights (dequantized to float32 at load time by TensorFlow Lite). */
  FLOAT16("seed_mlp_float16", true, false),
  /** Dynamic-range int8 weights, float activations. */
  DYNAMIC_INT8("seed_mlp_dynamic", true, false),
  /** Full int8 (int8 input and output, quantized in Java by LiteModel). */
  INT8("seed_mlp_int8", true, false);

  private final String model;
  private final boolean xnnpack;
  private final boolean forceFp16;

  PrecisionMode(String model, boolean xnnpack, boolean forceFp16) {
    this.model = model;
    this.xnnpack = xnnpack;
    this.forceFp16 = forceFp16;
  }

  /** @return the reference model's name in models/ */
  public String model() {
    return model;
  }

  /** @return LiteModel options for this mode, one thread */
  public LiteModel.Options options() {
    return LiteModel.Options.defaults().withThreads(1).withXnnpack(xnnpack).withXnnpackForceFp16(forceFp16);
  }

  /** @return the mode loaded and ready */
  public LiteModel load() {
    return LiteModel.load(BenchData.model(model, ".tflite"), options());
  }
}
