"""Python side of the throughput benchmark: tf.data feeding the TFLite interpreter, and Keras model.predict.

Both read the same JPEGs with the same preprocessing as the Java pipeline (decode, bilinear resize to the model's
H x W with half-pixel centres, scale to [-1, 1]), through tf.data with a parallel map and prefetching.

Usage: python tf_bench.py MODEL.tflite MODEL.keras IMAGE_DIR OUT.json [--batch 32]
"""

import argparse
import glob
import json
import os
import statistics
import time

# Measured passes per variant; the median is reported (the machine moves 10-20% between runs).
REPEATS = 3


def reduced_decode(tf, data, height, width):
    """decode_jpeg at the largest ratio of 8, 4, 2 whose decoded size (rounded up) still covers height x width, else
    at full size: the DCT-domain shortcut Java's DecodeScale.AUTO takes, chosen per image the same way."""
    shape = tf.io.extract_jpeg_shape(data)
    index = tf.constant(0)
    for i, k in enumerate((2, 4, 8), start=1):
        fits = tf.logical_and((shape[0] + k - 1) // k >= height, (shape[1] + k - 1) // k >= width)
        index = tf.where(fits, i, index)
    return tf.switch_case(index, [lambda k=k: tf.io.decode_jpeg(data, channels=3, ratio=k) for k in (1, 2, 4, 8)])


def dataset(tf, files, height, width, batch, fast=False):
    """tf.data: parallel decode + resize + normalize, batched, prefetched; fast decodes JPEGs reduced in the DCT
    domain (reduced_decode)."""

    def load(path):
        data = tf.io.read_file(path)
        image = reduced_decode(tf, data, height, width) if fast else tf.io.decode_jpeg(data, channels=3)
        image = tf.image.resize(image, (height, width), method="bilinear")
        return image / 127.5 - 1.0

    return (tf.data.Dataset.from_tensor_slices(files)
            .map(load, num_parallel_calls=tf.data.AUTOTUNE)
            .batch(batch)
            .prefetch(tf.data.AUTOTUNE))


def run_tflite(tf, model_path, files, batch, threads, repeats=REPEATS, cpu_rates=None, fast=False):
    """Runs the TFLite interpreter over a tf.data pipeline; returns images per second of each measured pass.
    fast: decode in the DCT domain at a reduced size (dataset's fast).

    cpu_rates, when given, receives images per CPU-second of the whole process (all threads) for each pass.
    """
    interpreter = tf.lite.Interpreter(model_path=model_path, num_threads=threads)
    detail = interpreter.get_input_details()[0]
    height, width = int(detail["shape_signature"][1]), int(detail["shape_signature"][2])
    output_index = interpreter.get_output_details()[0]["index"]
    current = [None]

    def predict(images):
        rows = images.shape[0]
        if current[0] != rows:  # resize only when the batch size changes, like the Java side
            interpreter.resize_tensor_input(detail["index"], [rows, height, width, 3])
            interpreter.allocate_tensors()
            current[0] = rows
        interpreter.set_tensor(detail["index"], images)
        interpreter.invoke()
        return interpreter.get_tensor(output_index)

    warm = dataset(tf, files[: 4 * batch], height, width, batch, fast)
    for images in warm:
        predict(images.numpy())
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        cpu = time.process_time()
        count = 0
        for images in dataset(tf, files, height, width, batch, fast):
            predict(images.numpy())
            count += images.shape[0]
        rates.append(count / (time.perf_counter() - start))
        if cpu_rates is not None:
            cpu_rates.append(count / (time.process_time() - cpu))
    return rates, height, width


def run_keras(tf, keras_path, files, batch, height, width):
    """Keras model.predict over the same tf.data pipeline; returns images per second of each measured pass."""
    import keras

    model = keras.models.load_model(keras_path, compile=False)
    model.predict(dataset(tf, files[: 4 * batch], height, width, batch), verbose=0)
    rates = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = model.predict(dataset(tf, files, height, width, batch), verbose=0)
        rates.append(len(result) / (time.perf_counter() - start))
    return rates


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tflite")
    parser.add_argument("keras")
    parser.add_argument("images")
    parser.add_argument("out")
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()

    import tensorflow as tf

    files = sorted(glob.glob(os.path.join(args.images, "*.jpg")))
    cores = os.cpu_count()
    result = {"images": len(files), "tensorflow": tf.__version__, "batch": args.batch}
    for threads in sorted({1, cores}):
        rates, height, width = run_tflite(tf, args.tflite, files, args.batch, threads)
        result[f"tfdata_tflite_threads{threads}_images_per_second"] = statistics.median(rates)
        result[f"tfdata_tflite_threads{threads}_runs_images_per_second"] = rates
        print(f"tf.data + TFLite ({threads} interpreter threads): {statistics.median(rates):.1f} images/s "
              f"(median of {rates})", flush=True)
    rates = run_keras(tf, args.keras, files, args.batch, height, width)
    result["keras_predict_images_per_second"] = statistics.median(rates)
    result["keras_predict_runs_images_per_second"] = rates
    print(f"Keras model.predict over tf.data: {statistics.median(rates):.1f} images/s (median of {rates})",
          flush=True)
    with open(args.out, "w") as out:
        json.dump(result, out, indent=2)


if __name__ == "__main__":
    main()
