package io.litemodel.internal.tflite;

import io.litemodel.LiteModelException;
import io.litemodel.internal.core.NativeScope;
import io.litemodel.internal.presets.LiteModelShim;
import org.bytedeco.javacpp.Pointer;

/**
 * XNNPACK's packed-weights cache, shared by every interpreter (replica) of one model so that N replicas keep one
 * copy of the packed weights instead of N.
 *
 * <p>Owned by the {@link ModelHandle}: every interpreter holds a model reference and releases it only after its
 * delegates were deleted, so the cache, freed with the last reference, outlives every delegate that points into it.
 *
 * <p>XNNPACK inserts packed weights while a delegate is applied and must see the cache finalized before it runs.
 * The first interpreter built fills the cache, which is then soft-finalized, once (XNNPACK refuses a second
 * finalization). Soft finalization keeps the cache usable by later delegates: replicas of the same model find
 * every packed weight there, and a replica with other flags may still add its own. Building interpreters on one cache is serialized by
 * {@link #lock()}: XNNPACK's cache is not documented as safe for concurrent inserts, and building is not a hot path.
 */
final class WeightsCache {
  private final NativeScope owned = new NativeScope();
  private final Pointer cache;
  private boolean finalized;

  private WeightsCache(Pointer cache) {
    this.cache = owned.own(cache, LiteModelShim::lm_xnnpack_weights_cache_delete);
  }

  /**
   * Packed weights take about as much room as the weights, plus per-operator padding; the reserve is generous
   * because the cache must never grow while delegates are being built on it (see shim.h), and reserved pages that
   * are never touched cost no resident memory.
   *
   * @param modelBytes size of the model the cache is for
   * @throws LiteModelException if XNNPACK cannot create a cache
   */
  static WeightsCache create(long modelBytes) {
    NativeRuntime.ensureLoaded();
    long reserve = 4 * modelBytes + (16L << 20);
    Pointer created = LiteModelShim.lm_xnnpack_weights_cache_create_with_size(reserve);
    if (created == null || created.isNull()) {
      throw new LiteModelException(LiteModelException.Status.DELEGATE_ERROR,
          "could not create an XNNPACK weights cache");
    }
    return new WeightsCache(created);
  }

  /** @return the lock to hold while an interpreter using this cache is built and the cache finalized */
  Object lock() {
    return this;
  }

  /** @return the native cache, for {@link XnnpackDelegate#create} */
  synchronized Pointer pointer() {
    if (owned.isClosed()) {
      throw new IllegalStateException("the weights cache was already deleted");
    }
    return cache;
  }

  /**
   * Finalizes the cache after the first interpreter using it was built (required before any of them runs); later
   * calls do nothing.
   *
   * @throws LiteModelException if XNNPACK refuses
   */
  synchronized void finalizeAfterBuild() {
    if (finalized) {
      return;
    }
    if (LiteModelShim.lm_xnnpack_weights_cache_finalize_soft(pointer()) != 1) {
      throw new LiteModelException(LiteModelException.Status.DELEGATE_ERROR,
          "XNNPACK could not finalize the shared weights cache");
    }
    finalized = true;
  }

  /** Frees the cache; only once no delegate uses it (see the class notes). Idempotent. */
  synchronized void delete() {
    owned.close();
  }
}
