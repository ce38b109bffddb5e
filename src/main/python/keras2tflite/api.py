"""The conversion pipeline behind the CLI, callable from Python.

Steps, each failing with a :class:`~keras2tflite.errors.Keras2TfliteError` before anything is written:
load the source; match calibration / verification data to its inputs; convert; read back the .tflite signatures;
run source and TFLite side by side; check the tolerance; build the golden files and the sidecar in memory; then write
``<name>.tflite``, the golden files and the ``<name>.json`` sidecar all or nothing (see
:mod:`keras2tflite.atomic_files`): a failure at any step leaves no new or partly replaced output behind.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass
from typing import TextIO

import numpy as np

from keras2tflite import __version__, data, native_stderr, preprocessing, tolerances
from keras2tflite.atomic_files import write_all_or_nothing
from keras2tflite.converter import convert
from keras2tflite.errors import Keras2TfliteError, VerificationError
from keras2tflite.sources import load_keras, load_saved_model, sha256_of_path
from keras2tflite.savedmodel_runner import SavedModelRunner
from keras2tflite.tflite_model import Runner, describe
from keras2tflite.verify import check_runs, golden_files, run_both

# 2 added "preprocessing"; every version-1 field is unchanged, so readers of 1 can read 2 by ignoring it.
SIDECAR_FORMAT_VERSION = 2


@dataclass(frozen=True)
class ConversionOptions:
    """Validated options (see :func:`keras2tflite.cli.validate_args`; the field names match the CLI flags).

    Attributes:
        output: Path of the .tflite file to write; the sidecar goes to the same path with ``.json``.
        keras: Keras model file, or ``None``.
        saved_model: SavedModel directory, or ``None``.
        quantize: ``none``, ``float16``, ``dynamic`` or ``int8``.
        int8_io: int8 model inputs and outputs (only with ``int8``).
        calibration: Representative inputs file (``.npy``/``.npz``), required for ``int8``.
        batch: Fixed batch size, or ``None`` for a dynamic batch dimension.
        select_tf_ops: Allow TensorFlow Select (Flex) ops.
        verify: Compare TFLite with the source model and fail above the tolerance.
        verify_data: Inputs for verification and golden files; default random (or the calibration data for int8).
        verify_samples: Number of random verification samples.
        golden: Number of golden input/output pairs to write (0: none).
        seed: Seed for random verification data.
        preprocess: Image preprocessing the model expects (a :mod:`keras2tflite.preprocessing` spelling), or
            ``None`` when not known (the sidecar then records ``null``).
        verbose: Show TensorFlow's native stderr unfiltered (see :mod:`keras2tflite.native_stderr`).
    """

    output: str
    keras: str | None = None
    saved_model: str | None = None
    quantize: str = "none"
    int8_io: bool = False
    calibration: str | None = None
    batch: int | None = None
    select_tf_ops: bool = False
    verify: bool = True
    verify_data: str | None = None
    verify_samples: int = 16
    golden: int = 0
    seed: int = 0
    preprocess: str | None = None
    verbose: bool = False


def sidecar_path(output: str) -> str:
    """``model.tflite`` -> ``model.json``."""
    return os.path.splitext(output)[0] + ".json"


def run(options: ConversionOptions, out: TextIO | None = None) -> dict:
    """Converts, verifies and writes the model, golden files and sidecar.

    Args:
        options: Validated options.
        out: Where progress and the error table go (default: the current ``sys.stdout``).

    Returns:
        The sidecar content.

    Raises:
        Keras2TfliteError: For any user-fixable problem.
        VerificationError: If an output exceeds the tolerance (nothing is written then).
        OSError: If an output file cannot be written; the outputs are then left as they were before the call.
    """
    out = sys.stdout if out is None else out
    with native_stderr.filtered(enabled=not options.verbose):
        return _run(options, out)


def _run(options: ConversionOptions, out: TextIO) -> dict:
    _quiet_python_logging()
    preprocess = preprocessing.parse(options.preprocess) if options.preprocess is not None else None
    if options.keras:
        source = load_keras(options.keras, options.batch)
    else:
        source = load_saved_model(options.saved_model, options.batch)

    calibration = None
    calibration_meta = None
    if options.quantize == "int8":
        calibration = data.match_inputs(data.read_arrays(options.calibration, "--calibration"), source.signatures,
                                        "--calibration", options.calibration)
        counts = [data.sample_count(f) for f in calibration.values()]
        if options.batch and min(counts) < options.batch:
            raise Keras2TfliteError(f"--calibration {options.calibration}: {min(counts)} samples, fewer than "
                                    f"--batch {options.batch}")
        calibration_meta = _file_meta(options.calibration, min(counts))

    need_runs = options.verify or options.golden > 0
    feeds = None
    if need_runs:
        if options.verify_data:
            feeds = data.match_inputs(data.read_arrays(options.verify_data, "--verify-data"), source.signatures,
                                      "--verify-data", options.verify_data)
            verify_meta = {"kind": "file", **_file_meta(options.verify_data,
                                                        min(data.sample_count(f) for f in feeds.values()))}
        elif calibration is not None:
            feeds = calibration
            verify_meta = {"kind": "calibration", "samples": calibration_meta["samples"]}
        else:
            n = max(options.verify_samples, options.golden)
            feeds = data.random_inputs(source.signatures, n, options.seed)
            verify_meta = {"kind": "random", "distribution": "floats uniform [-1, 1), integers {0, 1}",
                           "seed": options.seed, "samples": n}
        available = min(data.sample_count(f) for f in feeds.values())
        if options.golden > available:
            raise Keras2TfliteError(f"--golden {options.golden} needs that many samples; the verification data "
                                    f"has {available}")

    model_bytes = convert(source, options.quantize, options.int8_io, options.select_tf_ops, calibration,
                          options.batch)
    infos, custom_ops = describe(model_bytes)
    flex_ops = [op for op in custom_ops if op.startswith("Flex")]
    if preprocess is not None:
        preprocessing.check_applies(preprocess, infos)

    verification = None
    runs = None
    if need_runs:
        # A Flex model cannot run in the TFLite Python interpreter (no Flex delegate) nor in LiteModel's TensorFlow
        # Lite; Java runs its SavedModel on the TensorFlow runtime instead, so that SavedModel is what is verified.
        runner = SavedModelRunner(source.kind, source.path) if flex_ops else Runner(model_bytes)
        runs = run_both(source, infos, runner, feeds)
    if options.verify:
        reports = check_runs(runs, options.quantize)
        tol = tolerances.tolerance(options.quantize)
        multi = len(infos) > 1
        print(f"verification ({options.quantize}: pass when max_abs <= {tol.atol:g} + {tol.rtol:g} * "
              f"max|reference|; data: {verify_meta['kind']}, {verify_meta['samples']} samples)", file=out)
        for key, r in reports:
            label = f"{key}/{r.name}" if multi else r.name
            status = "ok" if r.passed else "FAIL"
            print(f"  {label}: max_abs={r.max_abs:.3e} max_rel={r.max_rel:.3e} (bound {r.bound:.3e}) {status}",
                  file=out)
        failed = [f"{k}/{r.name}" if multi else r.name for k, r in reports if not r.passed]
        verification = {
            "passed": not failed,
            "tolerance": asdict(tol),
            "data": verify_meta,
            "outputs": [{"signature": k, **asdict(r)} for k, r in reports],
            "runtime": "tensorflow-savedmodel" if flex_ops else "tflite",
        }
        if failed:
            raise VerificationError(
                f"verification failed: {', '.join(failed)} exceed the {options.quantize} tolerance; nothing written "
                "(use --no-verify to write the model anyway)"
            )

    # Everything that can fail (importing keras/tf for the version fields included) happens before the first byte
    # is written; the files are then written all or nothing, the sidecar last.
    out_dir = os.path.dirname(os.path.abspath(options.output))
    stem = os.path.splitext(os.path.basename(options.output))[0]
    golden_npy: list[tuple[dict, bytes]] = []
    golden = None
    if options.golden > 0:
        golden_npy = golden_files(stem, runs, infos, options.golden, source.reference_name,
                                  runtime_kind="tf_runtime" if flex_ops else "tflite")
        golden = {
            "count": options.golden,
            "reference": source.reference_name,
            "naming": "<name>.golden[.<signature>].<kind>[.<tensor>].npy; <signature> only when the model has "
                      "several signatures, <tensor> only when that side has several tensors",
            "kinds": {
                "input": "inputs given to the reference model (and to TFLite unless quantized)",
                "input_int8": "quantized inputs actually fed to an int8-input model",
                source.reference_name: "reference model outputs",
                "tflite": "TFLite outputs as float32 (dequantized for int8 outputs)",
                "tf_runtime": "a Flex model's outputs from its SavedModel, as the TensorFlow runtime runs it",
                "tflite_int8": "raw int8 outputs of an int8-output model",
            },
            "files": [entry for entry, _ in golden_npy],
        }
    sidecar = _build_sidecar(options, source, model_bytes, infos, flex_ops, calibration_meta, verification, golden,
                             preprocess)
    sidecar_text = json.dumps(sidecar, indent=2) + "\n"

    write_all_or_nothing(
        [(options.output, model_bytes)]
        + [(os.path.join(out_dir, entry["file"]), content) for entry, content in golden_npy]
        + [(sidecar_path(options.output), sidecar_text.encode("utf-8"))]
    )
    print(f"wrote {options.output} ({len(model_bytes)} bytes) and {sidecar_path(options.output)}"
          + (f" and {len(golden['files'])} golden files" if golden else ""), file=out)
    return sidecar


def _build_sidecar(options: ConversionOptions, source, model_bytes: bytes, infos, flex_ops: list[str],
                   calibration_meta: dict | None, verification: dict | None, golden: dict | None,
                   preprocess: dict | None) -> dict:
    import keras
    import tensorflow as tf

    signatures = [{
        "key": i.key,
        "subgraph_index": i.subgraph_index,
        "inputs": [t.to_json() for t in i.inputs],
        "outputs": [t.to_json() for t in i.outputs],
    } for i in infos]
    return {
        "format_version": SIDECAR_FORMAT_VERSION,
        "model_file": os.path.basename(options.output),
        "model_sha256": _sha256_bytes(model_bytes),
        "model_bytes": len(model_bytes),
        "source": {"kind": source.kind, "file": os.path.basename(os.path.normpath(source.path)),
                   "sha256": source.sha256},
        "versions": {"tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__,
                     "keras2tflite": __version__},
        "options": {
            "quantize": options.quantize,
            "int8_io": options.int8_io,
            "batch": options.batch,
            "select_tf_ops": options.select_tf_ops,
            "calibration": calibration_meta,
            "verify": options.verify,
            "golden": options.golden,
        },
        "signature_keys": [i.key for i in infos],
        "default_signature": infos[0].key if len(infos) == 1 else None,
        "inputs": signatures[0]["inputs"] if len(infos) == 1 else None,
        "outputs": signatures[0]["outputs"] if len(infos) == 1 else None,
        "signatures": signatures,
        "flex_ops": flex_ops,
        "preprocessing": preprocess,
        "verification": verification,
        "golden": golden,
    }


def _file_meta(path: str, samples: int) -> dict:
    return {"file": os.path.basename(path), "sha256": sha256_of_path(path), "samples": samples}


def _sha256_bytes(b: bytes) -> str:
    import hashlib

    return hashlib.sha256(b).hexdigest()


def _quiet_python_logging() -> None:
    import logging

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.ERROR)
    except ImportError:
        pass
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
