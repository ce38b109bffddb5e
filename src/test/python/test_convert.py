"""End-to-end conversions of tiny models, checked through the files the Java side reads."""

import hashlib
import json
import os

import numpy as np
import pytest

from keras2tflite import TOLERANCES
from keras2tflite.cli import main
from keras2tflite.tflite_model import describe


def _sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def _sidecar(tflite_path):
    with open(os.path.splitext(tflite_path)[0] + ".json") as f:
        return json.load(f)


def _npy_header_version(path):
    with open(path, "rb") as f:
        magic = f.read(8)
    assert magic[:6] == b"\x93NUMPY"
    return magic[6], magic[7]


def _interpreter(path):
    import warnings

    import tensorflow as tf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tf.lite.Interpreter(model_path=str(path))


@pytest.mark.parametrize("mode", ["none", "float16", "dynamic", "int8"])
def test_every_quantize_mode_converts_verifies_and_writes_golden(mode, tiny_keras, tiny_calibration, tmp_path):
    out = tmp_path / f"tiny_{mode}.tflite"
    args = ["--keras", tiny_keras, "-o", str(out), "--quantize", mode, "--golden", "4"]
    if mode == "int8":
        args += ["--calibration", tiny_calibration]
    assert main(args) == 0
    side = _sidecar(out)
    assert side["options"]["quantize"] == mode
    assert side["verification"]["passed"] is True
    assert side["verification"]["tolerance"] == {"atol": TOLERANCES[mode].atol, "rtol": TOLERANCES[mode].rtol}
    [rep] = side["verification"]["outputs"]
    assert rep["name"] == "y" and rep["max_abs"] <= rep["bound"]
    if mode == "none":
        assert rep["max_abs"] < 1e-5
    else:
        assert rep["max_abs"] > 0  # quantization really happened
    # float model I/O in every mode without --int8-io
    assert side["inputs"][0]["dtype"] == "float32" and side["outputs"][0]["dtype"] == "float32"
    # The golden TFLite outputs are reproducible from the golden inputs with the written model.
    files = {f["kind"]: f["file"] for f in side["golden"]["files"]}
    assert set(files) == {"input", "keras", "tflite"}
    x = np.load(tmp_path / files["input"])
    runner = _interpreter(out).get_signature_runner("serving_default")
    np.testing.assert_array_equal(runner(x=x)["y"], np.load(tmp_path / files["tflite"]))


def test_float_sidecar_field_by_field(tiny_keras, tmp_path):
    import keras
    import tensorflow as tf

    out = tmp_path / "m.tflite"
    assert main(["--keras", tiny_keras, "-o", str(out), "--golden", "3", "--seed", "5", "--verify-samples", "7"]) == 0
    s = _sidecar(out)
    assert s["format_version"] == 2
    assert s["model_file"] == "m.tflite"
    assert s["model_sha256"] == _sha(out)
    assert s["model_bytes"] == os.path.getsize(out)
    assert s["source"] == {"kind": "keras", "file": "tiny.keras", "sha256": _sha(tiny_keras)}
    assert s["versions"]["tensorflow"] == tf.__version__
    assert s["versions"]["keras"] == keras.__version__
    assert s["versions"]["numpy"] == np.__version__
    assert s["options"] == {"quantize": "none", "int8_io": False, "batch": None, "select_tf_ops": False,
                            "calibration": None, "verify": True, "golden": 3}
    assert s["signature_keys"] == ["serving_default"]
    assert s["default_signature"] == "serving_default"
    assert s["flex_ops"] == []
    [x] = s["inputs"]
    assert x == {"name": "x", "tensor_name": "serving_default_x:0", "tensor_index": x["tensor_index"],
                 "io_index": 0, "shape": [-1, 8], "dtype": "float32", "quantized": False, "scale": 0.0,
                 "zero_point": 0, "element_size": 4, "byte_size": 32}
    [y] = s["outputs"]
    assert y["name"] == "y" and y["shape"] == [-1, 3] and y["dtype"] == "float32" and y["byte_size"] == 12
    assert y["io_index"] == 0 and not y["quantized"]
    [sig] = s["signatures"]
    assert sig["key"] == "serving_default" and sig["subgraph_index"] == 0
    assert sig["inputs"] == s["inputs"] and sig["outputs"] == s["outputs"]
    # tensor indices and names agree with the interpreter
    it = _interpreter(out)
    [d] = it.get_input_details()
    assert (d["index"], d["name"], list(d["shape_signature"])) == (x["tensor_index"], x["tensor_name"], [-1, 8])
    v = s["verification"]
    assert v["data"] == {"kind": "random", "distribution": "floats uniform [-1, 1), integers {0, 1}", "seed": 5,
                         "samples": 7}
    g = s["golden"]
    assert g["count"] == 3 and g["reference"] == "keras"
    assert [(f["kind"], f["file"], f["tensor"], f["dtype"], f["shape"]) for f in g["files"]] == [
        ("input", "m.golden.input.npy", "x", "float32", [3, 8]),
        ("keras", "m.golden.keras.npy", "y", "float32", [3, 3]),
        ("tflite", "m.golden.tflite.npy", "y", "float32", [3, 3]),
    ]
    for f in g["files"]:
        path = tmp_path / f["file"]
        assert _npy_header_version(path) == (1, 0)
        arr = np.load(path, allow_pickle=False)
        assert arr.dtype.str == "<f4" and arr.flags["C_CONTIGUOUS"]


