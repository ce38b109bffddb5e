package io.litemodel.tensorflow;

import io.litemodel.InferenceModel;
import io.litemodel.LiteModelException;
import io.litemodel.TensorSpec;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * is fixed), {@code run} takes whole tensors by input position. Inputs and outputs must be float32. Input tensors are
 * allocated once per batch size and reused.
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

  private final String source;
  private final TfGraphSession session;
  private final TfEndpoint[] inputs;
  private final TfEndpoint[] outputs;
  private final List<String> signatureKeys;
  private final String signature;
  private final TfOptions options;
  private final Placement placement;
  private final int fixedBatch;
  private final String description; // for error messages, built once: the hot path must not concatenate
  private final long[] inputRows;
  private final long[] outputRows;
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
    this.description = signature == null ? "frozen graph " + source : "signature '" + signature + "' of " + source;
    this.inputRows = rows(inputs);
    this.outputRows = rows(outputs);
    this.resources = new Resources(session);
    this.calls = ThreadLocal.withInitial(this::newCall);
    this.cleanable = CLEANER.register(this, resources);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Loading

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
    TfCall call = new TfCall(session, inputs, outputs);
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
    return indexOf(inputs, name, "input");
  }

  @Override
  public int outputIndex(String name) {
    return indexOf(outputs, name, "output");
  }

  private int indexOf(TfEndpoint[] endpoints, String name, String role) {
    for (int i = 0; i < endpoints.length; i++) {
      if (endpoints[i].key.equals(name)) {
        return i;
      }
    }
    List<String> names = new ArrayList<>();
    for (TfEndpoint endpoint : endpoints) {
      names.add(endpoint.key);
    }
    throw new IllegalArgumentException("no " + role + " named '" + name + "'; the " + role + "s are " + names);
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
      int inRow = singleInputRow();
      requireSingleOutput();
      if (input.length != inRow) {
        throw lengthMismatch(inputs[0], "input", inRow, input.length);
      }
      int fed = fixedBatch < 0 ? 1 : fixedBatch;
      call.prepare(fed);
      call.write(0, input, 0, 0, inRow);
      if (fed > 1) {
        call.clear(0, inRow, (fed - 1) * inRow);
      }
      call.run(what());
      try {
        long outRow = call.outputElements(0, outputs[0].key) / fed;
        if (output.length != outRow) {
          throw lengthMismatch(outputs[0], "output", outRow, output.length);
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
    float[] output = new float[(int) requireKnownRow(outputs[0], outputRows[0], "output")];
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
    requirePositiveBatch(rows.length);
    int inRow = checkedSingleInputRow();
    for (int r = 0; r < rows.length; r++) {
      if (rows[r] == null || rows[r].length != inRow) {
        throw new IllegalArgumentException("row " + r + " has " + (rows[r] == null ? "no" : rows[r].length)
            + " values; input '" + inputs[0].key + "' expects " + inRow + " per row (shape "
            + inputs[0].shapeText() + ")");
      }
    }
    int outRow = (int) requireKnownRow(outputs[0], outputRows[0], "output");
    FloatBuffer in = FloatBuffer.allocate(rows.length * inRow);
    for (float[] row : rows) {
      in.put(row);
    }
    in.flip();
    FloatBuffer out = FloatBuffer.allocate(rows.length * outRow);
    predict(in, out, rows.length);
    float[][] result = new float[rows.length][outRow];
    for (int r = 0; r < rows.length; r++) {
      out.get(r * outRow, result[r]);
    }
    return result;
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
      requirePositiveBatch(rows);
      int inRow = singleInputRow();
      requireSingleOutput();
      int outRow = (int) requireKnownRow(outputs[0], outputRows[0], "output");
      long needIn = (long) rows * inRow;
      if (input.remaining() < needIn) {
        throw new IllegalArgumentException("input buffer has " + input.remaining() + " values remaining; " + rows
            + " rows of input '" + inputs[0].key + "' need " + needIn);
      }
      long needOut = (long) rows * outRow;
      if (output.remaining() < needOut) {
        throw new IllegalArgumentException("output buffer has " + output.remaining() + " values remaining; "
            + rows + " rows of output '" + outputs[0].key + "' need " + needOut);
      }
      int chunk = fixedBatch < 0 ? rows : fixedBatch;
      int inPos = input.position();
      int outPos = output.position();
      for (int start = 0; start < rows; start += chunk) {
        int count = Math.min(chunk, rows - start);
        call.prepare(chunk);
        call.write(0, input, inPos + start * inRow, 0, count * inRow);
        if (count < chunk) {
          call.clear(0, count * inRow, (chunk - count) * inRow);
        }
        call.run(what());
        try {
          long produced = call.outputElements(0, outputs[0].key);
          if (produced != (long) chunk * outRow) {
            throw new IllegalStateException("output '" + outputs[0].key + "' has " + produced + " values for "
                + chunk + " rows; its signature " + outputs[0].shapeText() + " promises " + outRow + " per row");
          }
          call.read(0, 0, output, outPos + start * outRow, count * outRow);
        } finally {
          call.releaseOutputs();
        }
      }
      input.position(inPos + (int) needIn);
      output.position(outPos + (int) needOut);
    } finally {
      exit();
    }
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
      if (inputs.length != this.inputs.length || outputs.length != this.outputs.length) {
        throw new IllegalArgumentException("model has " + this.inputs.length + " inputs and " + this.outputs.length
            + " outputs; given " + inputs.length + " and " + outputs.length);
      }
      int batch = batchFor(inputs);
      call.prepare(batch);
      for (int i = 0; i < inputs.length; i++) {
        call.write(i, inputs[i], 0, 0, inputs[i].length);
      }
      call.run(what());
      try {
        for (int i = 0; i < outputs.length; i++) {
          long produced = call.outputElements(i, this.outputs[i].key);
          if (outputs[i] == null || outputs[i].length != produced) {
            throw lengthMismatch(this.outputs[i], "output", produced, outputs[i] == null ? 0 : outputs[i].length);
          }
          call.read(i, 0, outputs[i], 0, outputs[i].length);
        }
      } finally {
        call.releaseOutputs();
      }
    } finally {
      exit();
    }
  }

  private int batchFor(float[][] data) {
    int batch = -1;
    for (int i = 0; i < data.length; i++) {
      TfEndpoint in = inputs[i];
      requireFloat(in, "input");
      if (data[i] == null) {
        throw new IllegalArgumentException("no data for input '" + in.key + "'");
      }
      long row = requireKnownRow(in, inputRows[i], "input");
      if (row == 0 || data[i].length == 0 || data[i].length % row != 0) {
        throw lengthMismatch(in, "input", row, data[i].length);
      }
      int rows = (int) (data[i].length / row);
      if (fixedBatch >= 0 && rows != fixedBatch) {
        throw new IllegalArgumentException("input '" + in.key + "' has a fixed batch of " + fixedBatch
            + " rows (shape " + in.shapeText() + "); given " + rows);
      }
      if (batch >= 0 && rows != batch) {
        throw new IllegalArgumentException("inputs disagree on the batch size: input '" + in.key + "' has " + rows
            + " rows, the first input " + batch);
      }
      batch = rows;
    }
    return batch;
  }

  /**
   * Runs the model by input name. Convenient, not allocation-free: returns a new map of new arrays, in the model's
   * output order.
   */
  @Override
  public Map<String, float[]> run(Map<String, float[]> inputs) {
    Objects.requireNonNull(inputs, "inputs");
    float[][] ordered = new float[this.inputs.length][];
    for (Map.Entry<String, float[]> entry : inputs.entrySet()) {
      ordered[inputIndex(entry.getKey())] = entry.getValue();
    }
    for (int i = 0; i < ordered.length; i++) {
      if (ordered[i] == null) {
        throw new IllegalArgumentException("missing input '" + this.inputs[i].key + "'; given " + inputs.keySet());
      }
    }
    int batch = batchFor(ordered);
    float[][] results = new float[outputs.length][];
    for (int i = 0; i < outputs.length; i++) {
      results[i] = new float[(int) (requireKnownRow(outputs[i], outputRows[i], "output") * batch)];
    }
    run(ordered, results);
    Map<String, float[]> named = new LinkedHashMap<>();
    for (int i = 0; i < outputs.length; i++) {
      named.put(outputs[i].key, results[i]);
    }
    return named;
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
  // Checks

  private String what() {
    return description;
  }

  private int singleInputRow() {
    if (inputs.length != 1) {
      throw new IllegalArgumentException("predictSingle/predict need a model with one input; this one has "
          + inputs.length + " (use run)");
    }
    requireFloat(inputs[0], "input");
    return (int) requireKnownRow(inputs[0], inputRows[0], "input");
  }

  private int checkedSingleInputRow() {
    if (closed) {
      throw new IllegalStateException("this TensorFlow model (" + source + ") is closed");
    }
    return singleInputRow();
  }

  private void requireSingleOutput() {
    if (outputs.length != 1) {
      throw new IllegalArgumentException("predictSingle/predict need a model with one output; this one has "
          + outputs.length + " (use run)");
    }
  }

  private static void requireFloat(TfEndpoint endpoint, String role) {
    if (endpoint.dtype != TfEndpoint.TF_FLOAT) {
      throw new IllegalArgumentException(role + " '" + endpoint.key + "' is " + endpoint.dataType()
          + "; the TensorFlow runtime feeds and reads FLOAT32 tensors only");
    }
  }

  private static long requireKnownRow(TfEndpoint endpoint, long row, String role) {
    if (row < 0) {
      throw new IllegalArgumentException(role + " '" + endpoint.key + "' has shape " + endpoint.shapeText()
          + ": dimensions other than the batch must be known to size a row");
    }
    return row;
  }

  private static void requirePositiveBatch(int rows) {
    if (rows <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + rows);
    }
  }

  private static IllegalArgumentException lengthMismatch(TfEndpoint endpoint, String role, long expected,
      long given) {
    return new IllegalArgumentException(role + " '" + endpoint.key + "' expects " + expected + " values (shape "
        + endpoint.shapeText() + "); given " + given);
  }

  private static int fixedBatch(TfEndpoint[] inputs) {
    for (TfEndpoint input : inputs) {
      if (!input.dynamicBatch()) {
        return input.dims.length == 0 ? 1 : (int) input.dims[0];
      }
    }
    return -1;
  }

  private static long[] rows(TfEndpoint[] endpoints) {
    long[] rows = new long[endpoints.length];
    for (int i = 0; i < endpoints.length; i++) {
      rows[i] = endpoints[i].rowElements();
    }
    return rows;
  }

  @Override
  public String toString() {
    return "TfModel{" + source + (signature == null ? "" : ", signature=" + signature) + ", inputs="
        + Arrays.toString(inputs().toArray()) + ", outputs=" + Arrays.toString(outputs().toArray()) + ", "
        + placement + "}";
  }
}
