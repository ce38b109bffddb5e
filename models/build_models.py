"""Builds, trains, saves and converts every reference model of LiteModel, deterministically.

Usage (from the repository root)::

    .venv/bin/python models/build_models.py                    # everything into models/
    .venv/bin/python models/build_models.py --only seed_mlp    # one model (and what it depends on)
    .venv/bin/python models/build_models.py --only seed_mlp --out /tmp/m

Every model is saved as ``<name>.keras`` (or a SavedModel directory) and converted with keras2tflite's pipeline
(the same code as ``python -m keras2tflite``), which verifies it against Keras and writes ``<name>.tflite``,
``<name>.json`` and ``<name>.golden.*.npy``. A verification failure stops the build. Seeds are reset before each
model, so ``--only`` produces the same weights as a full run.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "src", "main", "python"))

import numpy as np  # noqa: E402

SEED = 20240601
GOLDEN = 8


def reset_seeds(offset: int = 0) -> None:
    """Seeds Python, NumPy, TensorFlow and Keras and asks TensorFlow for deterministic kernels."""
    import keras
    import tensorflow as tf

    random.seed(SEED + offset)
    np.random.seed(SEED + offset)
    keras.utils.set_random_seed(SEED + offset)
    tf.config.experimental.enable_op_determinism()


def to_tflite(out: str, name: str, source: str, golden: int = GOLDEN, **options) -> dict:
    """Converts ``source`` (a .keras file or SavedModel dir inside ``out``) to ``<name>.tflite`` with golden files."""
    from keras2tflite.api import ConversionOptions, run

    path = os.path.join(out, source)
    kind = {"saved_model": path} if os.path.isdir(path) else {"keras": path}
    print(f"--- {name}")
    return run(ConversionOptions(output=os.path.join(out, name + ".tflite"), golden=golden, **kind, **options))


# --------------------------------------------------------------------------------------------------- the models


def build_seed_mlp(out: str) -> None:
    """256 -> 384 -> 384 -> 256 -> 128 (elu) -> 32 (tanh), random init, never trained."""
    import keras

    reset_seeds(1)
    inp = keras.Input((256,), name="input")
    h = inp
    for i, units in enumerate((384, 384, 256, 128)):
        h = keras.layers.Dense(units, activation="elu", name=f"dense_{i}")(h)
    y = keras.layers.Dense(32, activation="tanh", name="output")(h)
    keras.Model(inp, y, name="seed_mlp").save(os.path.join(out, "seed_mlp.keras"))
    to_tflite(out, "seed_mlp", "seed_mlp.keras")


def build_seed_mlp_savedmodel(out: str) -> None:
    """SavedModel export of seed_mlp (signature ``serve``), for TF-side tooling and the SavedModel converter path."""
    import keras

    model = keras.saving.load_model(os.path.join(out, "seed_mlp.keras"), compile=False)
    model.export(os.path.join(out, "seed_mlp_savedmodel"), format="tf_saved_model", verbose=False)


def build_seed_mlp_float16(out: str) -> None:
    """seed_mlp with float16 weights."""
    to_tflite(out, "seed_mlp_float16", "seed_mlp.keras", quantize="float16")


def build_seed_mlp_dynamic(out: str) -> None:
    """seed_mlp with dynamic-range (int8 weight) quantization."""
    to_tflite(out, "seed_mlp_dynamic", "seed_mlp.keras", quantize="dynamic")


def build_seed_mlp_int8(out: str) -> None:
    """seed_mlp fully int8, int8 inputs and outputs, calibrated on committed data; verified on held-out data."""
    rng = np.random.default_rng(SEED + 4)
    calibration = rng.uniform(-1.0, 1.0, size=(256, 256)).astype(np.float32)
    verify = rng.uniform(-1.0, 1.0, size=(64, 256)).astype(np.float32)
    np.save(os.path.join(out, "seed_mlp_int8.calibration.npy"), calibration, allow_pickle=False)
    np.save(os.path.join(out, "seed_mlp_int8.verify.npy"), verify, allow_pickle=False)
    to_tflite(out, "seed_mlp_int8", "seed_mlp.keras", quantize="int8", int8_io=True,
              calibration=os.path.join(out, "seed_mlp_int8.calibration.npy"),
              verify_data=os.path.join(out, "seed_mlp_int8.verify.npy"))


def make_classification(n_samples: int, n_features: int, n_informative: int, seed: int):
    """A two-class problem in the spirit of sklearn's make_classification, in plain NumPy.

    Each class is a Gaussian cluster around a vertex of a hypercube in the informative subspace; redundant features
    are random linear mixes of the informative ones, the rest is noise; 1% of labels are flipped.

    Args:
        n_samples: Number of samples (split evenly between the classes).
        n_features: Total features.
        n_informative: Informative features (<= n_features).
        seed: Generator seed.

    Returns:
        ``(x float32 [n, n_features], y int32 [n])``, shuffled.
    """
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % 2
    centroids = rng.choice([-1.0, 1.0], size=(2, n_informative)) * 1.5
    informative = centroids[y] + rng.normal(size=(n_samples, n_informative))
    n_redundant = min(2, n_features - n_informative)
    redundant = informative @ rng.uniform(-1, 1, size=(n_informative, n_redundant))
    noise = rng.normal(size=(n_samples, n_features - n_informative - n_redundant))
    x = np.concatenate([informative, redundant, noise], axis=1)
    flip = rng.random(n_samples) < 0.01
    y = np.where(flip, 1 - y, y)
    order = rng.permutation(n_samples)
    return x[order].astype(np.float32), y[order].astype(np.int32)


def build_seed_classifier(out: str) -> None:
    """20 -> 10 (relu) -> 2 (softmax), trained 100 epochs, batch 20, adam, on 100 synthetic samples."""
    import keras

    reset_seeds(2)
    x, y = make_classification(100, 20, 2, SEED + 2)
    inp = keras.Input((20,), name="input")
    h = keras.layers.Dense(10, activation="relu", name="hidden")(inp)
    p = keras.layers.Dense(2, activation="softmax", name="output")(h)
    model = keras.Model(inp, p, name="seed_classifier")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    hist = model.fit(x, y, epochs=100, batch_size=20, shuffle=True, verbose=0)
    print(f"seed_classifier: final loss {hist.history['loss'][-1]:.4f}, "
          f"train accuracy {hist.history['accuracy'][-1]:.2f}")
    model.save(os.path.join(out, "seed_classifier.keras"))
    # Verify and make golden vectors on the training distribution rather than uniform noise.
    np.save(os.path.join(out, "seed_classifier.verify.npy"), x[:32], allow_pickle=False)
    to_tflite(out, "seed_classifier", "seed_classifier.keras",
              verify_data=os.path.join(out, "seed_classifier.verify.npy"))


def build_image_cnn(out: str) -> None:
    """MobileNetV2 (alpha 0.35, random init) on 224x224x3 float32 NHWC images, 10 classes, dynamic batch."""
    import keras

    reset_seeds(3)
    image = keras.Input((224, 224, 3), name="image")
    model = keras.applications.MobileNetV2(input_tensor=image, alpha=0.35, weights=None, classes=10)
    # With random weights the activations shrink layer by layer until every image gets the same uniform 0.1
    # softmax, useless for parity tests. One pass in training mode with momentum 0 sets each BatchNormalization's
    # moving statistics to those of random images, so activations keep unit scale and outputs differ per image.
    norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    momentum = [layer.momentum for layer in norms]
    for layer in norms:
        layer.momentum = 0.0
    warmup = np.random.default_rng(SEED + 3).uniform(-1.0, 1.0, size=(16, 224, 224, 3)).astype(np.float32)
    model([warmup], training=True)
    for layer, m in zip(norms, momentum):
        layer.momentum = m
    model.save(os.path.join(out, "image_cnn.keras"))
    # 4 golden images (600 KB each as float32) keep models/ small. Its golden and verification inputs are uniform in
    # [-1, 1), like the warm-up above: pixels scaled as Keras' MobileNet preprocessing does, recorded as 'symmetric'.
    to_tflite(out, "image_cnn", "image_cnn.keras", golden=4, verify_samples=8, preprocess="symmetric")


def build_multi_io(out: str) -> None:
    """Inputs ``features`` [-1, 16] and ``context`` [-1, 4]; outputs ``score`` [-1, 1] and ``embedding`` [-1, 8]."""
    import keras

    reset_seeds(5)
    features = keras.Input((16,), name="features")
    context = keras.Input((4,), name="context")
    f = keras.layers.Dense(32, activation="relu", name="features_dense")(features)
    c = keras.layers.Dense(8, activation="relu", name="context_dense")(context)
    h = keras.layers.Concatenate(name="join")([f, c])
    h = keras.layers.Dense(16, activation="relu", name="trunk")(h)
    score = keras.layers.Dense(1, activation="sigmoid", name="score")(h)
    embedding = keras.layers.Dense(8, name="embedding")(h)
    keras.Model([features, context], [score, embedding], name="multi_io").save(os.path.join(out, "multi_io.keras"))
    to_tflite(out, "multi_io", "multi_io.keras")


def build_multi_signature(out: str) -> None:
    """A tf.Module with signatures ``add`` (y = x + 1) and ``scale`` (y = 2x), x and y [-1, 4] float32."""
    import tensorflow as tf

    reset_seeds(6)

    class TwoSignatures(tf.Module):
        """Two entry points sharing nothing but the module."""

        def __init__(self):
            super().__init__()
            self.one = tf.Variable(1.0, trainable=False)
            self.two = tf.Variable(2.0, trainable=False)

        @tf.function(input_signature=[tf.TensorSpec((None, 4), tf.float32, name="x")])
        def add(self, x):
            return {"y": x + self.one}

        @tf.function(input_signature=[tf.TensorSpec((None, 4), tf.float32, name="x")])
        def scale(self, x):
            return {"y": x * self.two}

    module = TwoSignatures()
    path = os.path.join(out, "multi_signature_savedmodel")
    tf.saved_model.save(module, path, signatures={"add": module.add, "scale": module.scale})
    to_tflite(out, "multi_signature", "multi_signature_savedmodel")


def build_image_cnn_frozen(out: str) -> None:
    """image_cnn as a frozen GraphDef, made the way the seed story made one: the Keras model's concrete function with
    its variables folded into constants (convert_variables_to_constants_v2), serialized to image_cnn_frozen.pb.
    The TensorFlow runtime loads it by operation names, which image_cnn_frozen.json records; the goldens are
    image_cnn's (same weights)."""
    import json

    import keras
    import tensorflow as tf
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    model = keras.models.load_model(os.path.join(out, "image_cnn.keras"))
    serve = tf.function(lambda image: model(image, training=False))
    concrete = serve.get_concrete_function(tf.TensorSpec((None, 224, 224, 3), tf.float32, name="image"))
    frozen = convert_variables_to_constants_v2(concrete)
    graph_def = frozen.graph.as_graph_def()
    path = os.path.join(out, "image_cnn_frozen.pb")
    with open(path, "wb") as f:
        f.write(graph_def.SerializeToString())
    inputs = [t.name for t in frozen.inputs]
    outputs = [t.name for t in frozen.outputs]
    # Parity with Keras on the committed golden images, through the frozen graph itself.
    images = np.load(os.path.join(out, "image_cnn.golden.input.npy"))
    expected = np.load(os.path.join(out, "image_cnn.golden.keras.npy"))
    got = frozen(tf.constant(images))[0].numpy()
    diff = float(np.abs(got - expected).max())
    if diff > 1e-4:
        raise SystemExit(f"image_cnn_frozen.pb differs from image_cnn.keras by {diff}")
    with open(os.path.join(out, "image_cnn_frozen.json"), "w") as f:
        json.dump({"model_file": "image_cnn_frozen.pb", "source": "image_cnn.keras", "inputs": inputs,
                   "outputs": outputs, "golden_input": "image_cnn.golden.input.npy",
                   "golden_output": "image_cnn.golden.keras.npy", "max_abs_diff_vs_keras": diff,
                   "versions": {"tensorflow": tf.__version__}}, f, indent=2)
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes): inputs {inputs}, outputs {outputs}, max|diff| {diff:.2e}")