def test_int8_io_sidecar_and_golden_files(tiny_keras, tiny_calibration, tmp_path):
    out = tmp_path / "q.tflite"
    assert main(["--keras", tiny_keras, "-o", str(out), "--quantize", "int8", "--int8-io",
                 "--calibration", tiny_calibration, "--golden", "5"]) == 0
    s = _sidecar(out)
    assert s["options"]["int8_io"] is True
    assert s["options"]["calibration"] == {"file": "calib.npy", "sha256": _sha(tiny_calibration), "samples": 64}
    assert s["verification"]["data"] == {"kind": "calibration", "samples": 64}
    [x], [y] = s["inputs"], s["outputs"]
    for t in (x, y):
        assert t["dtype"] == "int8" and t["quantized"] and t["scale"] > 0 and t["element_size"] == 1
    assert x["byte_size"] == 8 and y["byte_size"] == 3
    files = {f["kind"]: f for f in s["golden"]["files"]}
    assert set(files) == {"input", "input_int8", "keras", "tflite", "tflite_int8"}
    assert files["input_int8"]["dtype"] == "int8" and files["tflite_int8"]["dtype"] == "int8"
    xf = np.load(tmp_path / files["input"]["file"])
    xq = np.load(tmp_path / files["input_int8"]["file"])
    assert xf.dtype == np.float32 and xq.dtype == np.int8
    v = xf.astype(np.float64) / x["scale"]  # TFLite's rule: ties away from zero, float64, clamped
    expect_q = np.clip(np.trunc(v) + np.where(np.abs(v - np.trunc(v)) >= 0.5, np.sign(v), 0) + x["zero_point"],
                       -128, 127).astype(np.int8)
    np.testing.assert_array_equal(xq, expect_q)
    yq = _interpreter(out).get_signature_runner()(x=xq)["y"]
    np.testing.assert_array_equal(yq, np.load(tmp_path / files["tflite_int8"]["file"]))
    np.testing.assert_allclose(np.load(tmp_path / files["tflite"]["file"]),
                               (yq.astype(np.float64) - y["zero_point"]) * y["scale"], rtol=1e-6)


def test_batch_flag_fixes_the_batch_dimension(tiny_keras, tmp_path):
    out = tmp_path / "b.tflite"
    assert main(["--keras", tiny_keras, "-o", str(out), "--batch", "4", "--verify-samples", "10"]) == 0
    s = _sidecar(out)
    assert s["options"]["batch"] == 4
    assert s["inputs"][0]["shape"] == [4, 8] and s["inputs"][0]["byte_size"] == 128
    assert s["outputs"][0]["shape"] == [4, 3]
    assert s["verification"]["passed"]


