"""Shared fixtures: puts src/main/python on sys.path and builds tiny models once per session."""

import os
import sys

import numpy as np
import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, os.pardir))
PYTHON_SRC = os.path.join(REPO, "src", "main", "python")
MODELS = os.path.join(REPO, "models")
sys.path.insert(0, PYTHON_SRC)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="session")
def tiny_keras(tmp_path_factory):
    """A Keras file: x [-1, 8] -> Dense(16, relu) -> y [-1, 3] (tanh); weights big enough to quantize."""
    import keras

    keras.utils.set_random_seed(7)
    path = tmp_path_factory.mktemp("tiny") / "tiny.keras"
    inp = keras.Input((8,), name="x")
    h = keras.layers.Dense(160, activation="relu", name="hidden")(inp)  # 8*160 > 1024: dynamic mode quantizes it
    out = keras.layers.Dense(3, activation="tanh", name="y")(h)
    keras.Model(inp, out).save(path)
    return str(path)


@pytest.fixture(scope="session")
def tiny_calibration(tmp_path_factory):
    """64 calibration samples for ``tiny_keras``."""
    path = tmp_path_factory.mktemp("calib") / "calib.npy"
    np.save(path, np.random.default_rng(3).uniform(-1, 1, (64, 8)).astype(np.float32))
    return str(path)


@pytest.fixture(scope="session")
def multi_io_keras(tmp_path_factory):
    """Two named inputs of different shapes, two named outputs."""
    import keras

    keras.utils.set_random_seed(8)
    path = tmp_path_factory.mktemp("mio") / "mio.keras"
    f = keras.Input((16,), name="features")
    c = keras.Input((4,), name="context")
    h = keras.layers.Dense(8, activation="relu")(keras.layers.Concatenate()([f, c]))
    score = keras.layers.Dense(1, name="score")(h)
    emb = keras.layers.Dense(8, name="embedding")(h)
    keras.Model([f, c], [score, emb]).save(path)
    return str(path)


@pytest.fixture(scope="session")
def two_signature_savedmodel(tmp_path_factory):
    """A SavedModel with signatures ``add`` (x + 1) and ``scale`` (2x)."""
    import tensorflow as tf

    class M(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec((None, 4), tf.float32, name="x")])
        def add(self, x):
            return {"y": x + 1.0}

        @tf.function(input_signature=[tf.TensorSpec((None, 4), tf.float32, name="x")])
        def scale(self, x):
            return {"y": x * 2.0}

    m = M()
    path = tmp_path_factory.mktemp("sm2") / "two"
    tf.saved_model.save(m, str(path), signatures={"add": m.add, "scale": m.scale})
    return str(path)


@pytest.fixture(scope="session")
def flex_savedmodel(tmp_path_factory):
    """A SavedModel using MatrixInverse, which TFLite has only as a TensorFlow Select (Flex) op."""
    import tensorflow as tf

    class M(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec((None, 4), tf.float32, name="x")])
        def f(self, x):
            return {"y": tf.reshape(tf.linalg.inv(tf.reshape(x, (-1, 2, 2))), (-1, 4))}

    m = M()
    path = tmp_path_factory.mktemp("flex") / "inv"
    tf.saved_model.save(m, str(path), signatures={"serving_default": m.f})
    return str(path)


def run_cli_subprocess(*args, timeout=120):
    """Runs ``python -m keras2tflite ARGS`` in a fresh interpreter; returns the CompletedProcess."""
    import subprocess

    env = dict(os.environ, PYTHONPATH=PYTHON_SRC)
    return subprocess.run([sys.executable, "-m", "keras2tflite", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, cwd=REPO)


def pytest_configure(config):
    """Silences two third-party warnings that say nothing about this code."""
    config.addinivalue_line("filterwarnings", "ignore:.*tf.lite.Interpreter is deprecated:UserWarning")
    config.addinivalue_line("filterwarnings", "ignore:__array__ implementation doesn't accept a copy keyword")
