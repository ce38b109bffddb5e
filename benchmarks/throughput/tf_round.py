"""One round of the interleaved head-to-head (headtohead.sh): tf.data + TFLite with 2 interpreter threads at batch
32, 8 and 4, then the fast row (JPEGs decoded in the DCT domain with decode_jpeg(ratio=k), as Java's
DecodeScale.AUTO row does) at batch 4; one warm-up pass and one measured pass each, one JSON line per configuration.

With --frozen FROZEN.pb (headtohead.sh tf): the seed recipe instead, tf.data feeding the frozen graph imported with
tf.compat.v1 and run in a Session at batch 32 and 8, then the best TFLite row (batch 8), in the same process.

Usage: python tf_round.py MODEL.tflite IMAGE_DIR [--frozen FROZEN.pb]
"""

import argparse
import glob
import json
import os
import time

from tf_bench import dataset, run_tflite

# image_cnn_frozen.pb's input and output tensors (models/image_cnn_frozen.json, written by build_models.py).
FROZEN_INPUT = "image:0"
FROZEN_OUTPUT = "Identity:0"


def run_frozen(tf, frozen_path, files, batch, cpu_rates):
    """The seed recipe: tf.data (parallel map decode/resize, prefetch) feeding a frozen GraphDef run in a
    tf.compat.v1 Session (TensorFlow's default thread pools); one warm-up and one measured pass.

    Returns images per second of the measured pass; cpu_rates receives images per CPU-second of the process.
    """
    graph_def = tf.compat.v1.GraphDef()
    with open(frozen_path, "rb") as source:
        graph_def.ParseFromString(source.read())
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.import_graph_def(graph_def, name="")
    session = tf.compat.v1.Session(graph=graph)
    inputs, outputs = graph.get_tensor_by_name(FROZEN_INPUT), graph.get_tensor_by_name(FROZEN_OUTPUT)
    height, width = int(inputs.shape[1]), int(inputs.shape[2])
    for images in dataset(tf, files[: 8 * batch], height, width, batch):
        session.run(outputs, {inputs: images.numpy()})
    start = time.perf_counter()
    cpu = time.process_time()
    count = 0
    for images in dataset(tf, files, height, width, batch):
        session.run(outputs, {inputs: images.numpy()})
        count += images.shape[0]
    rate = count / (time.perf_counter() - start)
    cpu_rates.append(count / (time.process_time() - cpu))
    session.close()
    return rate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("images")
    parser.add_argument("--frozen")
    args = parser.parse_args()
    import tensorflow as tf

    files = sorted(glob.glob(os.path.join(args.images, "*.jpg")))
    threads = os.cpu_count()
    if args.frozen:
        for batch in (32, 8):
            cpu = []
            rate = run_frozen(tf, args.frozen, files, batch, cpu)
            print(json.dumps({"side": "python", "variant": f"Python tf.data (parallel map, prefetch) + frozen graph "
                              f"in a tf.compat.v1 Session, batch {batch}", "images_per_second": rate,
                              "images_per_cpu_second": cpu[0]}), flush=True)
    for batch in (8,) if args.frozen else (32, 8, 4):
        cpu = []
        rates, _, _ = run_tflite(tf, args.model, files, batch, threads, repeats=1, cpu_rates=cpu)
        print(json.dumps({"side": "python", "variant": f"Python tf.data (parallel map, prefetch) + TFLite, "
                          f"{threads} interpreter threads, batch {batch}", "images_per_second": rates[0],
                          "images_per_cpu_second": cpu[0]}), flush=True)
    if not args.frozen:
        # "DCT-domain" marks the fast rows on both sides for headtohead_report.py.
        cpu = []
        rates, _, _ = run_tflite(tf, args.model, files, 4, threads, repeats=1, cpu_rates=cpu, fast=True)
        print(json.dumps({"side": "python", "variant": f"Python tf.data (parallel map, prefetch) + TFLite, "
                          f"{threads} interpreter threads, DCT-domain decode_jpeg(ratio=k), batch 4",
                          "images_per_second": rates[0], "images_per_cpu_second": cpu[0]}), flush=True)


if __name__ == "__main__":
    main()
