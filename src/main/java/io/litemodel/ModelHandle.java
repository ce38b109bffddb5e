package io.litemodel;

import io.litemodel.presets.LiteModelShim;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.TfLiteInterpreter;
import org.bytedeco.tensorflowlite.TfLiteInterpreterOptions;
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
final class ModelHandle {
  private BytePointer bytes;
  private TfLiteModel model;
  private final long size;
  private int references = 1;
  /**
   * The error sink the model was created with. TensorFlow Lite keeps the reporter's user data for the model's whole
   * life (it may report through it when interpreters are built), so the sink lives exactly as long as the model.
   */
  private Pointer errorSink;
  /** XNNPACK packed weights shared by this model's interpreters; created on first use, freed with the model. */
  private WeightsCache weightsCache;

  private ModelHandle(BytePointer bytes, TfLiteModel model, long size, Pointer errorSink) {
    this.bytes = bytes;
    this.model = model;
    this.size = size;
    this.errorSink = errorSink;
  }

  /**
   * Copies {@code data} off-heap and verifies it as a TensorFlow Lite flatbuffer.
   *
   * @param data the model bytes, from position to limit (position is not changed)
   * @param source where the bytes came from, for messages
   * @throws LiteModelException with {@link LiteModelException.Status#INVALID_MODEL} if TensorFlow Lite rejects it
   */
  static ModelHandle create(java.nio.ByteBuffer data, String source) {
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
    BytePointer bytes = new BytePointer(size);
    bytes.position(0).limit(size);
    bytes.asBuffer().put(data.duplicate());
    Pointer sink = LiteModelShim.lm_error_sink_create();
    TfLiteModel model = null;
    try {
      Pointer created = LiteModelShim.lm_model_create(bytes, size, sink);
      if (created == null || created.isNull()) {
        String why = LiteModelShim.lm_error_sink_text(sink).getString().strip();
        throw new LiteModelException(LiteModelException.Status.INVALID_MODEL,
            "model " + source + " was rejected by TensorFlow Lite (truncated or corrupt flatbuffer?)"
                + (why.isEmpty() ? "" : ": " + why));
      }
      model = new TfLiteModel(created);
      // Read the verified native copy, not the caller's buffer, which might change under us.
      String signatures = SignatureTableCheck.problem(bytes.position(0).limit(size).asBuffer());
      if (signatures != null) {
        throw new LiteModelException(LiteModelException.Status.INVALID_MODEL,
            "model " + source + " has a corrupt signature table: " + signatures);
      }
      String rejection = prepareWithBuiltinKernels(model, sink);
      if (rejection != null) {
        boolean unresolved = rejection.contains("nresolved") || rejection.contains("Didn't find op");
        throw new LiteModelException(
            unresolved ? LiteModelException.Status.UNRESOLVED_OPS : LiteModelException.Status.INVALID_MODEL,
            "model " + source + (unresolved ? " uses operators this TensorFlow Lite build cannot run"
                : " is inconsistent (its operators reject their tensors)") + ": " + rejection);
      }
      LiteModelShim.lm_error_sink_clear(sink);
      return new ModelHandle(bytes, model, size, sink);
    } catch (RuntimeException | Error e) {
      // Nothing owns these yet: free them here, model before the bytes it points into.
      if (model != null) {
        tensorflowlite.TfLiteModelDelete(model);
      }
      bytes.close();
      LiteModelShim.lm_error_sink_delete(sink);
      throw e;
    }
  }

  /**
   * Builds a throw-away interpreter with only the built-in kernels and allocates its tensors, which runs every
   * operator's own shape and type checks. The flatbuffer verifier checks structure, not meaning, and delegates such
   * as XNNPACK trust the graph they are given: in a fuzzing round, corrupt models that the verifier accepted aborted
   * the process inside XNNPACK's graph optimizer, while the built-in kernels rejected each of them with a message.
   * Done once per loaded model (replicas reuse the verdict); costs one interpreter build at load time.
   *
   * @return null when the model prepares cleanly, else TensorFlow Lite's reason
   */
  private static String prepareWithBuiltinKernels(TfLiteModel model, Pointer sink) {
    TfLiteInterpreterOptions options = tensorflowlite.TfLiteInterpreterOptionsCreate();
    try {
      LiteModelShim.lm_options_set_error_sink(options, sink);
      TfLiteInterpreter interpreter = tensorflowlite.TfLiteInterpreterCreate(model, options);
      if (interpreter == null || interpreter.isNull()) {
        return reason(sink, "no interpreter could be built");
      }
      try {
        if (tensorflowlite.TfLiteInterpreterAllocateTensors(interpreter) != 0) {
          return reason(sink, "allocating tensors failed");
        }
        return null;
      } finally {
        tensorflowlite.TfLiteInterpreterDelete(interpreter);
      }
    } finally {
      tensorflowlite.TfLiteInterpreterOptionsDelete(options);
    }
  }

  private static String reason(Pointer sink, String fallback) {
    String text = LiteModelShim.lm_error_sink_text(sink).getString().strip();
    return text.isEmpty() ? fallback : text;
  }

  /** @return the model for building an interpreter; valid while this caller holds a reference */
  synchronized TfLiteModel model() {
    if (model == null) {
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
      weightsCache = WeightsCache.create(size);
    }
    return weightsCache;
  }

  /** @return the size of the model in bytes */
  long size() {
    return size;
  }

  /** Takes one more reference (for another interpreter). */
  synchronized ModelHandle acquire() {
    if (references == 0) {
      throw new IllegalStateException("the model was closed; load it again");
    }
    references++;
    return this;
  }

  /** Drops one reference; the last one frees the native model and its bytes. Extra calls are ignored. */
  synchronized void release() {
    if (references == 0) {
      return;
    }
    if (--references == 0) {
      // Every interpreter released its reference after deleting its delegates, so no delegate uses the cache now.
      if (weightsCache != null) {
        weightsCache.delete();
        weightsCache = null;
      }
      tensorflowlite.TfLiteModelDelete(model);
      model = null;
      bytes.close();
      bytes = null;
      LiteModelShim.lm_error_sink_delete(errorSink);
      errorSink = null;
    }
  }
}
