/**
 * Load generation for measuring a model under many callers: {@link io.litemodel.load.LoadGenerator} drives a
 * {@link io.litemodel.load.LoadTarget} open loop (fixed rate, latency from each request's intended send time, so
 * coordinated omission is corrected) or closed loop (throughput), and reports an HdrHistogram in a
 * {@link io.litemodel.load.LoadResult}. The {@code latency} command's concurrent mode and the concurrency benchmark
 * (benchmarks/run-concurrency.sh) both use it.
 */
package io.litemodel.load;
