"""One round of the interleaved head-to-head (headtohead.sh): tf.data + TFLite with 2 interpreter threads at batch
32, 8 and 4, one warm-up pass and one measured pass each, one JSON line per configuration.

Usage: python tf_round.py MODEL.tflite IMAGE_DIR
"""

import glob
import json
import os
import sys

from tf_bench import run_tflite


def main():
    model, images = sys.argv[1], sys.argv[2]
    import tensorflow as tf

    files = sorted(glob.glob(os.path.join(images, "*.jpg")))
    threads = os.cpu_count()
    for batch in (32, 8, 4):
        cpu = []
        rates, _, _ = run_tflite(tf, model, files, batch, threads, repeats=1, cpu_rates=cpu)
        print(json.dumps({"side": "python", "variant": f"Python tf.data (parallel map, prefetch) + TFLite, "
                          f"{threads} interpreter threads, batch {batch}", "images_per_second": rates[0],
                          "images_per_cpu_second": cpu[0]}), flush=True)


if __name__ == "__main__":
    main()
