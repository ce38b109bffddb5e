package io.litemodel.tensorflow;

import io.litemodel.InferenceModel;
import io.litemodel.LiteModelException;
import io.litemodel.TensorSpec;
import io.litemodel.internal.core.CallContract;
import io.litemodel.internal.core.NameIndex;
import io.litemodel.internal.core.RowBatches;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TensorFlow model (a SavedModel directory or a frozen {@code GraphDef}) run through the TensorFlow C API, behind
 * the same {@link InferenceModel} face as {@link io.litemodel.LiteModel}: for models TensorFlow Lite cannot run (Flex
 * ops), models never converted, and CUDA GPUs.
 *
 * <pre>{@code
 * try (TfModel model = TfModel.loadSavedModel(Path.of("models/seed_mlp_savedmodel"))) {
 *   float[] out = new float[32];
 *   model.predictSingle(new float[256], out);   // no allocation in steady state
 * }
 * try (TfModel graph = TfModel.loadFrozenGraph(Path.of("models/image_cnn_frozen.pb"),
 *     List.of("x"), List.of("Identity"), TfOptions.defaults())) { ... }
 * }</pre>
 *
 * <p><b>Semantics</b> are LiteModel's: {@code predictSingle} runs one record of a single-input, single-output model,
 * {@code predict} runs a batch in one session run (chunks of the fixed batch, zero-padded, when the first dimension
 * is fixed), {@code run} takes whole tensors by input position; the checks and their messages are the ones every
 * runtime shares. Inputs and outputs must be float32. Input tensors are allocated once per batch size and reused.
 *
 * <p><b>Threads:</b> a TensorFlow session is thread-safe, so one instance serves many threads at once
 * ({@link #threadSafe()} is true); each thread gets its own input tensors on first use. {@link #replicate()} shares
 * the session with fresh buffers.
 *
 * <p><b>Lifetime:</b> {@link #close()} waits for calls in flight, then frees this instance's buffers and its share of
 * the session (the last share closes it). A Cleaner frees a leaked instance; do not rely on it.
 */
public final class TfModel implements InferenceModel {
  private static final Cleaner CLEANER = Cleaner.create();
  /** What a model that predictSingle/predict cannot run offers instead, for the message. */
  private static final String OTHER_WAYS = "run(...)";

  private final String source;
  private final TfGraphSession session;
  private final TfEndpoint[] inputs;
  private final TfEndpoint[] outputs;
  private final List<String> signatureKeys;
  private final String signature;
  private final TfOptions options;
  private final Placement placement;
  /** -1 when every input's first dimension is dynamic, else the fixed batch size. */
  private final int fixedBatch;
  /** Why predictSingle/predict cannot run this model, or null. */
  private final String singleProblem;
  private final NameIndex inputNames;
  private final NameIndex outputNames;
  private final ThreadLocal<TfCall> calls;
  private final Resources resources;
  private final Cleaner.Cleanable cleanable;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile boolean closed;

  private TfModel(String source, TfGraphSession session, TfEndpoint[] inputs, TfEndpoint[] outputs,
      List<String> signatureKeys, String signature, TfOptions options, Placement placement) {
    this.source = source;
    this.session = session;
    this.inputs = inputs;
    this.outputs = outputs;
    this.signatureKeys = signatureKeys;
    this.signature = signature;
    this.options = options;
    this.placement = placement;
    this.fixedBatch = fixedBatch(inputs);
    this.singleProblem = CallContract.singleProblem(inputs, outputs, OTHER_WAYS);
    this.inputNames = new NameIndex("input", keys(inputs), null);
    this.outputNames = new NameIndex("output", keys(outputs), null);
    this.resources = new Resources(session);
    this.calls = ThreadLocal.withInitial(this::newCall);
    this.cleanable = CLEANER.register(this, resources);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Loading

  /**
   * Says whether this optional runtime is on the class path: TF Java's C API classes and the natives of this
   * platform ({@code org.tensorflow:tensorflow-core-native} and its classifier jar). Looks, without loading them.
   *
   * @return empty when both are there; else why not, naming the artifacts to add (the message a load would fail
   *     with)
   */
  public static Optional<String> runtimeProblem() {
    return TfNatives.problemWithoutLoading();
  }

  /** Loads a SavedModel directory with tag {@code serve} and signature {@code serving_default}. */
  public static TfModel loadSavedModel(Path directory) {
    return loadSavedModel(directory, TfOptions.defaults());
  }

  /**
   * Loads a SavedModel directory.
   *
   * @param directory the SavedModel (holding {@code saved_model.pb} and {@code variables/})
   * @param options tags, signature, threads and placement
   * @throws IllegalArgumentException if the directory does not exist or the signature is unknown
   * @throws LiteModelException with {@link LiteModelException.Status#INVALID_MODEL} if it is not a loadable
   *     SavedModel (the message carries TensorFlow's reason, e.g. an unknown tag)
   */
  public static TfModel loadSavedModel(Path directory, TfOptions options) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(options, "options");
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException("SavedModel directory " + directory + " does not exist"
          + (Files.exists(directory) ? " (it is a file; a frozen graph .pb loads with loadFrozenGraph)" : ""));
    }
    if (!Files.isRegularFile(directory.resolve("saved_model.pb"))
        && !Files.isRegularFile(directory.resolve("saved_model.pbtxt"))) {
      throw new LiteModelException(LiteModelException.Status.INVALID_MODEL, directory
          + " is not a SavedModel: it has no saved_model.pb");
    }
    TfNatives.ensureLoaded();
    String source = directory.toAbsolutePath().toString();
    ByteBuffer[] meta = new ByteBuffer[1];
    TfGraphSession session = TfGraphSession.loadSavedModel(source, options.tags(), options, meta);
    try {
      TfSignatures signatures = new TfSignatures(source, meta[0]);
      TfEndpoint[] inputs = signatures.endpoints(source, options.signature(), false).toArray(new TfEndpoint[0]);
      TfEndpoint[] outputs = signatures.endpoints(source, options.signature(), true).toArray(new TfEndpoint[0]);
      Placement placement = Placement.check(session, options.placement());
      return new TfModel(source, session, inputs, outputs, signatures.keys(), options.signature(), options,
          placement);
    } catch (RuntimeException e) {
      session.release();
      throw e;
    }
  }

  /**
   * Loads a frozen graph: a serialized {@code GraphDef} with its weights as constants (what
   * {@code convert_variables_to_constants_v2} writes).
   *
   * @param file the {@code .pb} file
   * @param inputNames the input operations, as {@code name} or {@code name:index}, in feeding order
   * @param outputNames the output operations, likewise, in result order
   * @param options threads and placement (tags and signature do not apply)
   * @throws IllegalArgumentException if the file does not exist or an operation is not in the graph
   * @throws LiteModelException with {@link LiteModelException.Status#INVALID_MODEL} if the file is no GraphDef
   */
  public static TfModel loadFrozenGraph(Path file, List<String> inputNames, List<String> outputNames,
      TfOptions options) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(options, "options");
    if (inputNames.isEmpty() || outputNames.isEmpty()) {
      throw new IllegalArgumentException("a frozen graph needs its input and output operation names (given "
          + inputNames + " and " + outputNames + ")");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("frozen graph " + file + " does not exist"
          + (Files.isDirectory(file) ? " (it is a directory; a SavedModel loads with loadSavedModel)" : ""));
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read frozen graph " + file + ": " + e.getMessage(), e);
    }
    TfNatives.ensureLoaded();
    String source = file.toAbsolutePath().toString();
    TfGraphSession session = TfGraphSession.importGraphDef(source, bytes, options);
    try {
      TfEndpoint[] inputs = endpoints(session, inputNames, "input");
      TfEndpoint[] outputs = endpoints(session, outputNames, "output");
      Placement placement = Placement.check(session, options.placement());
      return new TfModel(source, session, inputs, outputs, List.of(), null, options, placement);
    } catch (RuntimeException e) {
      session.release();
      throw e;
    }
  }

  private static TfEndpoint[] endpoints(TfGraphSession session, List<String> names, String role) {
    TfEndpoint[] endpoints = new TfEndpoint[names.size()];
    for (int i = 0; i < endpoints.length; i++) {
      String name = names.get(i);
      int colon = name.lastIndexOf(':');
      String operation = name;
      int index = 0;
      if (colon > 0) {
        try {
          index = Integer.parseInt(name.substring(colon + 1));
          operation = name.substring(0, colon);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(role + " '" + name + "' is neither an operation name nor name:index");
        }
      }
      endpoints[i] = session.endpoint(name, operation, index, role);
    }
    return endpoints;
  }

  private TfCall newCall() {
    String what = signature == null ? "frozen graph " + source : "signature '" + signature + "' of " + source;
    TfCall call = new TfCall(session, what, inputs, outputs);
    resources.calls.add(call);
    return call;
  }

  /** This instance's native state, freed once: every thread's call state, then its share of the session. */
  private static final class Resources implements Runnable {
    final TfGraphSession session;
    final ConcurrentLinkedQueue<TfCall> calls = new ConcurrentLinkedQueue<>();

    Resources(TfGraphSession session) {
      this.session = session;
    }

    @Override
    public void run() {
      for (TfCall call; (call = calls.poll()) != null; ) {
        call.free();
      }
      session.release();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Introspection

  @Override
  public List<TensorSpec> inputs() {
    return specs(inputs);
  }

  @Override
  public List<TensorSpec> outputs() {
    return specs(outputs);
  }

  private static List<TensorSpec> specs(TfEndpoint[] endpoints) {
    List<TensorSpec> specs = new ArrayList<>(endpoints.length);
    for (int i = 0; i < endpoints.length; i++) {
      specs.add(endpoints[i].spec(i));
    }
    return Collections.unmodifiableList(specs);
  }

  @Override
  public int inputIndex(String name) {
    return inputNames.indexOf(name);
  }

  @Override
  public int outputIndex(String name) {
    return outputNames.indexOf(name);
  }

  @Override
  public boolean hasDynamicBatch() {
    return fixedBatch < 0;
  }

  /** @return the SavedModel's signature keys (sorted), or an empty list for a frozen graph */
  public List<String> signatureKeys() {
    return signatureKeys;
  }

  /** @return the signature this instance runs, or null for a frozen graph */
  public String signature() {
    return signature;
  }

  /** @return where operations run, and why (e.g. a CPU fallback because TensorFlow sees no GPU) */
  public Placement placement() {
    return placement;
  }

  /** @return the options this model was loaded with */
  public TfOptions options() {
    return options;
  }

  /** @return the SavedModel directory or frozen graph file, as an absolute path */
  public String source() {
    return source;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Single record

  /**
   * Predicts one record of a single-input, single-output model, without allocating.
   *
   * @throws IllegalArgumentException if a length does not match, or the model has several inputs or outputs
   * @throws IllegalStateException if the model is closed
   */
  @Override
  public void predictSingle(float[] input, float[] output) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    TfCall call = enter();
    try {
      CallContract.throwIfProblem(singleProblem);
      int inRow = CallContract.requireKnownRow("input", inputs[0]);
      if (input.length != inRow) {
        throw CallContract.lengthMismatch("input", inputs[0], inRow, input.length);
      }
      int fed = fixedBatch < 0 ? 1 : fixedBatch;
      call.prepare(fed);
      call.write(0, input, 0, 0, inRow);
      if (fed > 1) {
        call.clear(0, inRow, (fed - 1) * inRow);
      }
      call.run();
      try {
        // The output row is read from what ran, so a model whose output row is not declared still runs here.
        long outRow = call.outputElements(0, outputs[0].key) / fed;
        if (output.length != outRow) {
          throw CallContract.lengthMismatch("output", outputs[0], outRow, output.length);
        }
        call.read(0, 0, output, 0, output.length);
      } finally {
        call.releaseOutputs();
      }
    } finally {
      exit();
    }
  }

  /** Predicts one record and returns a new array with the result (allocates that array and nothing else). */
  @Override
  public float[] predictSingle(float[] input) {
    CallContract.throwIfProblem(singleProblem);
    float[] output = new float[CallContract.requireKnownRow("output", outputs[0])];
    predictSingle(input, output);
    return output;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Batches

  /**
   * Predicts many records of a single-input, single-output model in one session run (chunks of the fixed batch when
   * the batch dimension is fixed). Allocates the result arrays.
   */
  @Override
  public float[][] predict(float[][] rows) {
    Objects.requireNonNull(rows, "rows");
    TfCall call = enter();
    try {
      CallContract.throwIfProblem(singleProblem);
      CallContract.requirePositiveBatch(rows.length);
      int inRow = CallContract.requireKnownRow("input", inputs[0]);
      CallContract.requireRows(rows, inputs[0], inRow);
      int outRow = CallContract.requireKnownRow("output", outputs[0]);
      return RowBatches.predict(rows, chunk(rows.length), inRow, outRow, call);
    } finally {
      exit();
    }
  }

  /**
   * Predicts {@code rows} records without allocating, reading from {@code input} and writing to {@code output} at
   * their positions, which then advance. The buffers may be heap or direct.
   *
   * @throws IllegalArgumentException if {@code rows} is not positive or a buffer has too few values remaining
   */
  @Override
  public void predict(FloatBuffer input, FloatBuffer output, int rows) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    TfCall call = enter();
    try {
      CallContract.throwIfProblem(singleProblem);
      CallContract.requirePositiveBatch(rows);
      int inRow = CallContract.requireKnownRow("input", inputs[0]);
      int outRow = CallContract.requireKnownRow("output", outputs[0]);
      CallContract.requireRemaining("input", input, rows, inputs[0], inRow);
      CallContract.requireRemaining("output", output, rows, outputs[0], outRow);
      RowBatches.predict(input, output, rows, chunk(rows), inRow, outRow, call);
    } finally {
      exit();
    }
  }

  /** @return the rows one session run takes: all of them, or the fixed batch */
  private int chunk(int rows) {
    return fixedBatch < 0 ? rows : fixedBatch;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Whole tensors

  /**
   * Runs a multi-input, multi-output model without allocating: {@code inputs[i]} holds whole rows for input
   * {@code i} (all inputs the same number of rows), and {@code outputs[i]} must hold exactly output {@code i} for
   * that batch.
   *
   * @throws IllegalArgumentException if counts or lengths do not match
   */
  @Override
  public void run(float[][] inputs, float[][] outputs) {
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(outputs, "outputs");
    TfCall call = enter();
    try {
      CallContract.requireCounts(this.inputs, this.outputs, inputs, outputs);
      call.prepare(CallContract.batchRows(inputs, this.inputs, fixedBatch));
      for (int i = 0; i < inputs.length; i++) {
        call.write(i, inputs[i], 0, 0, inputs[i].length);
      }
      call.run();
      try {
        for (int i = 0; i < outputs.length; i++) {
          CallContract.requireLength("output", this.outputs[i], call.outputElements(i, this.outputs[i].key),
              outputs[i]);
          call.read(i, 0, outputs[i], 0, outputs[i].length);
        }
      } finally {
        call.releaseOutputs();
      }
    } finally {
      exit();
    }
  }

  /**
   * Runs the model by input name. Convenient, not allocation-free: returns a new map of new arrays, in the model's
   * output order.
   */
  @Override
  public Map<String, float[]> run(Map<String, float[]> inputs) {
    Objects.requireNonNull(inputs, "inputs");
    float[][] ordered = inputNames.order(inputs);
    int batch = CallContract.batchRows(ordered, this.inputs, fixedBatch);
    float[][] results = new float[outputs.length][];
    for (int i = 0; i < outputs.length; i++) {
      results[i] = new float[CallContract.requireKnownRow("output", outputs[i]) * batch];
    }
    run(ordered, results);
    return outputNames.name(results);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Threads and lifetime

  /** @return true: a TensorFlow session serves many threads at once, and each thread has its own buffers */
  @Override
  public boolean threadSafe() {
    return true;
  }

  /** @return another instance on the same session, with its own buffers (the session closes with the last one) */
  @Override
  public TfModel replicate() {
    enter();
    try {
      session.acquire();
      return new TfModel(source, session, inputs, outputs, signatureKeys, signature, options, placement);
    } finally {
      exit();
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  /** Waits for calls in flight on other threads, then frees this instance's native resources. Idempotent. */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    closed = true;
    while (active.get() > 0) {
      Thread.onSpinWait();
    }
    cleanable.clean();
  }

  private TfCall enter() {
    active.incrementAndGet();
    if (closed) {
      active.decrementAndGet();
      throw new IllegalStateException("this TensorFlow model (" + source + ") is closed");
    }
    return calls.get();
  }

  private void exit() {
    active.decrementAndGet();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Construction helpers

  private static int fixedBatch(TfEndpoint[] inputs) {
    for (TfEndpoint input : inputs) {
      if (!input.dynamicBatch()) {
        return input.dims.length == 0 ? 1 : (int) input.dims[0];
      }
    }
    return -1;
  }

  private static String[] keys(TfEndpoint[] endpoints) {
    String[] keys = new String[endpoints.length];
    for (int i = 0; i < endpoints.length; i++) {
      keys[i] = endpoints[i].key;
    }
    return keys;
  }

  @Override
  public String toString() {
    return "TfModel{" + source + (signature == null ? "" : ", signature=" + signature) + ", inputs="
        + Arrays.toString(inputs().toArray()) + ", outputs=" + Arrays.toString(outputs().toArray()) + ", "
        + placement + "}";
  }
}
