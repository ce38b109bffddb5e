"""Outputs are written all or nothing: a failure anywhere leaves no model without its sidecar and no temporary file."""

import os

import pytest

import keras2tflite.api as api
from keras2tflite import atomic_files
from keras2tflite.api import ConversionOptions
from keras2tflite.atomic_files import write_all_or_nothing


def _snapshot(directory):
    """Every entry of ``directory`` (hidden ones included) with its content."""
    return {name: (directory / name).read_bytes() for name in sorted(os.listdir(directory))}


def _fail_on_call(monkeypatch, n):
    """Makes the n-th ``os.replace`` (1-based) raise; every other call is the real one."""
    real = os.replace
    calls = []

    def replace(src, dst):
        calls.append((src, dst))
        if len(calls) == n:
            raise OSError(28, "No space left on device (injected)")
        return real(src, dst)

    monkeypatch.setattr(atomic_files.os, "replace", replace)
    return calls


def test_failure_while_building_the_sidecar_leaves_nothing(tiny_keras, tmp_path, monkeypatch):
    def broken_sidecar(*args, **kwargs):
        raise ImportError("keras could not be imported (injected)")

    monkeypatch.setattr(api, "_build_sidecar", broken_sidecar)
    with pytest.raises(ImportError, match="injected"):
        api.run(ConversionOptions(output=str(tmp_path / "m.tflite"), keras=tiny_keras, golden=2))
    assert os.listdir(tmp_path) == []


def test_failed_rename_restores_the_previous_conversion(tiny_keras, tmp_path, monkeypatch):
    out = str(tmp_path / "m.tflite")
    api.run(ConversionOptions(output=out, keras=tiny_keras, golden=2, seed=1))
    before = _snapshot(tmp_path)
    assert sorted(before) == ["m.golden.input.npy", "m.golden.keras.npy", "m.golden.tflite.npy", "m.json",
                              "m.tflite"]
    calls = _fail_on_call(monkeypatch, 3)  # model and first golden file replaced, then the second fails
    with pytest.raises(OSError, match="injected"):
        api.run(ConversionOptions(output=out, keras=tiny_keras, golden=2, seed=2))  # other golden inputs
    assert len(calls) > 3  # the rollback ran
    assert _snapshot(tmp_path) == before


def test_failed_rename_of_a_fresh_set_removes_what_was_renamed(tmp_path, monkeypatch):
    _fail_on_call(monkeypatch, 2)
    with pytest.raises(OSError, match="injected"):
        write_all_or_nothing([(str(tmp_path / "a"), b"1"), (str(tmp_path / "b"), b"2"), (str(tmp_path / "c"), b"3")])
    assert os.listdir(tmp_path) == []


def test_failure_while_writing_temporaries_leaves_nothing(tmp_path):
    (tmp_path / "a").write_bytes(b"old")
    with pytest.raises(TypeError):
        write_all_or_nothing([(str(tmp_path / "a"), b"new"), (str(tmp_path / "b"), "not bytes")])
    assert _snapshot(tmp_path) == {"a": b"old"}


def test_success_writes_everything_with_umask_permissions(tmp_path):
    (tmp_path / "a").write_bytes(b"old")
    write_all_or_nothing([(str(tmp_path / "a"), b"new"), (str(tmp_path / "b"), b"2")])
    assert _snapshot(tmp_path) == {"a": b"new", "b": b"2"}
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(tmp_path / "b").st_mode & 0o777 == 0o666 & ~umask