def test_multi_io_names_survive_into_signature_and_sidecar(multi_io_keras, tmp_path):
    out = tmp_path / "mio.tflite"
    assert main(["--keras", multi_io_keras, "-o", str(out), "--golden", "2"]) == 0
    s = _sidecar(out)
    ins = {t["name"]: t for t in s["inputs"]}
    outs = {t["name"]: t for t in s["outputs"]}
    assert ins["features"]["shape"] == [-1, 16] and ins["context"]["shape"] == [-1, 4]
    assert outs["score"]["shape"] == [-1, 1] and outs["embedding"]["shape"] == [-1, 8]
    assert sorted(t["io_index"] for t in s["inputs"]) == [0, 1]
    it = _interpreter(out)
    sig = it.get_signature_list()["serving_default"]
    assert sorted(sig["inputs"]) == ["context", "features"] and sorted(sig["outputs"]) == ["embedding", "score"]
    by_index = {d["index"]: d for d in it.get_input_details()}
    for t in s["inputs"]:
        assert by_index[t["tensor_index"]]["name"] == t["tensor_name"]
        assert it.get_input_details()[t["io_index"]]["index"] == t["tensor_index"]
    names = sorted(f["file"] for f in s["golden"]["files"])
    assert names == sorted([
        "mio.golden.input.features.npy", "mio.golden.input.context.npy",
        "mio.golden.keras.score.npy", "mio.golden.keras.embedding.npy",
        "mio.golden.tflite.score.npy", "mio.golden.tflite.embedding.npy",
    ])
    feeds = {"features": np.load(tmp_path / "mio.golden.input.features.npy"),
             "context": np.load(tmp_path / "mio.golden.input.context.npy")}
    got = it.get_signature_runner()(**feeds)
    np.testing.assert_array_equal(got["embedding"], np.load(tmp_path / "mio.golden.tflite.embedding.npy"))


def test_multi_input_int8_with_npz_calibration(multi_io_keras, tmp_path):
    rng = np.random.default_rng(1)
    calib = tmp_path / "c.npz"
    np.savez(calib, features=rng.uniform(-1, 1, (32, 16)).astype(np.float32),
             context=rng.uniform(-1, 1, (32, 4)).astype(np.float32))
    out = tmp_path / "mq.tflite"
    assert main(["--keras", multi_io_keras, "-o", str(out), "--quantize", "int8", "--calibration", str(calib)]) == 0
    assert _sidecar(out)["verification"]["passed"]


def test_savedmodel_with_two_signatures(two_signature_savedmodel, tmp_path):
    out = tmp_path / "two.tflite"
    assert main(["--saved-model", two_signature_savedmodel, "-o", str(out), "--golden", "3"]) == 0
    s = _sidecar(out)
    assert s["source"]["kind"] == "savedmodel"
    assert s["signature_keys"] == ["add", "scale"]
    assert s["default_signature"] is None and s["inputs"] is None
    assert {sig["key"]: sig["inputs"][0]["shape"] for sig in s["signatures"]} == {"add": [-1, 4], "scale": [-1, 4]}
    assert len({sig["subgraph_index"] for sig in s["signatures"]}) == 2
    files = {(f["signature"], f["kind"]): f["file"] for f in s["golden"]["files"]}
    assert files[("add", "input")] == "two.golden.add.input.npy"
    assert files[("scale", "tf")] == "two.golden.scale.tf.npy"
    x = np.load(tmp_path / files[("scale", "input")])
    np.testing.assert_array_equal(np.load(tmp_path / files[("scale", "tflite")]), 2 * x)
    np.testing.assert_array_equal(np.load(tmp_path / files[("add", "tflite")]),
                                  np.load(tmp_path / files[("add", "input")]) + 1)


