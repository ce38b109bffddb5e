package io.litemodel.internal.tflite;

import io.litemodel.LiteModelException;
import io.litemodel.internal.core.NativeScope;
import io.litemodel.internal.core.NativeText;
import io.litemodel.internal.presets.LiteModelShim;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * The XNNPACK CPU delegate. In the bytedeco build, {@code TfLiteInterpreterCreate} does not apply XNNPACK by itself
 * (it runs TensorFlow Lite's reference kernels), so LiteModel creates this delegate explicitly.
 */
public final class XnnpackDelegate implements NativeDelegate {
  /** The XNNPACK delegate's kernel name in the execution plan. */
  public static final String KERNEL_NAME = "TfLiteXNNPackDelegate";

  private final int threads;
  private final boolean sharedWeights;
  private final NativeScope owned = new NativeScope();
  private final Pointer delegate;

  private XnnpackDelegate(int threads, Pointer delegate, boolean sharedWeights) {
    this.threads = threads;
    this.delegate = owned.own(delegate, LiteModelShim::lm_xnnpack_delete);
    this.sharedWeights = sharedWeights;
  }

  /**
   * @param threads thread pool size (1: run on the calling thread)
   * @param extraFlags flags added to this build's defaults
   * @param weightsCache a shared packed-weights cache, or null
   */
  static XnnpackDelegate create(int threads, long extraFlags, Pointer weightsCache) {
    return create(threads, extraFlags, 0, weightsCache);
  }

  /**
   * @param threads thread pool size (1: run on the calling thread)
   * @param setFlags flags added to this build's defaults
   * @param clearedFlags flags removed from this build's defaults
   * @param weightsCache a shared packed-weights cache, or null
   * @throws LiteModelException if XNNPACK refuses the options
   */
  static XnnpackDelegate create(int threads, long setFlags, long clearedFlags, Pointer weightsCache) {
    NativeRuntime.ensureLoaded();
    long flags = (defaultFlags() | setFlags) & ~clearedFlags;
    try (BytePointer error = new BytePointer(512)) {
      Pointer created = LiteModelShim.lm_xnnpack_create(threads, flags, 1, weightsCache, error,
          (int) error.capacity());
      if (created == null || created.isNull()) {
        throw new LiteModelException(LiteModelException.Status.DELEGATE_ERROR,
            "could not create the XNNPACK delegate: " + NativeText.of(error));
      }
      return new XnnpackDelegate(threads, created, weightsCache != null);
    }
  }

  /** @return the flags {@code TfLiteXNNPackDelegateOptionsDefault()} sets in this build */
  static long defaultFlags() {
    NativeRuntime.ensureLoaded();
    return LiteModelShim.lm_xnnpack_default_flags();
  }

  @Override
  public Pointer pointer() {
    return delegate;
  }

  /** @return the flags the delegate actually runs with */
  long flags() {
    return LiteModelShim.lm_xnnpack_flags(delegate);
  }

  /** @return true when XNNPACK created its own thread pool (threads &gt; 1) */
  boolean hasThreadPool() {
    return LiteModelShim.lm_xnnpack_has_thread_pool(delegate) != 0;
  }

  @Override
  public String describe() {
    return "XNNPACK(threads=" + threads + ", flags=0x" + Long.toHexString(flags())
        + (sharedWeights ? ", shared weights cache" : "") + ")";
  }

  @Override
  public void delete() {
    owned.close();
  }
}
