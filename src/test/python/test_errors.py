"""Every user error gives one clear line on stderr, both in-process and as ``python -m``: a wrong command line exits 2
with a hint to ``--help`` on a second line, a failed conversion exits 1 (the exit codes of the Java CLI too)."""

import os
import zipfile

import numpy as np
import pytest

from conftest import run_cli_subprocess
from keras2tflite.cli import main

HINT = "Try 'keras2tflite --help' for more information."


def _is_usage_error(err: str) -> bool:
    lines = err.strip().splitlines()
    return len(lines) == 2 and lines[0].startswith("keras2tflite: error: ") and lines[1] == HINT


def _write(path, content: bytes):
    path.write_bytes(content)
    return str(path)


@pytest.fixture
def bad_inputs(tmp_path):
    """Paths for each kind of broken input."""
    text_keras = _write(tmp_path / "text.keras", b"this is not a model\n")
    zip_keras = tmp_path / "nozip.keras"
    with zipfile.ZipFile(zip_keras, "w") as z:
        z.writestr("hello.txt", "hi")
    fake_h5 = _write(tmp_path / "fake.h5", b"not hdf5 at all")
    wrong_ext = _write(tmp_path / "model.pkl", b"x")
    empty_dir = tmp_path / "emptydir"
    empty_dir.mkdir()
    return {"text_keras": text_keras, "zip_keras": str(zip_keras), "fake_h5": fake_h5, "wrong_ext": wrong_ext,
            "empty_dir": str(empty_dir), "dir": str(tmp_path)}


# (argv builder, expected message fragment). Each runs before TensorFlow is imported, so they are fast.
VALIDATION_CASES = {
    "missing input": (lambda b, o: ["--keras", "/nonexistent/m.keras", "-o", o], "no such file"),
    "directory as keras file": (lambda b, o: ["--keras", b["empty_dir"], "-o", o], "not a regular file"),
    "text file named .keras": (lambda b, o: ["--keras", b["text_keras"], "-o", o], "not a Keras model"),
    "zip without config": (lambda b, o: ["--keras", b["zip_keras"], "-o", o], "zip archive without config.json"),
    "fake h5": (lambda b, o: ["--keras", b["fake_h5"], "-o", o], "not an HDF5 file"),
    "wrong extension": (lambda b, o: ["--keras", b["wrong_ext"], "-o", o], "unsupported extension '.pkl'"),
    "savedmodel missing": (lambda b, o: ["--saved-model", "/nonexistent/sm", "-o", o], "no such directory"),
    "savedmodel without pb": (lambda b, o: ["--saved-model", b["empty_dir"], "-o", o], "no saved_model.pb"),
    "unknown flag": (lambda b, o: ["--keras", b["text_keras"], "-o", o, "--quantise", "int8"],
                     "unrecognized arguments: --quantise"),
    "bad quantize mode": (lambda b, o: ["--keras", b["text_keras"], "-o", o, "--quantize", "int4"],
                          "invalid choice: 'int4'"),
    "both input kinds": (lambda b, o: ["--keras", b["text_keras"], "--saved-model", b["empty_dir"], "-o", o],
                         "not allowed with argument"),
    "no input": (lambda b, o: ["-o", o], "one of the arguments --keras --saved-model is required"),
    "output not .tflite": (lambda b, o: ["--keras", "/nonexistent/m.keras", "-o", o + ".bin"], "no such file"),
}


@pytest.mark.parametrize("case", sorted(VALIDATION_CASES))
def test_validation_errors_in_process(case, bad_inputs, tmp_path, capsys):
    build, fragment = VALIDATION_CASES[case]
    assert main(build(bad_inputs, str(tmp_path / "out.tflite"))) == 2
    err = capsys.readouterr().err
    assert fragment in err.splitlines()[0]
    assert _is_usage_error(err), err


@pytest.mark.parametrize("case", ["missing input", "text file named .keras", "unknown flag", "no input"])
def test_validation_errors_as_module(case, bad_inputs, tmp_path):
    build, fragment = VALIDATION_CASES[case]
    r = run_cli_subprocess(*build(bad_inputs, str(tmp_path / "out.tflite")))
    assert r.returncode == 2
    assert fragment in r.stderr and _is_usage_error(r.stderr), r.stderr
    assert not (tmp_path / "out.tflite").exists()