def _tamper_largest_buffer(model_bytes):
    """Returns a copy of the model with the largest constant buffer (a weight matrix) overwritten with noise."""
    from tensorflow.lite.python import schema_py_generated as schema

    model = schema.Model.GetRootAs(model_bytes, 0)
    best = None
    for i in range(model.BuffersLength()):
        buf = model.Buffers(i)
        n = buf.DataLength()
        if n and (best is None or n > best[1]):
            vec = buf._tab.Vector(buf._tab.Offset(4))  # start of the buffer's data vector
            best = (vec, n)
    assert best is not None, "no inline weight buffer found"
    start, n = best
    tampered = bytearray(model_bytes)
    noise = np.random.default_rng(0).uniform(-50, 50, n // 4).astype("<f4").tobytes()
    tampered[start:start + len(noise)] = noise
    return bytes(tampered)


def test_verification_catches_a_broken_conversion(tiny_keras, tmp_path, monkeypatch, capsys):
    import keras2tflite.api as api

    real_convert = api.convert
    monkeypatch.setattr(api, "convert", lambda *a, **k: _tamper_largest_buffer(real_convert(*a, **k)))
    out = tmp_path / "broken.tflite"
    assert main(["--keras", tiny_keras, "-o", str(out)]) == 3  # verification failed
    captured = capsys.readouterr()
    assert "y: max_abs=" in captured.out and "FAIL" in captured.out
    assert "verification failed: y exceed the none tolerance" in captured.err
    assert not out.exists() and not (tmp_path / "broken.json").exists()
    # The same tampered model passes through with --no-verify (proves the check, not the converter, rejected it).
    assert main(["--keras", tiny_keras, "-o", str(out), "--no-verify"]) == 0
    assert _sidecar(out)["verification"] is None


def test_non_builtin_op_needs_select_tf_ops(flex_savedmodel, tmp_path, capsys):
    out = tmp_path / "inv.tflite"
    assert main(["--saved-model", flex_savedmodel, "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "MatrixInverse" in err and "--select-tf-ops" in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()
    # With the flag it converts and verifies: the Python interpreter has no Flex delegate, so what is verified is the
    # SavedModel, reloaded from disk, as Java's TensorFlow runtime runs it; goldens name that runtime.
    assert main(["--saved-model", flex_savedmodel, "-o", str(out), "--select-tf-ops", "--golden", "2"]) == 0
    s = _sidecar(out)
    assert s["flex_ops"] == ["FlexMatrixInverse"] and s["options"]["select_tf_ops"] is True
    assert s["verification"]["passed"] is True and s["verification"]["runtime"] == "tensorflow-savedmodel"
    assert sorted(f["file"] for f in s["golden"]["files"]) == ["inv.golden.input.npy", "inv.golden.tf.npy",
                                                                 "inv.golden.tf_runtime.npy"]
    assert describe(out.read_bytes())[1] == ["FlexMatrixInverse"]


def test_cli_as_module_end_to_end(tiny_keras, tmp_path):
    from conftest import run_cli_subprocess

    out = tmp_path / "sub.tflite"
    r = run_cli_subprocess("--keras", tiny_keras, "-o", str(out), "--quantize", "float16")
    assert r.returncode == 0, r.stderr
    assert "y: max_abs=" in r.stdout and "ok" in r.stdout
    assert r.stderr.strip() == ""  # TensorFlow start-up chatter is filtered
    assert _sidecar(out)["options"]["quantize"] == "float16"


def test_verify_data_feeds_verification_and_golden(tiny_keras, tmp_path, capsys):
    data = tmp_path / "holdout.npy"
    x = np.random.default_rng(11).normal(size=(5, 8)).astype(np.float64)  # cast to the input dtype on load
    np.save(data, x)
    out = tmp_path / "vd.tflite"
    assert main(["--keras", tiny_keras, "-o", str(out), "--verify-data", str(data), "--golden", "5", "-v"]) == 0
    assert "data: file, 5 samples" in capsys.readouterr().out
    s = _sidecar(out)
    assert s["verification"]["data"] == {"kind": "file", "file": "holdout.npy", "sha256": _sha(data), "samples": 5}
    np.testing.assert_array_equal(np.load(tmp_path / "vd.golden.input.npy"), x.astype(np.float32))