def build_flex_sinh(out: str) -> None:
    """A model TensorFlow Lite cannot run without Flex: y = sinh(x W + b) (x [-1, 16], y [-1, 8]); ``Sinh`` has no
    TFLite builtin, so the converter needs --select-tf-ops. SavedModel flex_sinh_savedmodel (signature
    serving_default) for the TensorFlow runtime, flex_sinh.tflite (with a FlexSinh op) from the converter, and
    goldens: the converter verifies the SavedModel as Java's TensorFlow runtime runs it (the .tflite cannot run in
    Python) and writes flex_sinh.golden.input.npy, .tf.npy (reference) and .tf_runtime.npy (reloaded SavedModel)."""
    import tensorflow as tf

    reset_seeds(7)

    class FlexSinh(tf.Module):
        """One dense layer and a hyperbolic sine."""

        def __init__(self):
            super().__init__()
            rng = np.random.default_rng(SEED + 7)
            self.w = tf.Variable(rng.uniform(-0.5, 0.5, (16, 8)).astype(np.float32), trainable=False)
            self.b = tf.Variable(rng.uniform(-0.1, 0.1, (8,)).astype(np.float32), trainable=False)

        @tf.function(input_signature=[tf.TensorSpec((None, 16), tf.float32, name="x")])
        def serve(self, x):
            return {"y": tf.math.sinh(tf.matmul(x, self.w) + self.b)}

    module = FlexSinh()
    path = os.path.join(out, "flex_sinh_savedmodel")
    tf.saved_model.save(module, path, signatures={"serving_default": module.serve})
    to_tflite(out, "flex_sinh", "flex_sinh_savedmodel", golden=GOLDEN, select_tf_ops=True)


