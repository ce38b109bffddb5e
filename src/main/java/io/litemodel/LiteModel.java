package io.litemodel;

import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A TensorFlow Lite model ready to predict, with preallocated native tensors and allocation-free hot paths.
 *
 * <pre>{@code
 * try (LiteModel model = LiteModel.load(Path.of("models/seed_mlp.tflite"))) {
 *   float[] in = new float[256];
 *   float[] out = new float[32];
 *   model.predictSingle(in, out);   // no allocation, one native call
 * }
 * }</pre>
 *
 * <p><b>Thread safety: an instance is not thread-safe.</b> Like a TensorFlow Lite interpreter, it must be used by
 * one thread at a time. Overlapping calls from two threads are detected (a single compare-and-set per call) and the
 * late one fails with {@link IllegalStateException}; memory is never corrupted. To serve many threads, give each its
 * own {@link #replicate() replica} (replicas share the model bytes), or use a
 * {@code io.litemodel.serving.LiteModelPool}.
 *
 * <p><b>Lifetime:</b> {@link #close()} releases every native resource, exactly once; later calls on the instance
 * fail with {@link IllegalStateException}. A {@link java.lang.ref.Cleaner} releases an instance that was never closed, once it is
 * unreachable, but only as a safety net: close models explicitly.
 *
 * <p><b>Batching:</b> when the model's first input dimension is dynamic ({@code -1}, the converter's default),
 * {@link #predict(float[][])} and {@link #predict(FloatBuffer, FloatBuffer, int)} run all rows in one invocation
 * over a resized batch dimension. Resizing reallocates tensors, so it happens only when the batch size differs from
 * the previous call's; repeating a batch size costs nothing extra. When the batch dimension is fixed, the rows run in
 * chunks of that fixed size (one row at a time for the usual fixed batch of 1), and {@link #toString()} says so.
 *
 * <p><b>Numbers:</b> NaN and infinite inputs are allowed and passed to the model as they are (for quantized inputs,
 * NaN maps to the zero point and infinities saturate).
 */
public final class LiteModel implements InferenceModel {
  // A facade (docs/api.md, "Layers"): the backend, found once with ServiceLoader, does the work, so this package
  // names no runtime class and loading only goes down.

  /** The loaded model; this instance is its only holder, so the backend's Cleaner runs when this is unreachable. */
  private final LiteModelBackend.Model model;
  private final Options options;

  private LiteModel(LiteModelBackend.Model model, Options options) {
    this.model = model;
    this.options = options;
  }

  /** The serialized form of {@link Options}: their text, parsed again on reading. */
  private record SerializedOptions(String text) implements Serializable {
    private static final long serialVersionUID = 1L;

    private Object readResolve() throws InvalidObjectException {
      try {
        return Options.parse(text);
      } catch (IllegalArgumentException e) {
        InvalidObjectException invalid = new InvalidObjectException("LiteModel.Options: " + e.getMessage());
        invalid.initCause(e);
        throw invalid;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Loading

  /**
   * Loads a {@code .tflite} file with default {@link Options}.
   *
   * @throws IllegalArgumentException if the file does not exist
   * @throws LiteModelException if the file is not a valid TensorFlow Lite model
   */
  public static LiteModel load(Path path) {
    return load(path, Options.defaults());
  }

  /**
   * Loads a {@code .tflite} file.
   *
   * @throws IllegalArgumentException if the file does not exist
   * @throws UncheckedIOException if it cannot be read
   * @throws LiteModelException if the file is not a valid TensorFlow Lite model
   */
  public static LiteModel load(Path path, Options options) {
    Objects.requireNonNull(path, "path");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("model file does not exist: " + path.toAbsolutePath(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read model file " + path.toAbsolutePath() + ": " + e, e);
    }
    return load(ByteBuffer.wrap(bytes), options, path.toString(), path);
  }

  /** Loads a model from its bytes (copied; the array may be reused at once), with default {@link Options}. */
  public static LiteModel load(byte[] bytes) {
    return load(bytes, Options.defaults());
  }

  /** Loads a model from its bytes (copied; the array may be reused at once). */
  public static LiteModel load(byte[] bytes, Options options) {
    Objects.requireNonNull(bytes, "bytes");
    return load(ByteBuffer.wrap(bytes), options, "from byte[" + bytes.length + "]", null);
  }

  /**
   * Loads a model from the bytes between the buffer's position and limit (copied; the buffer is not modified), with
   * default {@link Options}.
   */
  public static LiteModel load(ByteBuffer bytes) {
    return load(bytes, Options.defaults());
  }

  /** Loads a model from the bytes between the buffer's position and limit (copied; the buffer is not modified). */
  public static LiteModel load(ByteBuffer bytes, Options options) {
    Objects.requireNonNull(bytes, "bytes");
    return load(bytes, options, "from ByteBuffer[" + bytes.remaining() + "]", null);
  }

  /** Loads a model from a classpath resource (e.g. {@code "models/seed_mlp.tflite"}), with default options. */
  public static LiteModel loadResource(String resource) {
    return loadResource(resource, Options.defaults());
  }

  /**
   * Loads a model from a classpath resource, resolved by this class's class loader (a leading {@code /} is
   * optional).
   *
   * @throws IllegalArgumentException if there is no such resource
   */
  public static LiteModel loadResource(String resource, Options options) {
    Objects.requireNonNull(resource, "resource");
    String name = resource.startsWith("/") ? resource.substring(1) : resource;
    ClassLoader loader = LiteModel.class.getClassLoader();
    try (InputStream stream = loader.getResourceAsStream(name)) {
      if (stream == null) {
        throw new IllegalArgumentException("no classpath resource '" + name + "'");
      }
      return load(ByteBuffer.wrap(stream.readAllBytes()), options, "resource " + name, null);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read classpath resource " + name + ": " + e, e);
    }
  }

  /** @param file the file the bytes were read from, or null (then a child-process check writes a temporary copy) */
  private static LiteModel load(ByteBuffer bytes, Options options, String source, Path file) {
    Objects.requireNonNull(options, "options");
    return new LiteModel(Backends.backend().load(bytes, options, source, file), options);
  }

  /**
   * Creates another instance on the same model bytes (not copied again), with its own interpreter and tensors, for
   * use by another thread. Replicas are independent: closing one does not affect the others, and each keeps its own
   * state (see {@link #resetState()}). A replica starts with this instance's current input shapes (those set by
   * {@link #resizeInput(int, int...)} or by the last batch); later resizes apply to one instance only.
   *
   * @throws IllegalStateException if this instance is closed
   */
  @Override
  public LiteModel replicate() {
    return replicate(options);
  }

  /** Like {@link #replicate()}, with other options (for example another thread count). */
  public LiteModel replicate(Options replicaOptions) {
    Objects.requireNonNull(replicaOptions, "options");
    return new LiteModel(model.replicate(replicaOptions), replicaOptions);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Introspection

  /**
   * @return the version of the TensorFlow Lite runtime in use (loads the native libraries if needed)
   * @throws LiteModelException if the native libraries cannot be loaded
   */
  public static String tensorFlowLiteVersion() {
    return Backends.backend().tensorFlowLiteVersion();
  }

  /** @return the inputs, in the model's order (each a snapshot of the current allocation) */
  @Override
  public List<TensorSpec> inputs() {
    return model.inputs();
  }

  /** @return the outputs, in the model's order (each a snapshot of the current allocation) */
  @Override
  public List<TensorSpec> outputs() {
    return model.outputs();
  }

  /**
   * @param name the input's name: its signature name (as in {@link TensorSpec#name()}) or its tensor name (as in
   *     {@link TensorSpec#tensorName()})
   * @return the index of the input called {@code name}
   * @throws IllegalArgumentException if there is none
   */
  @Override
  public int inputIndex(String name) {
    return model.inputIndex(name);
  }

  /**
   * @param name the output's signature name or tensor name
   * @return the index of the output called {@code name}
   * @throws IllegalArgumentException if there is none
   */
  @Override
  public int outputIndex(String name) {
    return model.outputIndex(name);
  }

  /** @return the model's signature keys (empty if it declares none) */
  public List<String> signatureKeys() {
    return model.signatureKeys();
  }

  /** @return the signature this instance runs, or null when it runs the main graph */
  public String signatureKey() {
    return model.signatureKey();
  }

  /** @return true when the batch dimension is dynamic and batches run in one invocation */
  @Override
  public boolean hasDynamicBatch() {
    return model.hasDynamicBatch();
  }

  /** @return the options this instance was built with */
  public Options options() {
    return options;
  }

  /** @return what actually runs: delegates, partitions, and operators left to the CPU kernels */
  public ExecutionReport executionReport() {
    return model.executionReport();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Single record

  /**
   * Predicts one record of a single-input, single-output model, without allocating.
   *
   * @param input one row: exactly as many values as one row of the input tensor
   * @param output receives one row of the output tensor: exactly that many values
   * @throws IllegalArgumentException if a length does not match, or the model has several inputs or outputs
   * @throws IllegalStateException if the model is closed or in use by another thread
   */
  @Override
  public void predictSingle(float[] input, float[] output) {
    model.predictSingle(input, output);
  }

  /**
   * Predicts one record and returns a new array with the result. Allocates only that array; see
   * {@link #predictSingle(float[], float[])} for the allocation-free form.
   */
  @Override
  public float[] predictSingle(float[] input) {
    return model.predictSingle(input);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Batches

  /**
   * Predicts many records of a single-input, single-output model in one invocation (see the class notes on
   * batching). Allocates the result arrays.
   *
   * @param rows records, each exactly one input row long
   * @return one output row per record
   * @throws IllegalArgumentException if there are no rows or a row has the wrong length
   */
  @Override
  public float[][] predict(float[][] rows) {
    return model.predict(rows);
  }

  /**
   * Predicts {@code rows} records of a single-input, single-output model without allocating: reads
   * {@code rows * inputRow} values from {@code input} starting at its position and writes
   * {@code rows * outputRow} values to {@code output} starting at its position, then advances both positions.
   * The buffers may be heap or direct.
   *
   * @throws IllegalArgumentException if {@code rows} is not positive or a buffer has too few values remaining
   */
  @Override
  public void predict(FloatBuffer input, FloatBuffer output, int rows) {
    model.predict(input, output, rows);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Shapes and state

  /**
   * Sets the shape of input {@code index}, for models that declare dynamic ({@code -1}) dimensions: audio of any
   * length ({@code [-1, -1]}), images of any size, sequences. Only dynamic dimensions may change; tensors are
   * reallocated, and {@link #inputs()} and {@link #outputs()} show the new shapes (outputs as far as TensorFlow Lite
   * can infer them before a call). Cold path: costs an allocation of every tensor; calls at the same shape cost
   * nothing more. {@link #predict(float[][])} keeps its batch semantics afterwards: it resizes the first dimension to
   * the number of rows and keeps the others.
   *
   * <pre>{@code
   * model.resizeInput(0, 1, 16000);            // [-1, -1] -> one second of 16 kHz audio
   * model.setInput(0, samples);
   * model.invoke();
   * }</pre>
   *
   * @param index the input's position
   * @param shape the new shape: the declared rank, positive dimensions, declared ones unchanged
   * @throws IllegalArgumentException if the shape changes a fixed dimension, has another rank or an empty dimension
   * @throws LiteModelException if TensorFlow Lite rejects the shape (its operators' checks fail)
   */
  public void resizeInput(int index, int... shape) {
    model.resizeInput(index, shape);
  }

  /** Like {@link #resizeInput(int, int...)}, by input name (signature or tensor name). */
  public void resizeInput(String name, int... shape) {
    resizeInput(inputIndex(name), shape);
  }

  /**
   * Resets the model's state to what it was after loading: variable tensors go back to their initial values, and a
   * model that keeps resource variables (a stateful streaming model whose init graph fills them once) gets a fresh
   * interpreter built from the already loaded model (no file is read; input shapes set by
   * {@link #resizeInput(int, int...)} are kept). For stateless models it changes nothing.
   *
   * <p>State belongs to one instance: each {@link #replicate() replica} carries its own, and a
   * {@code io.litemodel.serving.LiteModelPool} hands any replica to any caller, so a stream of calls that depends on
   * state must keep to one instance (and call this between streams).
   */
  public void resetState() {
    model.resetState();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Multiple inputs and outputs

  /**
   * Writes the whole of input {@code index} (at its current shape), quantizing if needed. Allocation-free; pair with
   * {@link #invoke()} and {@link #getOutput(int, float[])}.
   *
   * @throws IllegalArgumentException if {@code data} does not have exactly the tensor's element count
   */
  public void setInput(int index, float[] data) {
    model.setInput(index, data);
  }

  /** Like {@link #setInput(int, float[])}, by name. */
  public void setInput(String name, float[] data) {
    setInput(inputIndex(name), data);
  }

  /**
   * Copies raw bytes into input {@code index}, for any type (int8, uint8, float16, int32, ...). The buffer's
   * remaining bytes must equal the tensor's byte size exactly; they are copied (the tensor never aliases caller
   * memory) and the buffer's position is left unchanged.
   */
  public void setInputBytes(int index, ByteBuffer data) {
    model.setInputBytes(index, data);
  }

  /**
   * Runs the model on the inputs set so far.
   *
   * @throws LiteModelException if TensorFlow Lite reports a failure
   */
  public void invoke() {
    model.invoke();
  }

  /**
   * Reads the whole of output {@code index}, dequantizing if needed. Allocation-free.
   *
   * @throws IllegalArgumentException if {@code data} does not have exactly the tensor's element count
   */
  public void getOutput(int index, float[] data) {
    model.getOutput(index, data);
  }

  /** Like {@link #getOutput(int, float[])}, by name. */
  public void getOutput(String name, float[] data) {
    getOutput(outputIndex(name), data);
  }

  /**
   * Copies output {@code index}'s raw bytes into {@code data} at its position (which is left unchanged). The buffer
   * must have at least the tensor's byte size remaining.
   */
  public void getOutputBytes(int index, ByteBuffer data) {
    model.getOutputBytes(index, data);
  }

  /**
   * Runs a multi-input, multi-output model without allocating: {@code inputs[i]} holds whole rows for input
   * {@code i} (its length sets the batch size, which must agree across inputs when the batch is dynamic), and
   * {@code outputs[i]} receives output {@code i} and must have exactly its element count for that batch.
   */
  @Override
  public void run(float[][] inputs, float[][] outputs) {
    model.run(inputs, outputs);
  }

  /**
   * Runs a multi-input, multi-output model by tensor name. Convenient, not allocation-free: returns a new map of
   * new arrays, in the model's output order.
   *
   * @param inputs one entry per input name, each holding whole rows
   * @throws IllegalArgumentException if an input is missing or unknown, or lengths do not match
   */
  @Override
  public Map<String, float[]> run(Map<String, float[]> inputs) {
    return model.run(inputs);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Lifecycle

  /**
   * Runs the model {@code calls} times on its current inputs so that first-call costs (lazy packing, page faults,
   * JIT compilation of the Java side) are paid before latency matters.
   */
  public void warmUp(int calls) {
    model.warmUp(calls);
  }

  /**
   * Releases every native resource. Idempotent.
   *
   * @throws IllegalStateException if another thread is inside a call on this instance right now
   */
  @Override
  public void close() {
    model.close();
  }

  /** @return false: one instance serves one thread at a time (see the class notes); use replicas or a pool */
  @Override
  public boolean threadSafe() {
    return false;
  }

  /** @return true once {@link #close()} was called */
  @Override
  public boolean isClosed() {
    return model.isClosed();
  }

  @Override
  public String toString() {
    return model.describe();
  }

  // ---------------------------------------------------------------------------------------------------------------


  /**
   * How to build a {@link LiteModel}: threads, accelerator, XNNPACK settings, signature. Immutable; each {@code with}
   * method returns a new instance. Settings only: {@link LiteModel#load(Path, Options)} builds what they describe. Two
   * instances with the same settings are {@code equals}.
   *
   * <pre>{@code
   * LiteModel.Options options = LiteModel.Options.defaults().withThreads(2).withSignature("serving_default");
   * LiteModel.Options gpu = LiteModel.Options.defaults().withAccelerator(Accelerator.auto());
   * }</pre>
   */
  public static final class Options extends Settings implements Serializable {
    /** The default memory budget: 1 GiB of tensor memory per instance (see {@link #withMemoryBudget(long)}). */
    public static final long DEFAULT_MEMORY_BUDGET = 1L << 30;
    private static final Options DEFAULTS = new Options();
    private static final long serialVersionUID = 1L;

    // Set only by the with-methods, on a fresh copy, before the instance is returned: instances never change.
    private int threads = 1;
    private boolean xnnpack = true;
    private long xnnpackFlags;
    private long xnnpackCleared;
    private boolean weightsCache;
    private Accelerator accelerator = Accelerator.cpu();
    private String signature;
    private long memoryBudget = DEFAULT_MEMORY_BUDGET;
    private boolean childProcessCheck;

    private Options() {}

    /**
     * Serialized as its text form (the one the child-process check uses), so options travel to Spark executors and
     * come back equal, whatever the accelerator's settings hold (a {@link Path} is not serializable).
     */
    private Object writeReplace() {
      return new SerializedOptions(toText());
    }

    /** Only the text form is ever written: a stream that holds the fields themselves was forged. */
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
      throw new InvalidObjectException("LiteModel.Options is read from its text form only");
    }

    /**
     * Reads options from their text form, as {@link #toText()} writes it.
     *
     * @param text {@code name=value} entries separated by commas; the empty text gives {@link #defaults()}
     * @return the options the text describes
     * @throws IllegalArgumentException naming the entry when one is unknown or its value is not valid
     */
    public static Options parse(String text) {
      Objects.requireNonNull(text, "text");
      return OptionsCodec.decode(OptionsCodec.split(text));
    }

    /**
     * @return these options as text: one {@code name=value} entry per setting that differs from the defaults (the
     *     accelerator's kind as {@code accelerator=KIND}, its settings as {@code accelerator.name=value}), joined by
     *     commas, with {@code \} and {@code ,} inside values escaped by a {@code \}; {@link #parse(String)} reads it
     *     back to equal options
     */
    public String toText() {
      return OptionsCodec.join(OptionsCodec.encode(this));
    }

    /**
     * @return one thread, the CPU with XNNPACK and this build's default flags, no weights cache, the main graph, a
     *     1 GiB memory budget, no child-process check
     */
    public static Options defaults() {
      return DEFAULTS;
    }

    /**
     * @param threads threads for TensorFlow Lite and XNNPACK (1 runs everything on the calling thread, which gives
     *     the steadiest latency; more than 1 gives XNNPACK its own thread pool)
     */
    public Options withThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      }
      Options copy = copy();
      copy.threads = threads;
      return copy;
    }

    /**
     * @param enabled run supported operators with the XNNPACK delegate (default on). With a GPU or plugin
     *     accelerator, XNNPACK takes the operators the accelerator left.
     */
    public Options withXnnpack(boolean enabled) {
      Options copy = copy();
      copy.xnnpack = enabled;
      return copy;
    }

    /**
     * Sets or clears one XNNPACK flag; flags not mentioned keep this build's defaults (QS8 and QU8 on).
     *
     * @param flag the flag
     * @param enabled true to set it, false to clear it (also when it is on by default)
     */
    public Options withXnnpackFlag(Accelerator.XnnpackFlag flag, boolean enabled) {
      Objects.requireNonNull(flag, "flag");
      Options copy = copy();
      copy.xnnpackFlags = enabled ? xnnpackFlags | flag.bit() : xnnpackFlags & ~flag.bit();
      copy.xnnpackCleared = enabled ? xnnpackCleared & ~flag.bit() : xnnpackCleared | flag.bit();
      return copy;
    }

    /**
     * @param enabled ask XNNPACK to run float32 operators in half precision where this CPU supports it (faster on
     *     CPUs with native fp16 arithmetic; changes numerics at about 1e-3). Same as
     *     {@code withXnnpackFlag(XnnpackFlag.FORCE_FP16, enabled)}.
     */
    public Options withXnnpackForceFp16(boolean enabled) {
      return withXnnpackFlag(Accelerator.XnnpackFlag.FORCE_FP16, enabled);
    }

    /**
     * @param enabled share XNNPACK's packed weights between this model and all its {@link LiteModel#replicate()
     *     replicas} (and a {@code io.litemodel.serving.LiteModelPool}'s), instead of each replica packing its own
     *     copy. Saves memory in proportion to the model's weights times the replica count; default off. Replicas
     *     built with this off keep their own copy.
     */
    public Options withWeightsCache(boolean enabled) {
      Options copy = copy();
      copy.weightsCache = enabled;
      return copy;
    }

    /**
     * @param accelerator where to run: {@link Accelerator#cpu()} (default), {@link Accelerator#gpu()},
     *     {@link Accelerator#auto()} or {@link Accelerator#plugin(java.nio.file.Path, java.util.Map)}
     */
    public Options withAccelerator(Accelerator accelerator) {
      Options copy = copy();
      copy.accelerator = Objects.requireNonNull(accelerator, "accelerator");
      return copy;
    }

    /** @param key run this signature of the model instead of its main graph; null for the main graph */
    public Options withSignature(String key) {
      Options copy = copy();
      copy.signature = key;
      return copy;
    }

    /**
     * Sets the memory budget: the most native memory this instance's tensors may take, estimated from the model file
     * before anything is allocated (see {@code TensorMemory}). A model that declares more is refused at load, a
     * {@link LiteModel#resizeInput(int, int...) resize} or {@link LiteModel#run(float[][], float[][]) run} whose batch
     * would need more is refused, and {@link LiteModel#predict(float[][])} splits its rows into as few invocations as
     * fit; each refusal is a {@link LiteModelException} with status
     * {@link LiteModelException.Status#MEMORY_BUDGET_EXCEEDED} naming the largest tensor, before any native
     * allocation. The model's own bytes and XNNPACK's packed weights are not counted. Default
     * {@link #DEFAULT_MEMORY_BUDGET} (1 GiB): enough for any of the reference models at batches of hundreds, and it
     * stops a file of a few MB that declares gigabytes of tensors in microseconds.
     *
     * @param bytes the budget in bytes, at least 1 MiB; {@link Long#MAX_VALUE} for no limit
     */
    public Options withMemoryBudget(long bytes) {
      if (bytes < (1L << 20)) {
        throw new IllegalArgumentException("memory budget must be at least 1 MiB, got " + bytes + " bytes");
      }
      Options copy = copy();
      copy.memoryBudget = bytes;
      return copy;
    }

    /**
     * Loads each model first in a short-lived child JVM with these options, runs it once there, and loads it into
     * this JVM only if that child survived; a crash in native code (TensorFlow Lite, XNNPACK, a delegate plugin)
     * becomes a {@link LiteModelException} with {@link LiteModelException.Status#INVALID_MODEL} here instead of
     * ending this process. For services that load models they did not make. Costs a JVM start and a second load per
     * {@code load} (replicas are not checked again); see docs/bad-input.md for the measured cost. Default off.
     *
     * @param enabled true to check every model loaded with these options in a child process first
     */
    public Options withChildProcessCheck(boolean enabled) {
      Options copy = copy();
      copy.childProcessCheck = enabled;
      return copy;
    }

    /** @return true when models are first loaded and run in a child process (see {@link #withChildProcessCheck}) */
    public boolean childProcessCheck() {
      return childProcessCheck;
    }

    /** @return the most native memory, in bytes, this instance's tensors may take */
    public long memoryBudget() {
      return memoryBudget;
    }

    /** @return threads for TensorFlow Lite and XNNPACK */
    public int threads() {
      return threads;
    }

    /** @return true when the XNNPACK delegate is applied */
    public boolean xnnpack() {
      return xnnpack;
    }

    /** @return true when {@code flag} is explicitly set ({@code false} also when it is only a build default) */
    public boolean xnnpackFlag(Accelerator.XnnpackFlag flag) {
      return (xnnpackFlags & flag.bit()) != 0;
    }

    /** @return XNNPACK flags added to the build's defaults */
    public long xnnpackFlags() {
      return xnnpackFlags;
    }

    /** @return XNNPACK flags removed from the build's defaults */
    public long xnnpackClearedFlags() {
      return xnnpackCleared;
    }

    /** @return true when replicas share XNNPACK's packed weights */
    public boolean weightsCache() {
      return weightsCache;
    }

    /** @return the requested accelerator */
    public Accelerator accelerator() {
      return accelerator;
    }

    /** @return the selected signature key, or null */
    public String signature() {
      return signature;
    }

    @Override
    public String toString() {
      return "Options[threads=" + threads
          + (accelerator.kind() != Accelerator.Kind.CPU ? ", accelerator=" + accelerator : "") + ", xnnpack=" + xnnpack
          + (xnnpackFlags != 0 ? ", xnnpackFlags+=0x" + Long.toHexString(xnnpackFlags) : "")
          + (xnnpackCleared != 0 ? ", xnnpackFlags-=0x" + Long.toHexString(xnnpackCleared) : "")
          + (weightsCache ? ", weightsCache" : "")
          + (signature != null ? ", signature=" + signature : "")
          + (memoryBudget != DEFAULT_MEMORY_BUDGET ? ", memoryBudget=" + memoryBudget : "")
          + (childProcessCheck ? ", childProcessCheck" : "") + "]";
    }
  }
}
