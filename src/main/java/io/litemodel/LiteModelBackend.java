package io.litemodel;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The service behind {@link LiteModel}: what loads a model and runs it. Applications never use this interface;
 * {@link LiteModel} is their API. It exists so that the public package names no runtime class: the runtimes live in
 * internal packages that depend on this package, one implementation is found with {@link java.util.ServiceLoader},
 * and so no package depends on another in a loop (docs/api.md, "Layers").
 *
 * <p>An implementation's methods have {@link LiteModel}'s contract, exceptions included; {@link LiteModel}'s
 * Javadoc is the specification.
 */
public interface LiteModelBackend {
  /**
   * Loads a model: verifies the bytes, checks the graph, builds the runtime the options' accelerator asks for.
   *
   * @param bytes the model, between position and limit (copied; the buffer is not modified)
   * @param options the settings to build with
   * @param source how messages name the model (a path, a resource, "from byte[n]")
   * @param file the file the bytes came from, or null
   * @return the loaded model, owned by the caller
   */
  Model load(ByteBuffer bytes, LiteModel.Options options, String source, Path file);

  /** @return the version of the TensorFlow Lite runtime (loads the natives if needed) */
  String tensorFlowLiteVersion();

  /** Makes {@code level} the level TensorFlow Lite logs at, now if the natives are loaded, else when they load. */
  void applyNativeLog(NativeLog level);

  /** @return true when LiteRT's natives are found and the Vulkan loader lists a hardware device */
  boolean hardwareGpuListed();

  /**
   * @return why LiteRT's GPU runtime cannot be used here (its natives not found, or they failed to bind), with how
   *     to add them; empty when they bind (whether a GPU is present is {@link #hardwareGpuListed()}'s question).
   *     A default, so that a backend written before this method still works: it says the backend does not tell.
   */
  default Optional<String> gpuRuntimeProblem() {
    return Optional.of("the runtime backend " + getClass().getName() + " does not report on LiteRT's GPU runtime");
  }

  /**
   * One loaded model: the operations of {@link LiteModel} that need the runtime. Not thread-safe, with the same
   * detection of overlapping calls that {@link LiteModel} documents.
   */
  interface Model extends InferenceModel {
    /** @return a replica with other options; see {@link LiteModel#replicate(LiteModel.Options)} */
    Model replicate(LiteModel.Options options);

    @Override
    Model replicate();

    /** @return see {@link LiteModel#signatureKeys()} */
    List<String> signatureKeys();

    /** @return see {@link LiteModel#signatureKey()} */
    String signatureKey();

    /** @return see {@link LiteModel#executionReport()} */
    ExecutionReport executionReport();

    /** See {@link LiteModel#resizeInput(int, int...)}. */
    void resizeInput(int index, int... shape);

    /** See {@link LiteModel#resetState()}. */
    void resetState();

    /** See {@link LiteModel#setInput(int, float[])}. */
    void setInput(int index, float[] data);

    /** See {@link LiteModel#setInputBytes(int, ByteBuffer)}. */
    void setInputBytes(int index, ByteBuffer data);

    /** See {@link LiteModel#invoke()}. */
    void invoke();

    /** See {@link LiteModel#getOutput(int, float[])}. */
    void getOutput(int index, float[] data);

    /** See {@link LiteModel#getOutputBytes(int, ByteBuffer)}. */
    void getOutputBytes(int index, ByteBuffer data);

    /** See {@link LiteModel#warmUp(int)}. */
    void warmUp(int calls);

    /** @return see {@link LiteModel#toString()}: the source, tensors, batch, signatures and what runs where */
    String describe();
  }
}
