/**
 * Opening a model by its path: {@link io.litemodel.open.Models#open} picks the runtime from the
 * {@link io.litemodel.open.ModelFormat} ({@code .tflite}: TensorFlow Lite; a SavedModel directory or a frozen graph
 * {@code .pb}: the TensorFlow runtime). The command line and Spark open models here and nowhere else. Its own package
 * because it imports both {@code io.litemodel} and {@code io.litemodel.tensorflow}, and the second imports the first.
 */
package io.litemodel.open;
