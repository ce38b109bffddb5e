package io.litemodel.internal.tflite;

import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.internal.analysis.CustomOperators;
import io.litemodel.internal.analysis.GraphCheck;
import io.litemodel.internal.analysis.MemoryBudget;
import io.litemodel.internal.analysis.ModelGraph;
import io.litemodel.internal.analysis.SignatureTableCheck;
import io.litemodel.internal.core.NativeScope;
import io.litemodel.internal.core.NativeText;
import io.litemodel.internal.presets.LiteModelShim;
import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.TfLiteModel;
import org.bytedeco.tensorflowlite.global.tensorflowlite;

/**
 * Owns a verified {@code TfLiteModel} and the native copy of the bytes it points into.
 *
 * <p>TensorFlow Lite does not copy model bytes, and a {@code TfLiteModel} may be shared by any number of
 * interpreters, so the handle is reference counted: every interpreter built on it holds one reference, and the
 * native memory is freed when the last one is released. The bytes are copied off-heap, never aliased from caller
 * memory, so callers may reuse their arrays and buffers at once.
 */
public final class ModelHandle {
  /**
   * Owns, in creation order: the native copy of the bytes, the error sink (TensorFlow Lite keeps the reporter's user
   * data for the model's whole life, so the sink lives exactly as long as the model), the model (which points into
   * the bytes), and the XNNPACK weights cache once created. Freed with the last reference, the cache first.
   */
  private final NativeScope owned;
  private final TfLiteModel model;
  /** The verified native copy of the model's bytes (owned by {@link #owned}), which {@link #model} points into. */
  private final BytePointer bytes;
  /** The model's error sink (owned by {@link #owned}), for the shape checks that run after load. */
  private final Pointer errorSink;
  private final long size;
  private int references = 1;
  /** XNNPACK packed weights shared by this model's interpreters; created on first use, freed with the model. */
  private WeightsCache weightsCache;