def _to_onnx(out: str, name: str) -> None:
    """Converts ``<name>.keras`` to ``<name>.onnx`` with tf2onnx and checks ONNX Runtime against Keras (1e-5)."""
    import keras
    import onnx
    import onnxruntime as ort
    import tensorflow as tf
    import tf2onnx

    model = keras.saving.load_model(os.path.join(out, name + ".keras"), compile=False)
    in_name = model.inputs[0].name
    out_name = model.layers[-1].name
    spec = (tf.TensorSpec((None,) + tuple(model.inputs[0].shape[1:]), tf.float32, name=in_name),)

    @tf.function(input_signature=spec)
    def serve(x):
        return {out_name: model(x, training=False)}

    proto, _ = tf2onnx.convert.from_function(serve, input_signature=spec, opset=17)
    # Give the graph output the Keras name (tf2onnx names it after the TF tensor).
    old = proto.graph.output[0].name
    for node in proto.graph.node:
        node.output[:] = [out_name if o == old else o for o in node.output]
        node.input[:] = [out_name if i == old else i for i in node.input]
    proto.graph.output[0].name = out_name
    proto.doc_string = f"{name}: LiteModel reference model, same weights as {name}.keras"
    onnx.checker.check_model(proto)
    path = os.path.join(out, name + ".onnx")
    onnx.save(proto, path)

    golden = np.load(os.path.join(out, name + ".golden.input.npy"))
    rng = np.random.default_rng(SEED + 7)
    x = np.concatenate([golden, rng.uniform(-1, 1, size=(32,) + golden.shape[1:]).astype(np.float32)])
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    [got] = session.run([out_name], {session.get_inputs()[0].name: x})
    want = model(x, training=False).numpy()
    err = float(np.abs(got - want).max())
    expected = np.load(os.path.join(out, name + ".golden.keras.npy"))
    golden_err = float(np.abs(got[: len(golden)] - expected).max())
    print(f"--- {name}.onnx: inputs {[i.name for i in session.get_inputs()]}, outputs "
          f"{[o.name for o in session.get_outputs()]}; max_abs vs Keras {err:.3e} on {len(x)} samples, "
          f"vs committed golden {golden_err:.3e}")
    if err > 1e-5 or golden_err > 1e-5:
        raise SystemExit(f"build_models: {name}.onnx differs from Keras by {max(err, golden_err):.3e} > 1e-5")