def test_flag_combinations(tiny_keras, tiny_calibration, tmp_path, capsys):
    o = str(tmp_path / "o.tflite")
    cases = [
        (["--quantize", "int8"], "refusing to calibrate on random data"),
        (["--quantize", "dynamic", "--calibration", tiny_calibration], "--calibration is only used with --quantize int8"),
        (["--int8-io"], "--int8-io needs --quantize int8"),
        (["--batch", "0"], "--batch must be at least 1"),
        (["--golden", "-1"], "--golden must be 0 or more"),
        (["--verify-samples", "0"], "--verify-samples must be at least 1"),
        (["--quantize", "int8", "--calibration", str(tmp_path / "missing.npy")], "--calibration"),
        (["--verify-data", str(tmp_path / "missing.npy")], "--verify-data"),
    ]
    for extra, fragment in cases:
        assert main(["--keras", tiny_keras, "-o", o, *extra]) == 2, extra
        err = capsys.readouterr().err
        assert fragment in err and _is_usage_error(err), (extra, err)
    assert main(["--keras", tiny_keras, "-o", str(tmp_path / "o.bin")]) == 2
    assert "must end with .tflite" in capsys.readouterr().err
    assert main(["--keras", tiny_keras, "-o", str(tmp_path / "no" / "dir" / "o.tflite")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_int8_without_calibration_refuses_as_module(tiny_keras, tmp_path):
    r = run_cli_subprocess("--keras", tiny_keras, "-o", str(tmp_path / "o.tflite"), "--quantize", "int8")
    assert r.returncode == 2
    assert "needs representative inputs" in r.stderr and "refusing to calibrate on random data" in r.stderr


def test_calibration_of_wrong_shape(tiny_keras, tmp_path, capsys):
    bad = tmp_path / "bad.npy"
    np.save(bad, np.zeros((10, 5), np.float32))
    o = str(tmp_path / "o.tflite")
    assert main(["--keras", tiny_keras, "-o", o, "--quantize", "int8", "--calibration", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "array for input 'x' has shape (10, 5), expected (N, 8)" in err and len(err.strip().splitlines()) == 1
    assert not os.path.exists(o)

    flat = tmp_path / "flat.npy"
    np.save(flat, np.zeros((8,), np.float32))
    assert main(["--keras", tiny_keras, "-o", o, "--quantize", "int8", "--calibration", str(flat)]) == 1
    assert "has shape (8,), expected (N, 8)" in capsys.readouterr().err

    objects = tmp_path / "objects.npy"
    np.save(objects, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    assert main(["--keras", tiny_keras, "-o", o, "--quantize", "int8", "--calibration", str(objects)]) == 1
    assert "cannot read NumPy data" in capsys.readouterr().err

    not_numpy = tmp_path / "junk.npy"
    not_numpy.write_bytes(b"garbage")
    assert main(["--keras", tiny_keras, "-o", o, "--verify-data", str(not_numpy)]) == 1
    assert "cannot read NumPy data" in capsys.readouterr().err


def test_calibration_of_wrong_shape_as_module(tiny_keras, tmp_path):
    bad = tmp_path / "bad.npy"
    np.save(bad, np.zeros((10, 5), np.float32))
    r = run_cli_subprocess("--keras", tiny_keras, "-o", str(tmp_path / "o.tflite"), "--quantize", "int8",
                           "--calibration", str(bad))
    assert r.returncode == 1
    assert r.stderr.strip() == ("keras2tflite: error: --calibration " + str(bad)
                                + ": array for input 'x' has shape (10, 5), expected (N, 8)")


def test_multi_input_npz_must_name_every_input(multi_io_keras, tmp_path, capsys):
    only_one = tmp_path / "one.npz"
    np.savez(only_one, features=np.zeros((4, 16), np.float32), extra=np.zeros((4, 4), np.float32))
    o = str(tmp_path / "o.tflite")
    assert main(["--keras", multi_io_keras, "-o", o, "--verify-data", str(only_one)]) == 1
    err = capsys.readouterr().err
    assert "missing arrays ['context']" in err and "unexpected arrays ['extra']" in err
    single = tmp_path / "single.npy"
    np.save(single, np.zeros((4, 16), np.float32))
    assert main(["--keras", multi_io_keras, "-o", o, "--verify-data", str(single)]) == 1
    assert "give an .npz file with one array per input name" in capsys.readouterr().err


def test_zip_with_config_that_is_not_a_model(tmp_path, capsys):
    path = tmp_path / "fake.keras"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("config.json", "{\"nonsense\": true}")
        z.writestr("metadata.json", "{}")
    assert main(["--keras", str(path), "-o", str(tmp_path / "o.tflite")]) == 1
    err = capsys.readouterr().err
    assert "is not a loadable Keras model" in err and len(err.strip().splitlines()) == 1


def test_golden_needs_enough_verification_samples(tiny_keras, tmp_path, capsys):
    data = tmp_path / "few.npy"
    np.save(data, np.zeros((3, 8), np.float32))
    assert main(["--keras", tiny_keras, "-o", str(tmp_path / "o.tflite"), "--verify-data", str(data),
                 "--golden", "5"]) == 1
    assert "--golden 5 needs that many samples; the verification data has 3" in capsys.readouterr().err


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_input(tiny_keras, tmp_path, capsys):
    locked = tmp_path / "locked.keras"
    locked.write_bytes(open(tiny_keras, "rb").read())
    locked.chmod(0)
    assert main(["--keras", str(locked), "-o", str(tmp_path / "o.tflite")]) == 2
    assert "cannot read" in capsys.readouterr().err
