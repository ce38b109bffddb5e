package io.litemodel.tensorflow;

import java.util.List;
import java.util.Objects;

/**
 * Options of the TensorFlow runtime: SavedModel tags and signature, thread pools, device placement. Immutable; each
 * {@code with...} returns a copy.
 *
 * <pre>{@code
 * TfOptions options = TfOptions.defaults().withSignature("add").withIntraOpThreads(1).withInterOpThreads(1);
 * }</pre>
 */
public final class TfOptions {
  /** The tag every SavedModel exported for serving carries. */
  public static final String SERVE_TAG = "serve";
  /** The signature Keras and {@code tf.saved_model.save} export by default. */
  public static final String DEFAULT_SIGNATURE = "serving_default";

  private static final TfOptions DEFAULTS =
      new TfOptions(List.of(SERVE_TAG), DEFAULT_SIGNATURE, 0, 0, DevicePlacement.AUTO);

  private final List<String> tags;
  private final String signature;
  private final int intraOpThreads;
  private final int interOpThreads;
  private final DevicePlacement placement;

  private TfOptions(List<String> tags, String signature, int intraOpThreads, int interOpThreads,
      DevicePlacement placement) {
    this.tags = List.copyOf(tags);
    this.signature = signature;
    this.intraOpThreads = intraOpThreads;
    this.interOpThreads = interOpThreads;
    this.placement = placement;
  }

  /** @return tag {@code serve}, signature {@code serving_default}, TensorFlow's thread defaults, placement AUTO */
  public static TfOptions defaults() {
    return DEFAULTS;
  }

  /**
   * @param tags the SavedModel meta graph's tags (at least one)
   * @return a copy with these tags
   */
  public TfOptions withTags(String... tags) {
    if (tags.length == 0) {
      throw new IllegalArgumentException("a SavedModel needs at least one tag (usually \"" + SERVE_TAG + "\")");
    }
    return new TfOptions(List.of(tags), signature, intraOpThreads, interOpThreads, placement);
  }

  /**
   * @param signature the SavedModel signature to run
   * @return a copy with this signature
   */
  public TfOptions withSignature(String signature) {
    Objects.requireNonNull(signature, "signature");
    return new TfOptions(tags, signature, intraOpThreads, interOpThreads, placement);
  }

  /**
   * @param threads threads one operation may use (0: TensorFlow's default, the number of cores)
   * @return a copy with this intra-op pool size
   */
  public TfOptions withIntraOpThreads(int threads) {
    return new TfOptions(tags, signature, requireThreads(threads), interOpThreads, placement);
  }

  /**
   * @param threads operations that may run at once (0: TensorFlow's default)
   * @return a copy with this inter-op pool size
   */
  public TfOptions withInterOpThreads(int threads) {
    return new TfOptions(tags, signature, intraOpThreads, requireThreads(threads), placement);
  }

  /**
   * @param placement where operations run
   * @return a copy with this placement
   */
  public TfOptions withPlacement(DevicePlacement placement) {
    Objects.requireNonNull(placement, "placement");
    return new TfOptions(tags, signature, intraOpThreads, interOpThreads, placement);
  }

  /** @return the SavedModel tags */
  public List<String> tags() {
    return tags;
  }

  /** @return the signature key */
  public String signature() {
    return signature;
  }

  /** @return the intra-op pool size, 0 for TensorFlow's default */
  public int intraOpThreads() {
    return intraOpThreads;
  }

  /** @return the inter-op pool size, 0 for TensorFlow's default */
  public int interOpThreads() {
    return interOpThreads;
  }

  /** @return the device placement */
  public DevicePlacement placement() {
    return placement;
  }

  private static int requireThreads(int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("thread count must be 0 (default) or positive, got " + threads);
    }
    return threads;
  }

  @Override
  public String toString() {
    return "TfOptions{tags=" + tags + ", signature=" + signature + ", intraOpThreads=" + intraOpThreads
        + ", interOpThreads=" + interOpThreads + ", placement=" + placement + "}";
  }
}