def build_seed_mlp_onnx(out: str) -> None:
    """seed_mlp.onnx, same weights as seed_mlp.keras."""
    _to_onnx(out, "seed_mlp")


def build_seed_classifier_fixed(out: str) -> None:
    """seed_classifier with its batch dimension fixed at 1 (the Java side then predicts batches row by row)."""
    to_tflite(out, "seed_classifier_fixed", "seed_classifier.keras", batch=1,
              verify_data=os.path.join(out, "seed_classifier.verify.npy"))


def build_seed_classifier_batch4(out: str) -> None:
    """seed_classifier with its batch dimension fixed at 4: a fixed batch above 1, which the Java side runs in chunks
    of 4 (a short last chunk padded with zero rows) and MicroBatcher only ever invokes with 4 rows."""
    to_tflite(out, "seed_classifier_batch4", "seed_classifier.keras", batch=4,
              verify_data=os.path.join(out, "seed_classifier.verify.npy"))


def build_token_embedding(out: str) -> None:
    """int32 token ids [-1, 4] -> Embedding(50, 3) -> Flatten -> Dense(2): a model whose input is not float."""
    import keras

    reset_seeds(7)
    tokens = keras.Input((4,), dtype="int32", name="tokens")
    h = keras.layers.Embedding(50, 3, name="embed")(tokens)
    h = keras.layers.Flatten(name="flat")(h)
    y = keras.layers.Dense(2, name="output")(h)
    keras.Model(tokens, y, name="token_embedding").save(os.path.join(out, "token_embedding.keras"))
    ids = np.random.default_rng(SEED + 7).integers(0, 50, size=(16, 4)).astype(np.int32)
    np.save(os.path.join(out, "token_embedding.verify.npy"), ids, allow_pickle=False)
    to_tflite(out, "token_embedding", "token_embedding.keras", golden=4,
              verify_data=os.path.join(out, "token_embedding.verify.npy"))


