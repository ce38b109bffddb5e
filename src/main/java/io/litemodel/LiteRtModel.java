package io.litemodel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A TensorFlow Lite model run by LiteRT's GPU accelerator (WebGPU through Dawn, over Vulkan): the GPU runtime behind
 * the same {@link InferenceModel} face as {@link LiteModel}.
 *
 * <pre>{@code
 * // java -Dlitemodel.litert.dir=/opt/litert ...   (libLiteRt.so + libLiteRtWebGpuAccelerator.so: docs/accelerators.md)
 * try (LiteRtModel model = LiteRtModel.load(Path.of("models/seed_mlp.tflite"))) {
 *   System.out.println(model.adapter());          // e.g. "NVIDIA GeForce RTX 4090 (Vulkan, discrete GPU)"
 *   float[] out = new float[32];
 *   model.predictSingle(new float[256], out);
 * }
 * }</pre>
 *
 * <p><b>Adapters:</b> a hardware Vulkan device is required unless {@link Options#allowSoftwareAdapter(boolean)} is
 * set; a software one (SwiftShader, lavapipe) is correct but slow, and is what LiteModel's own tests run on.
 *
 * <p><b>Tensors:</b> float32 inputs and outputs; only the first (batch) dimension may be dynamic. Inputs and outputs
 * are in the order of the model's first signature (LiteRT's order, which may differ from the interpreter's; use
 * {@link #inputIndex(String)} or {@link #run(Map)} to go by name).
 *
 * <p><b>Threads and lifetime:</b> not thread-safe (a concurrent call fails with {@link IllegalStateException}); give
 * each thread a {@link #replicate()}, which compiles its own copy (LiteRT environments are not shared).
 * {@link #close()} is idempotent and releases the native model at once; a {@link Cleaner} releases one that was never
 * closed when it becomes unreachable (a safety net, not a substitute for close).
 */
public final class LiteRtModel implements InferenceModel {
  /** Leak safety net only: frees a model that was never closed once it is unreachable. */
  private static final Cleaner CLEANER = Cleaner.create();

  private final byte[] bytes;
  private final Options options;
  private final VulkanDevice adapter;
  private final LiteRtCompiledModel compiled;
  /** Releases {@link #compiled} exactly once: by close() or by the Cleaner (it holds no reference to this). */
  private final Cleaner.Cleanable cleanable;
  private final CallGate gate = new CallGate("LiteRtModel");
  private final int[] rowElements; // per tensor, inputs then outputs: elements per batch row
  private final int declaredBatch; // first input's declared first dimension; negative when dynamic

  private LiteRtModel(byte[] bytes, Options options, VulkanDevice adapter) {
    this.bytes = bytes;
    this.options = options;
    this.adapter = adapter;
    this.compiled = LiteRtCompiledModel.open(LiteRtRuntime.ensureBound(), bytes,
        LiteRtCompiledModel.HW_GPU | (options.allowCpuFallback ? LiteRtCompiledModel.HW_CPU : 0));
    try {
      int total = compiled.inputCount() + compiled.outputCount();
      this.rowElements = new int[total];
      for (int t = 0; t < total; t++) {
        boolean output = t >= compiled.inputCount();
        rowElements[t] = rowElements(compiled.declaredShape(output, output ? t - compiled.inputCount() : t));
      }
      this.declaredBatch = batchOf(compiled.declaredShape(false, 0));
      compiled.prepare(1);
    } catch (RuntimeException e) {
      compiled.close();
      throw e;
    }
    this.cleanable = CLEANER.register(this, compiled::close);
  }

  /**
   * Loads a .tflite file for the GPU with default options (hardware adapter required).
   *
   * @param path the model file
   * @return the model, compiled for LiteRT's GPU accelerator
   * @throws LiteModelException {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} when LiteRT's natives or a
   *     suitable Vulkan device are missing; {@link LiteModelException.Status#DELEGATE_ERROR} when LiteRT cannot
   *     compile the model (with {@link Options#allowCpuFallback(boolean) allowCpuFallback(false)}: when the GPU
   *     accelerator does not take every operator)
   */
  public static LiteRtModel load(Path path) {
    return load(path, Options.defaults());
  }

  /**
   * Loads a .tflite file for the GPU.
   *
   * @param path the model file
   * @param options adapter policy
   * @return the model
   * @throws LiteModelException as {@link #load(Path)}
   */
  public static LiteRtModel load(Path path, Options options) {
    Objects.requireNonNull(path, "path");
    try {
      return load(Files.readAllBytes(path), options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model " + path, e);
    }
  }

  /**
   * Loads a model from its bytes (copied) for the GPU.
   *
   * @param model the .tflite bytes
   * @param options adapter policy
   * @return the model
   * @throws LiteModelException as {@link #load(Path)}
   */
  public static LiteRtModel load(byte[] model, Options options) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(options, "options");
    if (model.length == 0) {
      throw new IllegalArgumentException("model is empty");
    }
    VulkanDevice adapter = chooseAdapter(LiteRtRuntime.vulkanDevices(), options.allowSoftwareAdapter);
    return new LiteRtModel(model.clone(), options, adapter);
  }

  /**
   * Tells whether a hardware GPU is usable for this path: LiteRT's natives are found and the Vulkan loader lists a
   * device that is not a software implementation.
   *
   * @return true when {@link #load(Path)} with default options can find an adapter
   */
  public static boolean hardwareGpuAvailable() {
    try {
      LiteRtRuntime.ensureBound();
    } catch (LiteModelException e) {
      return false;
    }
    return LiteRtRuntime.vulkanDevices().stream().anyMatch(VulkanDevice::hardware);
  }

  static VulkanDevice chooseAdapter(List<VulkanDevice> devices, boolean allowSoftware) {
    if (devices.isEmpty()) {
      throw new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE,
          "no Vulkan device: " + LiteRtRuntime.vulkanProblem() + ". Install the GPU vendor's Vulkan driver "
              + "(NVIDIA: the driver's libnvidia-gl / nvidia_icd.json) and the Vulkan loader (libvulkan1)");
    }
    VulkanDevice best = Collections.min(devices, Comparator.comparingInt(VulkanDevice::preference));
    if (!best.hardware() && !allowSoftware) {
      throw new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE,
          "no hardware Vulkan device; only " + best.describe() + ", a software implementation (correct, not fast). "
              + "Use LiteRtModel.Options.defaults().allowSoftwareAdapter(true) to run on it anyway");
    }
    return best;
  }

  /** @return the Vulkan device LiteRT's accelerator runs on (the one Dawn prefers among those listed) */
  public String adapter() {
    return adapter.describe();
  }

  /** @return true when the adapter is a software implementation of Vulkan (SwiftShader, lavapipe) */
  public boolean softwareAdapter() {
    return !adapter.hardware();
  }

  /**
   * @return true when LiteRT reports every operator on the GPU accelerator; false when some run on its CPU
   *     fallback (LiteRT's C API does not say which)
   */
  public boolean fullyAccelerated() {
    return compiled.fullyAccelerated();
  }

  /**
   * @return on one line: which LiteRT library and GPU accelerator library were loaded (paths), the adapter, and
   *     whether every operator runs on the GPU
   */
  public String executionSummary() {
    java.nio.file.Path dir = LiteRtRuntime.ensureBound();
    return "LiteRT " + dir.resolve(LiteRtRuntime.LIBRARY) + ", GPU accelerator "
        + dir.resolve(LiteRtRuntime.GPU_ACCELERATOR_LIBRARY) + " (WebGPU) on " + adapter() + "; "
        + (fullyAccelerated() ? "all operators on the GPU"
            : "some operators fall back to LiteRT's CPU accelerator (LiteRT does not say which)");
  }

  @Override
  public List<TensorSpec> inputs() {
    return specs(false);
  }

  @Override
  public List<TensorSpec> outputs() {
    return specs(true);
  }

  private List<TensorSpec> specs(boolean output) {
    checkOpen();
    int count = output ? compiled.outputCount() : compiled.inputCount();
    List<TensorSpec> specs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int[] shape = compiled.shape(output, i);
      long elements = 1;
      for (int d : shape) {
        elements *= Math.max(d, 0);
      }
      String name = compiled.name(output, i);
      specs.add(new TensorSpec(i, name, name, shape, compiled.declaredShape(output, i), DataType.FLOAT32, 0f, 0,
          elements * Float.BYTES));
    }
    return Collections.unmodifiableList(specs);
  }

  @Override
  public int inputIndex(String name) {
    return index(false, name);
  }

  @Override
  public int outputIndex(String name) {
    return index(true, name);
  }

  private int index(boolean output, String name) {
    checkOpen();
    int count = output ? compiled.outputCount() : compiled.inputCount();
    for (int i = 0; i < count; i++) {
      if (compiled.name(output, i).equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no " + (output ? "output" : "input") + " named '" + name + "'");
  }

  @Override
  public boolean hasDynamicBatch() {
    checkOpen();
    return declaredBatch < 0;
  }

  @Override
  public void predictSingle(float[] input, float[] output) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    gate.enter();
    try {
      checkSingle();
      checkLength("input", input.length, rowElements[0]);
      checkLength("output", output.length, rowElements[compiled.inputCount()]);
      compiled.prepare(1);
      FloatBuffer in = compiled.view(false, 0);
      in.clear();
      in.put(input);
      compiled.run();
      FloatBuffer out = compiled.view(true, 0);
      out.clear();
      out.get(output);
    } finally {
      gate.exit();
    }
  }

  @Override
  public float[] predictSingle(float[] input) {
    float[] output = new float[outputRowElements()];
    predictSingle(input, output);
    return output;
  }

  @Override
  public float[][] predict(float[][] rows) {
    Objects.requireNonNull(rows, "rows");
    int inRow = inputRowElements();
    float[] flat = new float[rows.length * inRow];
    for (int r = 0; r < rows.length; r++) {
      checkLength("row " + r, rows[r].length, inRow);
      System.arraycopy(rows[r], 0, flat, r * inRow, inRow);
    }
    int outRow = outputRowElements();
    float[] result = new float[rows.length * outRow];
    predict(FloatBuffer.wrap(flat), FloatBuffer.wrap(result), rows.length);
    float[][] out = new float[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      out[r] = java.util.Arrays.copyOfRange(result, r * outRow, (r + 1) * outRow);
    }
    return out;
  }

  @Override
  public void predict(FloatBuffer input, FloatBuffer output, int rows) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    if (rows < 1) {
      throw new IllegalArgumentException("rows must be at least 1, got " + rows);
    }
    gate.enter();
    try {
      checkSingle();
      int inRow = rowElements[0];
      int outRow = rowElements[compiled.inputCount()];
      if (input.remaining() < (long) rows * inRow || output.remaining() < (long) rows * outRow) {
        throw new IllegalArgumentException("predict of " + rows + " rows needs " + (long) rows * inRow
            + " input and " + (long) rows * outRow + " output floats; the buffers have " + input.remaining()
            + " and " + output.remaining() + " remaining");
      }
      int step = declaredBatch < 0 ? rows : declaredBatch;
      if (rows % step != 0) {
        throw new IllegalArgumentException("this model has a fixed batch of " + step + "; " + rows + " rows are not "
            + "a multiple of it");
      }
      compiled.prepare(step);
      for (int done = 0; done < rows; done += step) {
        transfer(input, compiled.view(false, 0), step * inRow);
        compiled.run();
        FloatBuffer out = compiled.view(true, 0);
        out.clear();
        out.limit(step * outRow);
        output.put(out);
      }
    } finally {
      gate.exit();
    }
  }

  private static void transfer(FloatBuffer from, FloatBuffer to, int count) {
    to.clear();
    int limit = from.limit();
    from.limit(from.position() + count);
    to.put(from);
    from.limit(limit);
  }

  @Override
  public void run(float[][] inputs, float[][] outputs) {
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(outputs, "outputs");
    gate.enter();
    try {
      checkOpen();
      if (inputs.length != compiled.inputCount() || outputs.length != compiled.outputCount()) {
        throw new IllegalArgumentException("model has " + compiled.inputCount() + " inputs and "
            + compiled.outputCount() + " outputs; got " + inputs.length + " and " + outputs.length);
      }
      int rows = rowsOf(inputs);
      compiled.prepare(declaredBatch < 0 ? rows : declaredBatch);
      for (int i = 0; i < inputs.length; i++) {
        FloatBuffer view = compiled.view(false, i);
        view.clear();
        view.put(inputs[i]);
      }
      compiled.run();
      for (int o = 0; o < outputs.length; o++) {
        int need = rows * rowElements[compiled.inputCount() + o];
        checkLength("outputs[" + o + "]", outputs[o].length, need);
        FloatBuffer view = compiled.view(true, o);
        view.clear();
        view.get(outputs[o]);
      }
    } finally {
      gate.exit();
    }
  }

  private int rowsOf(float[][] inputs) {
    int rows = -1;
    for (int i = 0; i < inputs.length; i++) {
      int per = rowElements[i];
      if (inputs[i] == null || inputs[i].length == 0 || inputs[i].length % per != 0) {
        throw new IllegalArgumentException("inputs[" + i + "] ('" + compiled.name(false, i) + "') must hold whole "
            + "rows of " + per + " floats; got " + (inputs[i] == null ? "null" : inputs[i].length + " floats"));
      }
      int r = inputs[i].length / per;
      if (rows >= 0 && r != rows) {
        throw new IllegalArgumentException("inputs hold different row counts: " + rows + " and " + r);
      }
      rows = r;
    }
    if (declaredBatch > 0 && rows != declaredBatch) {
      throw new IllegalArgumentException("this model has a fixed batch of " + declaredBatch + "; got " + rows
          + " rows");
    }
    return rows;
  }

  @Override
  public Map<String, float[]> run(Map<String, float[]> inputs) {
    Objects.requireNonNull(inputs, "inputs");
    checkOpen();
    float[][] in = new float[compiled.inputCount()][];
    for (Map.Entry<String, float[]> entry : inputs.entrySet()) {
      in[inputIndex(entry.getKey())] = entry.getValue();
    }
    for (int i = 0; i < in.length; i++) {
      if (in[i] == null) {
        throw new IllegalArgumentException("missing input '" + compiled.name(false, i) + "'");
      }
    }
    int rows = in[0].length / rowElements[0];
    float[][] out = new float[compiled.outputCount()][];
    for (int o = 0; o < out.length; o++) {
      out[o] = new float[rows * rowElements[compiled.inputCount() + o]];
    }
    run(in, out);
    Map<String, float[]> result = new LinkedHashMap<>();
    for (int o = 0; o < out.length; o++) {
      result.put(compiled.name(true, o), out[o]);
    }
    return result;
  }

  @Override
  public boolean threadSafe() {
    return false;
  }

  @Override
  public LiteRtModel replicate() {
    checkOpen();
    return new LiteRtModel(bytes, options, adapter);
  }

  @Override
  public boolean isClosed() {
    return gate.isClosed();
  }

  @Override
  public void close() {
    if (gate.close()) {
      cleanable.clean();
    }
  }

  private void checkOpen() {
    if (gate.isClosed()) {
      throw new IllegalStateException("this LiteRtModel is closed");
    }
  }

  private void checkSingle() {
    checkOpen();
    if (compiled.inputCount() != 1 || compiled.outputCount() != 1) {
      throw new IllegalArgumentException("predictSingle/predict need a single-input, single-output model; this one "
          + "has " + compiled.inputCount() + " inputs and " + compiled.outputCount() + " outputs: use run");
    }
  }

  private int inputRowElements() {
    checkSingle();
    return rowElements[0];
  }

  private int outputRowElements() {
    checkSingle();
    return rowElements[compiled.inputCount()];
  }

  private static void checkLength(String what, int length, int expected) {
    if (length != expected) {
      throw new IllegalArgumentException(what + " has " + length + " floats; the model expects " + expected);
    }
  }

  private static int batchOf(int[] shape) {
    return shape.length == 0 ? 1 : shape[0];
  }

  private static int rowElements(int[] shape) {
    int n = 1;
    for (int d = 1; d < shape.length; d++) {
      n *= shape[d];
    }
    return n;
  }

  /** Adapter and fallback policy for {@link LiteRtModel#load(Path, Options)}. Immutable. */
  public static final class Options {
    private final boolean allowSoftwareAdapter;
    private final boolean allowCpuFallback;

    private Options(boolean allowSoftwareAdapter, boolean allowCpuFallback) {
      this.allowSoftwareAdapter = allowSoftwareAdapter;
      this.allowCpuFallback = allowCpuFallback;
    }

    /** @return options that require a hardware Vulkan device and let unsupported operators run on LiteRT's CPU */
    public static Options defaults() {
      return new Options(false, true);
    }

    /**
     * @param allow true to run on a software Vulkan device (SwiftShader, lavapipe) when no hardware one exists
     * @return options with that policy
     */
    public Options allowSoftwareAdapter(boolean allow) {
      return new Options(allow, allowCpuFallback);
    }

    /**
     * @param allow true (the default) to let operators the GPU accelerator does not support run on LiteRT's CPU
     *     accelerator ({@link LiteRtModel#fullyAccelerated()} is then false); false to fail loading instead
     * @return options with that policy
     */
    public Options allowCpuFallback(boolean allow) {
      return new Options(allowSoftwareAdapter, allow);
    }

    /** @return whether a software Vulkan device may be used */
    public boolean softwareAdapterAllowed() {
      return allowSoftwareAdapter;
    }

    /** @return whether unsupported operators may fall back to LiteRT's CPU accelerator */
    public boolean cpuFallbackAllowed() {
      return allowCpuFallback;
    }
  }
}
