/**
 * Serving one model to many threads: {@link io.litemodel.serving.LiteModelPool} lends a replica per call, and
 * {@link io.litemodel.serving.MicroBatcher} coalesces concurrent single records into batched invocations. Both work
 * over any {@link io.litemodel.InferenceModel} and are one themselves, so the batch pipeline runs on them like on
 * any model. This package imports only the public face ({@code io.litemodel}).
 */
package io.litemodel.serving;