def build_seed_classifier_onnx(out: str) -> None:
    """seed_classifier.onnx, same weights as seed_classifier.keras."""
    _to_onnx(out, "seed_classifier")


# name -> (builder, names it needs first)
MODELS = {
    "seed_mlp": (build_seed_mlp, ()),
    "seed_mlp_savedmodel": (build_seed_mlp_savedmodel, ("seed_mlp",)),
    "seed_mlp_float16": (build_seed_mlp_float16, ("seed_mlp",)),
    "seed_mlp_dynamic": (build_seed_mlp_dynamic, ("seed_mlp",)),
    "seed_mlp_int8": (build_seed_mlp_int8, ("seed_mlp",)),
    "seed_mlp_onnx": (build_seed_mlp_onnx, ("seed_mlp",)),
    "seed_classifier": (build_seed_classifier, ()),
    "seed_classifier_onnx": (build_seed_classifier_onnx, ("seed_classifier",)),
    "seed_classifier_fixed": (build_seed_classifier_fixed, ("seed_classifier",)),
    "seed_classifier_batch4": (build_seed_classifier_batch4, ("seed_classifier",)),
    "token_embedding": (build_token_embedding, ()),
    "image_cnn": (build_image_cnn, ()),
    "multi_io": (build_multi_io, ()),
    "multi_signature": (build_multi_signature, ()),
    "image_cnn_frozen": (build_image_cnn_frozen, ("image_cnn",)),
    "flex_sinh": (build_flex_sinh, ()),
}


def main(argv: list[str] | None = None) -> int:
    """Builds the selected models.

    Args:
        argv: Command-line arguments without the program name.

    Returns:
        Exit code.
    """
    p = argparse.ArgumentParser(prog="build_models.py", description=__doc__.split("\n")[0])
    p.add_argument("--only", action="append", choices=sorted(MODELS), metavar="NAME",
                   help=f"build only NAME (repeatable; dependencies are built first): {', '.join(MODELS)}")
    p.add_argument("--out", default=HERE, help="output directory (default: the models/ directory)")
    args = p.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    from keras2tflite.errors import Keras2TfliteError

    wanted = args.only or list(MODELS)
    done: set[str] = set()

    def build(name: str) -> None:
        if name in done:
            return
        builder, deps = MODELS[name]
        for dep in deps:
            if args.only is None or not os.path.exists(os.path.join(args.out, dep + ".keras")):
                build(dep)
        start = time.time()
        builder(args.out)
        print(f"=== {name} built in {time.time() - start:.1f} s")
        done.add(name)

    try:
        for name in wanted:
            build(name)
    except Keras2TfliteError as e:
        print(f"build_models: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
