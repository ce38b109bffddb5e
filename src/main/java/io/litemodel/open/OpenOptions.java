package io.litemodel.open;

import io.litemodel.LiteModel;
import io.litemodel.tensorflow.TfOptions;
import java.util.List;
import java.util.Objects;

/**
 * How {@link Models#open} opens a model: the options of each runtime (only the one the model's format picks is
 * used) and a frozen graph's operation names. Immutable: each {@code with} method returns a copy.
 */
public final class OpenOptions {
  private static final OpenOptions DEFAULTS = new OpenOptions(LiteModel.Options.defaults(), TfOptions.defaults(),
      List.of(), List.of());

  private final LiteModel.Options lite;
  private final TfOptions tensorFlow;
  private final List<String> inputOps;
  private final List<String> outputOps;

  private OpenOptions(LiteModel.Options lite, TfOptions tensorFlow, List<String> inputOps, List<String> outputOps) {
    this.lite = lite;
    this.tensorFlow = tensorFlow;
    this.inputOps = inputOps;
    this.outputOps = outputOps;
  }

  /** @return each runtime's defaults, and no operation names (enough for every format but frozen graphs) */
  public static OpenOptions defaults() {
    return DEFAULTS;
  }

  /** @param options how a TensorFlow Lite model loads */
  public OpenOptions withLite(LiteModel.Options options) {
    return new OpenOptions(Objects.requireNonNull(options, "options"), tensorFlow, inputOps, outputOps);
  }

  /** @param options how a SavedModel or a frozen graph loads on the TensorFlow runtime */
  public OpenOptions withTensorFlow(TfOptions options) {
    return new OpenOptions(lite, Objects.requireNonNull(options, "options"), inputOps, outputOps);
  }

  /**
   * @param inputs a frozen graph's input operations, in the order its inputs take
   * @param outputs its output operations
   */
  public OpenOptions withFrozenGraphOps(List<String> inputs, List<String> outputs) {
    return new OpenOptions(lite, tensorFlow, List.copyOf(inputs), List.copyOf(outputs));
  }

  /** @return the TensorFlow Lite options */
  public LiteModel.Options lite() {
    return lite;
  }

  /** @return the TensorFlow runtime's options */
  public TfOptions tensorFlow() {
    return tensorFlow;
  }

  /** @return a frozen graph's input operations (empty unless given) */
  public List<String> inputOps() {
    return inputOps;
  }

  /** @return a frozen graph's output operations (empty unless given) */
  public List<String> outputOps() {
    return outputOps;
  }
}
