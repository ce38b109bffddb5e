package io.litemodel;

import java.util.Optional;

/**
 * LiteRT's GPU accelerator: the model is compiled by LiteRT (the successor of TensorFlow Lite) for WebGPU, which Dawn
 * runs over Vulkan, on the GPU's own Vulkan driver. Strict: building a model fails with
 * {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE}, and says why, when LiteRT's natives are not found, no
 * suitable Vulkan device is listed, or LiteRT cannot compile the model. Get one from {@link Accelerator#gpu()}.
 *
 * <pre>{@code
 * // java -Dlitemodel.litert.dir=/opt/litert ...   (libLiteRt.so + libLiteRtWebGpuAccelerator.so: docs/accelerators.md)
 * try (LiteModel model = LiteModel.load(path, LiteModel.Options.defaults().withAccelerator(Accelerator.gpu()))) {
 *   System.out.println(model.executionReport().gpuAdapter());   // e.g. "NVIDIA H100 (Vulkan, discrete GPU)"
 * }
 * }</pre>
 *
 * <p><b>Adapters:</b> a hardware Vulkan device is required unless {@link #withSoftwareAdapter(boolean)} allows a
 * software one (SwiftShader, lavapipe): correct, not fast, and what LiteModel's own tests run on.
 *
 * <p><b>Operators</b> the GPU does not take run on LiteRT's CPU accelerator, and the {@link ExecutionReport} names
 * them, unless {@link #withCpuFallback(boolean) withCpuFallback(false)} asks for all or nothing.
 *
 * <p><b>Limits</b> (LiteRT 2.3): float32 inputs and outputs; only the first (batch) dimension may be dynamic; the model's
 * first signature runs. The CPU options of {@link LiteModel.Options} (threads, XNNPACK, weights cache) do not apply.
 * Immutable; each {@code with} method returns a new instance.
 */
public final class GpuAccelerator extends Accelerator {
  static final GpuAccelerator DEFAULTS = new GpuAccelerator();

  // Set only by the with-methods, on a fresh copy, before the instance is returned: instances never change.
  private boolean softwareAdapter;
  private boolean cpuFallback = true;

  private GpuAccelerator() {}

  /** @return {@link Accelerator.Kind#GPU} */
  @Override
  public Kind kind() {
    return Kind.GPU;
  }

  /**
   * @param allowed run on a software Vulkan device (SwiftShader, lavapipe) when no hardware one is listed; off by
   *     default, since such a device is much slower than the CPU path
   * @return a copy with this option set
   */
  public GpuAccelerator withSoftwareAdapter(boolean allowed) {
    GpuAccelerator copy = copy();
    copy.softwareAdapter = allowed;
    return copy;
  }

  /**
   * @param allowed let operators the GPU does not take run on LiteRT's CPU accelerator (the default); when false, a
   *     model the GPU does not take whole fails to load
   * @return a copy with this option set
   */
  public GpuAccelerator withCpuFallback(boolean allowed) {
    GpuAccelerator copy = copy();
    copy.cpuFallback = allowed;
    return copy;
  }

  /** @return true when a software Vulkan device may be used */
  public boolean softwareAdapter() {
    return softwareAdapter;
  }

  /** @return true when operators the GPU does not take may run on LiteRT's CPU accelerator */
  public boolean cpuFallback() {
    return cpuFallback;
  }

  /**
   * @return true when LiteRT's natives are found and the Vulkan loader lists a hardware device: what
   *     {@link Accelerator#auto()} needs to choose the GPU
   */
  public static boolean hardwareAvailable() {
    return Backends.backend().hardwareGpuListed(); // a question about this machine, for the runtime that knows
  }

  /**
   * Says whether LiteRT's GPU runtime is there to use: its natives found and bound (the {@code linux-x86_64-litert}
   * jar on the class path, or {@code -Dlitemodel.litert.dir}). Loads them if needed; whether a GPU is present is
   * {@link #hardwareAvailable()}'s question.
   *
   * @return empty when the runtime binds; else why not and how to add its natives
   */
  public static Optional<String> runtimeProblem() {
    return Backends.backend().gpuRuntimeProblem();
  }

  @Override
  public String toString() {
    return "GPU(LiteRT, softwareAdapter=" + softwareAdapter + ", cpuFallback=" + cpuFallback + ")";
  }
}