  /** The model's structure, read from the file once. */
  private final ModelGraph graph;
  /** Custom operators this build has no kernel for (a delegate may still claim them). */
  private final CustomOperators unresolved;
  /** Custom operators given stand-in kernels by the safety preparation. */
  private final java.util.Set<String> standIns;
  /** Why the stored default shapes could not be prepared (then every new shape is checked first), or null. */
  private final String deferredCheck;
  /** Input shapes already accepted by the safety preparation, most recent last (bounded). */
  private final java.util.Map<String, Boolean> acceptedShapes = new java.util.LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
      return size() > 32;
    }
  };

  /** Where the bytes came from (a path, a resource), for messages. */
  private final String source;

  private ModelHandle(NativeScope owned, TfLiteModel model, BytePointer bytes, long size, Pointer errorSink,
      ModelGraph graph, SafetyPreparation preparation, String source) {
    this.source = source;
    this.owned = owned;
    this.model = model;
    this.bytes = bytes;
    this.size = size;
    this.errorSink = errorSink;
    this.graph = graph;
    this.unresolved = preparation.unresolved();
    this.standIns = preparation.standIns();
    this.deferredCheck = preparation.deferred();
  }

  /**
   * Copies {@code data} off-heap and verifies it as a TensorFlow Lite flatbuffer.
   *
   * @param data the model bytes, from position to limit (position is not changed)
   * @param source where the bytes came from, for messages
   * @throws LiteModelException with {@link LiteModelException.Status#INVALID_MODEL} if TensorFlow Lite rejects it
   */
  public static ModelHandle create(ByteBuffer data, String source) {
    return create(data, source, LiteModel.Options.DEFAULT_MEMORY_BUDGET);
  }

  /**
   * Like {@link #create(ByteBuffer, String)}, refusing a model whose tensors at their stored shapes would need more
   * than {@code memoryBudget} bytes before anything is allocated for them (the safety preparation allocates them).
   *
   * @throws LiteModelException with {@link LiteModelException.Status#MEMORY_BUDGET_EXCEEDED} in that case
   */
  public static ModelHandle create(ByteBuffer data, String source, long memoryBudget) {
    NativeRuntime.ensureLoaded();
    int size = data.remaining();
    if (size == 0) {
      throw new LiteModelException(LiteModelException.Status.INVALID_MODEL,
          "model " + source + " is empty (0 bytes)");
    }
    // Cheap pre-check with a better message than the verifier's: a flatbuffer starts with a root offset, and
    // TensorFlow Lite files carry the identifier "TFL3" at bytes 4..7.
    if (size < 8 || data.get(data.position() + 4) != 'T' || data.get(data.position() + 5) != 'F'
        || data.get(data.position() + 6) != 'L' || data.get(data.position() + 7) != '3') {
      throw new LiteModelException(LiteModelException.Status.INVALID_MODEL,
          "model " + source + " is not a TensorFlow Lite flatbuffer (no TFL3 identifier; " + size + " bytes)");
    }
    NativeScope owned = new NativeScope();
    try {
      BytePointer bytes = owned.own(new BytePointer(size), BytePointer::close);
      bytes.position(0).limit(size);
      bytes.asBuffer().put(data.duplicate());
      Pointer sink = owned.own(LiteModelShim.lm_error_sink_create(), LiteModelShim::lm_error_sink_delete);
      Pointer created = LiteModelShim.lm_model_create(bytes, size, sink);
      if (created == null || created.isNull()) {
        String why = NativeText.sinkText(sink);
        throw new LiteModelException(LiteModelException.Status.INVALID_MODEL,
            "model " + source + " was rejected by TensorFlow Lite (truncated or corrupt flatbuffer?)"
                + (why.isEmpty() ? "" : ": " + why));
      }
      TfLiteModel model = owned.own(new TfLiteModel(created), tensorflowlite::TfLiteModelDelete);
      // Read the verified native copy, not the caller's buffer, which might change under us.
      ByteBuffer verified = bytes.position(0).limit(size).asBuffer();
      String signatures = SignatureTableCheck.problem(verified);
      if (signatures != null) {
        throw new LiteModelException(LiteModelException.Status.INVALID_MODEL,
            "model " + source + " has a corrupt signature table: " + signatures);
      }
      ModelGraph graph = ModelGraph.read(verified, source);
      GraphCheck.check(graph, source);
      MemoryBudget.check(graph, 0, 1.0, memoryBudget, "model " + source + " at its stored input shapes");
      SafetyPreparation preparation = SafetyPreparation.run(model, sink, graph);
      if (preparation.rejection() != null) {
        throw new LiteModelException(LiteModelException.Status.INVALID_MODEL,
            "model " + source + " is inconsistent (its operators reject their tensors): " + preparation.rejection());
      }
      LiteModelShim.lm_error_sink_clear(sink);
      return new ModelHandle(owned, model, bytes, size, sink, graph, preparation, source);
    } catch (RuntimeException | Error e) {
      owned.closeAfter(e); // nothing else owns these yet: the model goes before the bytes it points into
      throw e;
    }
  }

  /**
   * @return the verified model bytes ({@link #size()} of them), for a runtime that keeps its own copy (LiteRT); valid
   *     while this caller holds a reference
   */
  public BytePointer bytes() {
    return bytes;
  }

  /** @return the model for building an interpreter; valid while this caller holds a reference */
  synchronized TfLiteModel model() {
    if (owned.isClosed()) {
      throw new IllegalStateException("model handle already released");
    }
    return model;
  }

  /**
   * @return the XNNPACK weights cache shared by every interpreter of this model (created on first call); valid
   *     while the caller holds a reference
   */
  synchronized WeightsCache weightsCache() {
    if (references == 0) {
      throw new IllegalStateException("the model was closed; load it again");
    }
    if (weightsCache == null) {
      weightsCache = owned.own(WeightsCache.create(size), WeightsCache::delete);
    }
    return weightsCache;
  }

  /** @return where the model's bytes came from, for messages */
  String source() {
    return source;
  }

  /** @return the model's structure as declared in the file */
  public ModelGraph graph() {
    return graph;
  }

  /** @return the custom operators this build has no kernel for; a delegate must claim them for the model to run */
  CustomOperators unresolvedCustomOperators() {
    return unresolved;
  }

  /**
   * @return why the model could not be prepared at its stored default input shapes (it needs concrete shapes first),
   *     or null when it was
   */
  public String deferredCheck() {
    return deferredCheck;
  }

  /**
   * Runs the load-time safety preparation at {@code dims} before any interpreter of this model is resized to them,
   * for models whose default shapes could not be checked at load (see {@link #deferredCheck()}); does nothing for the
   * others. Shapes already accepted are remembered.
   *
   * @param signatureKey the signature whose inputs {@code names} are, or null for the main graph's tensor names
   * @throws LiteModelException with {@link LiteModelException.Status#INVALID_MODEL} when the operators reject them
   */
  synchronized void checkShapes(String signatureKey, String[] names, int[][] dims) {
    if (deferredCheck == null) {
      return;
    }
    if (references == 0) {
      throw new IllegalStateException("the model was closed; load it again");
    }
    String key = signatureKey + java.util.Arrays.toString(names) + java.util.Arrays.deepToString(dims);
    if (acceptedShapes.containsKey(key)) {
      return;
    }
    String rejection = SafetyPreparation.checkAt(model, errorSink, graph, standIns, signatureKey, names, dims);
    LiteModelShim.lm_error_sink_clear(errorSink);
    if (rejection != null) {
      throw new LiteModelException(LiteModelException.Status.INVALID_MODEL, "model " + source + " rejects input "
          + "shapes " + java.util.Arrays.deepToString(dims) + " (its operators reject their tensors): " + rejection);
    }
    acceptedShapes.put(key, Boolean.TRUE);
  }

  /** @return the size of the model in bytes */
  public long size() {
    return size;
  }

  /** Takes one more reference (for another interpreter). */
  public synchronized ModelHandle acquire() {
    if (references == 0) {
      throw new IllegalStateException("the model was closed; load it again");
    }
    references++;
    return this;
  }

  /** Drops one reference; the last one frees the native model and its bytes. Extra calls are ignored. */
  public synchronized void release() {
    if (references == 0) {
      return;
    }
    if (--references == 0) {
      // Every interpreter released its reference after deleting its delegates, so no delegate uses the cache now.
      owned.close();
      weightsCache = null;
    }
  }
}
