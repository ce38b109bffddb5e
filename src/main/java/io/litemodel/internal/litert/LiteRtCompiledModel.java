package io.litemodel.internal.litert;

import io.litemodel.DataType;
import io.litemodel.LiteModelException;
import io.litemodel.NativeLog;
import io.litemodel.internal.core.NativeText;
import io.litemodel.internal.presets.LiteRtShim;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * The native peer of one LiteRT compiled model (environment, model, compiled model, tensor buffers), owned once.
 *
 * <p>Each tensor has a host staging area in native memory, viewed from Java as a {@link ByteBuffer} that is created
 * once per {@link #prepare(int) batch size}: a run is one bulk put per input, one JNI call ({@code lm_lrt_run}: copy
 * into LiteRT's buffers, run, copy back) and one bulk get per output. Not thread-safe: the owner serializes calls.
 */
final class LiteRtCompiledModel implements AutoCloseable {
  /** LiteRtHwAccelerators bit for the CPU accelerator (litert_common.h): the fallback for unsupported ops. */
  static final int HW_CPU = 1;
  /** LiteRtHwAccelerators bit for the GPU accelerator (litert_common.h). */
  static final int HW_GPU = 1 << 1;
  /** LiteRtElementType for float32 (mirrors kTfLiteFloat32). */
  private static final int FLOAT32 = 1;
  private static final int ERROR_CAPACITY = 4096;

  private Pointer handle;
  private final String[] names;
  private final int[][] declaredShapes;
  private final int inputCount;
  private final boolean fullyAccelerated;
  private final ByteBuffer[] views;
  /** What LiteRT printed while compiling (see {@link LiteRtCompileLog}). */
  private final String compileLog;
  private final int[][] shapes;
  private int batch = -1;
  /** Whether {@link #run()} ran since the last {@link #prepare}: the first run's captured log is passed on then. */
  private boolean ranOnce;

  private LiteRtCompiledModel(Pointer handle) {
    this.handle = handle;
    this.inputCount = LiteRtShim.lm_lrt_count(handle, 0);
    int total = inputCount + LiteRtShim.lm_lrt_count(handle, 1);
    this.names = new String[total];
    this.declaredShapes = new int[total][];
    this.views = new ByteBuffer[total];
    this.shapes = new int[total][];
    for (int t = 0; t < total; t++) {
      int output = t < inputCount ? 0 : 1;
      int index = t < inputCount ? t : t - inputCount;
      names[t] = NativeText.of(LiteRtShim.lm_lrt_name(handle, output, index));
      int[] shape = new int[LiteRtShim.lm_lrt_rank(handle, output, index)];
      for (int d = 0; d < shape.length; d++) {
        shape[d] = LiteRtShim.lm_lrt_dim(handle, output, index, d);
      }
      declaredShapes[t] = shape;
    }
    this.fullyAccelerated = LiteRtShim.lm_lrt_fully_accelerated(handle) == 1;
    this.compileLog = NativeText.raw(LiteRtShim.lm_lrt_compile_log(handle));
  }

  /**
   * Compiles a model with LiteRT for the given accelerators.
   *
   * @param runtimeDir where LiteRT's accelerator libraries are
   * @param model the .tflite bytes (copied: LiteRT keeps its own)
   * @param size how many bytes
   * @param accelerators LiteRtHwAccelerators bits
   * @return the compiled model; buffers follow with {@link #prepare(int)}
   * @throws LiteModelException with {@link LiteModelException.Status#ACCELERATOR_UNAVAILABLE} if LiteRT refuses the
   *     model (the message carries LiteRT's status, errors and log), or a tensor is not float32
   */
  static LiteRtCompiledModel open(Path runtimeDir, Pointer model, long size, int accelerators) {
    Pointer handle;
    System.err.flush(); // Java's own buffered text goes out now, not into the capture of LiteRT's log
    try (BytePointer error = new BytePointer(ERROR_CAPACITY)) {
      // LiteRT logs on the same scale as TensorFlow Lite: the level chosen for LiteModel's native log applies.
      handle = LiteRtShim.lm_lrt_open(runtimeDir.toString(), model, size, accelerators,
          NativeLog.current().severity(), error, ERROR_CAPACITY);
      if (handle == null || handle.isNull()) {
        throw new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE,
            "LiteRT could not compile the model for its GPU accelerator: " + NativeText.of(error));
      }
    }
    LiteRtCompiledModel compiled;
    try {
      compiled = new LiteRtCompiledModel(handle);
    } catch (RuntimeException | Error e) {
      LiteRtShim.lm_lrt_close(handle);
      throw e;
    }
    try {
      compiled.checkFloat32();
      return compiled;
    } catch (RuntimeException e) {
      compiled.close();
      throw e;
    }
  }

  private void checkFloat32() {
    for (int t = 0; t < names.length; t++) {
      int output = t < inputCount ? 0 : 1;
      int type = LiteRtShim.lm_lrt_element_type(handle, output, t < inputCount ? t : t - inputCount);
      if (type != FLOAT32) {
        String typeName;
        try {
          typeName = DataType.fromCode(type).toString();
        } catch (IllegalArgumentException unknown) {
          typeName = "type code " + type;
        }
        throw new LiteModelException(LiteModelException.Status.ACCELERATOR_UNAVAILABLE,
            (output == 0 ? "input '" : "output '") + names[t] + "' is " + typeName
                + "; LiteRT's GPU path takes float32 inputs and outputs only (run this model on the CPU)");
      }
    }
  }

  /**
   * Sets the batch (first dimension of dynamic tensors) and creates the buffers and their views. A no-op when the
   * batch is unchanged.
   *
   * @param rows the batch size, at least 1
   * @throws LiteModelException if LiteRT refuses the shape
   */
  void prepare(int rows) {
    checkOpen();
    if (rows < 1) {
      throw new IllegalArgumentException("batch must be at least 1, got " + rows);
    }
    if (rows == batch) {
      return;
    }
    // The native side frees the old buffers first: forget them before anything can fail.
    batch = -1;
    java.util.Arrays.fill(views, null);
    try (BytePointer error = new BytePointer(ERROR_CAPACITY)) {
      if (LiteRtShim.lm_lrt_prepare(handle, rows, error, ERROR_CAPACITY) != 0) {
        batch = -1;
        throw new LiteModelException(LiteModelException.Status.ERROR,
            "LiteRT could not prepare buffers for batch " + rows + ": " + NativeText.of(error));
      }
    }
    for (int t = 0; t < names.length; t++) {
      int output = t < inputCount ? 0 : 1;
      int index = t < inputCount ? t : t - inputCount;
      long bytes = LiteRtShim.lm_lrt_bytes(handle, output, index);
      Pointer staging = LiteRtShim.lm_lrt_staging(handle, output, index);
      views[t] = staging.capacity(bytes).asByteBuffer().order(ByteOrder.nativeOrder());
      int[] shape = new int[declaredShapes[t].length];
      for (int d = 0; d < shape.length; d++) {
        shape[d] = LiteRtShim.lm_lrt_dim(handle, output, index, d);
      }
      shapes[t] = shape;
    }
    batch = rows;
    ranOnce = false;
  }

  /**
   * Runs on the buffers' current contents. The hot path: one JNI crossing, no allocation.
   *
   * @return 0, or LiteRT's status (the reason in {@link #message()})
   */
  int run() {
    if (!ranOnce) {
      System.err.flush(); // the first run after prepare is captured (below): Java's buffered text goes out first
    }
    int status = LiteRtShim.lm_lrt_run(handle);
    if (!ranOnce) {
      // The first run after prepare was captured (LiteRT logs while it initializes its GPU kernels): pass it on by
      // the log level.
      ranOnce = true;
      LiteRtCompileLog.passOn(NativeText.raw(LiteRtShim.lm_lrt_first_run_log(handle)), NativeLog.current(),
          System.err);
    }
    return status;
  }

  /** @return why the last {@link #run()} failed */
  String message() {
    return handle == null ? "closed" : NativeText.of(LiteRtShim.lm_lrt_message(handle));
  }

  int inputCount() {
    return inputCount;
  }

  int outputCount() {
    return names.length - inputCount;
  }

  /** @return the batch the buffers are prepared for, or -1 */
  int batch() {
    return batch;
  }

  String name(boolean output, int index) {
    return names[slot(output, index)];
  }

  int[] declaredShape(boolean output, int index) {
    return declaredShapes[slot(output, index)].clone();
  }

  /** @return the shape the buffers are prepared for (the declared one before {@link #prepare(int)}) */
  int[] shape(boolean output, int index) {
    int[] shape = shapes[slot(output, index)];
    return (shape != null ? shape : declaredShapes[slot(output, index)]).clone();
  }

  /** @return the staging memory of a tensor; valid until the next {@link #prepare(int)} with another batch */
  ByteBuffer view(boolean output, int index) {
    return views[slot(output, index)];
  }

  boolean fullyAccelerated() {
    return fullyAccelerated;
  }

  /** @return what LiteRT printed on stderr while compiling ("" when nothing) */
  String compileLog() {
    return compileLog;
  }

  private int slot(boolean output, int index) {
    return output ? inputCount + index : index;
  }

  private void checkOpen() {
    if (handle == null) {
      throw new IllegalStateException("LiteRT model is closed");
    }
  }

  /** Destroys the native model (buffers, compiled model, model, environment). Idempotent. */
  @Override
  public void close() {
    Pointer h = handle;
    handle = null;
    if (h != null) {
      java.util.Arrays.fill(views, null);
      LiteRtShim.lm_lrt_close(h);
    }
  }
}
