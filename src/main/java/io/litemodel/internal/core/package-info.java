/**
 * Internal, not API: the call contract every {@code InferenceModel} runtime shares (TensorFlow Lite and LiteRT's GPU
 * path behind {@code LiteModel}, and the TensorFlow runtime), written once so that each misuse gets one exception
 * with one message whichever runtime runs the model.
 *
 * <p>{@link io.litemodel.internal.core.CallContract} holds the argument and shape checks and their messages,
 * {@link io.litemodel.internal.core.RowBatches} the batch loop (fixed-batch chunking and zero padding) over a
 * runtime's {@link io.litemodel.internal.core.BatchSteps}, and {@link io.litemodel.internal.core.NameIndex} the
 * mapping from input and output names to positions that {@code run(Map)} uses. A runtime's tensor binding implements
 * {@link io.litemodel.internal.core.CallTensor}, which is all the contract knows of a tensor.
 *
 * <p>This package sits below every other {@code io.litemodel} package and imports none of them (JDK only), so the
 * layering has no cycle; checks throw {@link java.lang.IllegalArgumentException} for misuse, as the public contract
 * documents, and anything a runtime reports as a {@code LiteModelException} stays in that runtime. Nothing here
 * allocates, locks or looks anything up on a call that passes its checks.
 */
package io.litemodel.internal.core;
