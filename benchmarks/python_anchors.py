"""Python anchors for the latency table: what a Python user measures on the same machine, in the same run.

Three ways to predict one record of a Keras model, each timed per call with time.perf_counter_ns:

* ``keras.Model.predict(x)``: the Keras inference loop; slow per call (milliseconds), so it gets fewer calls
  (``--predict-calls``, default 2000), as the results say.
* ``model(x, training=False)``: the eager call.
* the TFLite Python interpreter, the popular recipe: ``set_tensor`` / ``invoke`` / ``get_tensor`` per record, one
  thread (this interpreter applies XNNPACK by default).

Prints one JSON object per line (p50/p90/p99/p99.9/max in microseconds), for run-latency.sh.

Usage: python benchmarks/python_anchors.py [--models models] [--model seed_mlp] [--calls 100000] [...]
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def percentiles(samples_ns):
    """Nearest-rank percentiles of per-call samples, in microseconds (same definition as the native floor)."""
    import numpy as np

    ordered = np.sort(np.asarray(samples_ns, dtype=np.int64))
    n = len(ordered)

    def rank(p):
        index = max(1, min(n, int(np.ceil(p / 100.0 * n))))
        return float(ordered[index - 1]) / 1000.0

    return {
        "calls": n,
        "p50_us": rank(50),
        "p90_us": rank(90),
        "p99_us": rank(99),
        "p999_us": rank(99.9),
        "max_us": float(ordered[-1]) / 1000.0,
        "mean_us": float(ordered.mean()) / 1000.0,
    }


def timed(fn, records, calls, warmup):
    """Calls fn(record) warmup + calls times, rotating records; returns the timed calls' samples in ns."""
    samples = [0] * calls
    count = len(records)
    for i in range(warmup):
        fn(records[i % count])
    clock = time.perf_counter_ns
    for i in range(calls):
        record = records[i % count]
        start = clock()
        fn(record)
        samples[i] = clock() - start
    return samples


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default="models", help="folder with the reference models")
    parser.add_argument("--model", default="seed_mlp", help="reference model name (default: seed_mlp)")
    parser.add_argument("--calls", type=int, default=100000, help="timed calls for the TFLite interpreter")
    parser.add_argument("--eager-calls", type=int, default=20000, help="timed calls for model(x)")
    parser.add_argument("--predict-calls", type=int, default=2000, help="timed calls for model.predict(x)")
    parser.add_argument("--warmup", type=int, default=200, help="untimed calls before each measurement")
    args = parser.parse_args(argv)
    for name in ("calls", "eager_calls", "predict_calls"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup must be 0 or more")
    return args


def main(argv=None):
    args = parse_args(argv)
    keras_file = os.path.join(args.models, args.model + ".keras")
    tflite_file = os.path.join(args.models, args.model + ".tflite")
    for path in (keras_file, tflite_file):
        if not os.path.isfile(path):
            print(f"python_anchors: {path} not found", file=sys.stderr)
            return 1

    import numpy as np
    import tensorflow as tf
    import keras

    model = keras.saving.load_model(keras_file, compile=False)
    width = int(model.inputs[0].shape[-1])
    rng = np.random.default_rng(42)
    records = [rng.uniform(-1, 1, size=(1, width)).astype(np.float32) for _ in range(16)]
    versions = {"python": sys.version.split()[0], "tensorflow": tf.__version__, "keras": keras.__version__,
                "numpy": np.__version__}

    def emit(runtime, samples, note):
        row = {"runtime": runtime, "model": args.model, "note": note, **percentiles(samples), **versions}
        print(json.dumps(row), flush=True)

    interpreter = tf.lite.Interpreter(model_path=tflite_file, num_threads=1)
    interpreter.allocate_tensors()
    input_index = interpreter.get_input_details()[0]["index"]
    output_index = interpreter.get_output_details()[0]["index"]

    def tflite_predict(record):
        interpreter.set_tensor(input_index, record)
        interpreter.invoke()
        return interpreter.get_tensor(output_index)

    emit("python-tflite-interpreter", timed(tflite_predict, records, args.calls, args.warmup),
         "tf.lite.Interpreter(num_threads=1): set_tensor, invoke, get_tensor per record")

    emit("python-keras-call", timed(lambda r: model(r, training=False), records, args.eager_calls, args.warmup),
         "model(x, training=False), eager")

    emit("python-keras-predict",
         timed(lambda r: model.predict(r, verbose=0), records, args.predict_calls, min(args.warmup, 50)),
         f"model.predict(x, verbose=0); only {args.predict_calls} calls (milliseconds each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
