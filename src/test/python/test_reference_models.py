"""The committed reference models in models/: consistent files, golden vectors that reproduce, regeneration."""

import glob
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import MODELS, REPO
from keras2tflite.tolerances import check

EXPECTED = ["image_cnn", "multi_io", "multi_signature", "seed_classifier", "seed_classifier_batch4",
            "seed_classifier_fixed", "seed_mlp", "seed_mlp_dynamic",
            "seed_mlp_float16", "seed_mlp_int8", "token_embedding"]
# Converter sidecars of Flex models: their .tflite cannot run here (no Flex delegate); their SavedModel can.
FLEX = ["flex_sinh"]
# JSON that is no converter sidecar: the frozen graph's operation names.
OTHER_JSON = ["image_cnn_frozen"]


def _sidecar(name, directory=MODELS):
    with open(os.path.join(directory, name + ".json")) as f:
        return json.load(f)


def _golden(side, directory, signature, kind):
    return {f["tensor"]: np.load(os.path.join(directory, f["file"]), allow_pickle=False)
            for f in side["golden"]["files"] if f["signature"] == signature and f["kind"] == kind}


def _run_tflite(path, signature, feeds):
    import warnings

    import tensorflow as tf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        it = tf.lite.Interpreter(model_path=path)
    return it.get_signature_runner(signature)(**feeds)


def test_every_reference_model_is_committed():
    names = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(MODELS, "*.json")))
    assert names == sorted(EXPECTED + FLEX + OTHER_JSON)
    for extra in ("seed_mlp.onnx", "seed_classifier.onnx", "seed_mlp_int8.calibration.npy",
                  "seed_mlp_savedmodel/saved_model.pb", "multi_signature_savedmodel/saved_model.pb"):
        assert os.path.exists(os.path.join(MODELS, extra)), extra


@pytest.mark.parametrize("name", EXPECTED)
def test_golden_vectors_reproduce_with_the_committed_model(name):
    side = _sidecar(name)
    path = os.path.join(MODELS, side["model_file"])
    assert hashlib.sha256(open(path, "rb").read()).hexdigest() == side["model_sha256"]
    assert side["verification"]["passed"]
    mode = side["options"]["quantize"]
    for sig in side["signatures"]:
        key = sig["key"]
        fed = _golden(side, MODELS, key, "input_int8") or _golden(side, MODELS, key, "input")
        assert set(fed) == {t["name"] for t in sig["inputs"]}
        got = _run_tflite(path, key, fed)
        want = _golden(side, MODELS, key, "tflite_int8") or _golden(side, MODELS, key, "tflite")
        reference = _golden(side, MODELS, key, side["golden"]["reference"])
        for t in sig["outputs"]:
            # Same model, same inputs: equal up to kernel rounding.
            assert check(t["name"], got[t["name"]], want[t["name"]], "none").passed, (name, key, t["name"])
            tflite_float = _golden(side, MODELS, key, "tflite")[t["name"]]
            r = check(t["name"], tflite_float, reference[t["name"]], mode)
            assert r.passed, (name, key, r)


@pytest.mark.parametrize("name", FLEX)
def test_flex_golden_vectors_reproduce_through_the_savedmodel(name):
    import tensorflow as tf

    side = _sidecar(name)
    assert side["flex_ops"] and side["verification"]["passed"]
    assert side["verification"]["runtime"] == "tensorflow-savedmodel"
    loaded = tf.saved_model.load(os.path.join(MODELS, name + "_savedmodel"))
    for sig in side["signatures"]:
        key = sig["key"]
        fed = _golden(side, MODELS, key, "input")
        got = loaded.signatures[key](**{k: tf.constant(v) for k, v in fed.items()})
        want = _golden(side, MODELS, key, "tf_runtime")
        for t in sig["outputs"]:
            assert check(t["name"], got[t["name"]].numpy(), want[t["name"]], "none").passed, (name, key, t["name"])


def test_frozen_graph_matches_keras_golden():
    import tensorflow as tf

    with open(os.path.join(MODELS, "image_cnn_frozen.json")) as f:
        meta = json.load(f)
    graph_def = tf.compat.v1.GraphDef()
    with open(os.path.join(MODELS, meta["model_file"]), "rb") as f:
        graph_def.ParseFromString(f.read())
    wrapped = tf.compat.v1.wrap_function(lambda: tf.compat.v1.import_graph_def(graph_def, name=""), [])
    run = wrapped.prune(wrapped.graph.get_tensor_by_name(meta["inputs"][0]),
                        wrapped.graph.get_tensor_by_name(meta["outputs"][0]))
    x = np.load(os.path.join(MODELS, meta["golden_input"]))
    want = np.load(os.path.join(MODELS, meta["golden_output"]))
    assert np.abs(run(tf.constant(x)).numpy() - want).max() <= 1e-4


@pytest.mark.parametrize("name", ["seed_mlp", "seed_classifier"])
def test_onnx_models_match_keras_golden(name):
    import onnxruntime as ort

    session = ort.InferenceSession(os.path.join(MODELS, name + ".onnx"), providers=["CPUExecutionProvider"])
    x = np.load(os.path.join(MODELS, name + ".golden.input.npy"))
    [got] = session.run(["output"], {"input": x})
    want = np.load(os.path.join(MODELS, name + ".golden.keras.npy"))
    assert np.abs(got - want).max() <= 1e-5


def test_regenerated_models_match_committed_golden(tmp_path):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    r = subprocess.run([sys.executable, os.path.join(REPO, "models", "build_models.py"), "--only", "seed_mlp",
                        "--only", "seed_classifier", "--out", str(tmp_path)],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    for name in ("seed_mlp", "seed_classifier"):
        committed = _sidecar(name)
        fresh = _sidecar(name, str(tmp_path))
        assert fresh["signatures"] == committed["signatures"]
        x = _golden(committed, MODELS, "serving_default", "input")
        got = _run_tflite(str(tmp_path / (name + ".tflite")), "serving_default", x)["output"]
        want = _golden(committed, MODELS, "serving_default", "tflite")["output"]
        report = check("output", got, want, "none")
        assert report.passed, (name, report)
        # Same seeds -> same Keras model: its golden outputs agree too.
        fresh_keras = _golden(fresh, str(tmp_path), "serving_default", "keras")["output"]
        assert check("output", fresh_keras, _golden(committed, MODELS, "serving_default", "keras")["output"],
                     "none").passed
