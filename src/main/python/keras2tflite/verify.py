"""Running source model and TFLite model side by side: error reports and golden vector files."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from keras2tflite import tolerances
from keras2tflite.errors import Keras2TfliteError
from keras2tflite.sources import Signature, Source
from keras2tflite.tflite_model import Runner, SignatureInfo, dequantize, quantize


@dataclass
class SignatureRun:
    """Everything computed for one signature on one input set.

    Attributes:
        key: Signature key.
        inputs: Float (or the source dtype) inputs given to both models.
        fed: What the TFLite model actually received (quantized for int8 inputs).
        reference: Source model outputs.
        tflite: TFLite outputs as float32 (dequantized for int8 outputs).
        tflite_raw: TFLite outputs in the tensors' own dtypes.
    """

    key: str
    inputs: dict[str, np.ndarray]
    fed: dict[str, np.ndarray]
    reference: dict[str, np.ndarray]
    tflite: dict[str, np.ndarray]
    tflite_raw: dict[str, np.ndarray]


def run_both(source: Source, infos: list[SignatureInfo], runner: Runner,
             feeds: dict[str, dict[str, np.ndarray]]) -> list[SignatureRun]:
    """Runs every signature of the source model and of the TFLite model on the same inputs.

    Args:
        source: The loaded source model.
        infos: Signatures read from the .tflite file.
        runner: Interpreter for the .tflite file.
        feeds: Inputs per signature key.

    Returns:
        One run per signature, in ``infos`` order.

    Raises:
        Keras2TfliteError: If the TFLite signatures do not match the source's.
    """
    by_key = {s.key: s for s in source.signatures}
    runs = []
    for info in infos:
        sig = by_key.get(info.key)
        if sig is None:
            raise Keras2TfliteError(f"TFLite signature '{info.key}' has no counterpart in the source model")
        _check_names(sig, info)
        inputs = feeds[info.key]
        fed = {}
        for t in info.inputs:
            x = inputs[t.name]
            fed[t.name] = quantize(x, t) if t.quantized and np.dtype(t.dtype).kind in "iu" and \
                np.dtype(x.dtype).kind == "f" else x.astype(t.dtype, copy=False)
        reference = _run_reference_chunked(sig, inputs)
        raw = runner.run(info, fed)
        tfl = {}
        for t in info.outputs:
            y = raw[t.name]
            tfl[t.name] = dequantize(y, t) if t.quantized and np.dtype(t.dtype).kind in "iu" else y
        runs.append(SignatureRun(info.key, inputs, fed, reference, tfl, raw))
    return runs


def _check_names(sig: Signature, info: SignatureInfo) -> None:
    want_in, got_in = sorted(s.name for s in sig.inputs), sorted(t.name for t in info.inputs)
    want_out, got_out = sorted(sig.outputs), sorted(t.name for t in info.outputs)
    if want_in != got_in or want_out != got_out:
        raise Keras2TfliteError(
            f"signature '{sig.key}': TFLite names inputs {got_in} / outputs {got_out}, "
            f"source names inputs {want_in} / outputs {want_out}"
        )


def _run_reference_chunked(sig: Signature, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    fixed = {s.shape[0] for s in sig.inputs if s.shape and s.shape[0] is not None}
    n = next(iter(feeds.values())).shape[0]
    chunk = fixed.pop() if len(fixed) == 1 else n
    parts: dict[str, list[np.ndarray]] = {}
    for start in range(0, n, chunk):
        piece = {k: v[start:start + chunk] for k, v in feeds.items()}
        got = next(iter(piece.values())).shape[0]
        if got < chunk:
            piece = {k: np.concatenate([v, np.repeat(v[-1:], chunk - got, axis=0)]) for k, v in piece.items()}
        for k, v in sig.run(piece).items():
            parts.setdefault(k, []).append(np.asarray(v)[:got])
    return {k: np.concatenate(v) for k, v in parts.items()}


def check_runs(runs: list[SignatureRun], quantize_mode: str) -> list[tuple[str, tolerances.ErrorReport]]:
    """Applies the tolerance table to every output of every signature.

    Args:
        runs: Results of :func:`run_both`.
        quantize_mode: Quantization mode whose tolerance applies.

    Returns:
        ``(signature key, report)`` pairs.
    """
    reports = []
    for run in runs:
        for name, ref in run.reference.items():
            reports.append((run.key, tolerances.check(name, run.tflite[name], ref, quantize_mode)))
    return reports


def golden_file_name(stem: str, kind: str, signature: str | None, tensor: str | None) -> str:
    """``<stem>.golden[.<signature>].<kind>[.<tensor>].npy``; see :func:`golden_files` for when the parts appear."""
    parts = [stem, "golden"]
    if signature is not None:
        parts.append(_safe(signature))
    parts.append(kind)
    if tensor is not None:
        parts.append(_safe(tensor))
    return ".".join(parts) + ".npy"


def _safe(name: str) -> str:
    return name.replace("/", "_")


def golden_files(stem: str, runs: list[SignatureRun], infos: list[SignatureInfo], count: int,
                 reference_kind: str, runtime_kind: str = "tflite") -> list[tuple[dict, bytes]]:
    """Serializes the first ``count`` samples of each run as plain .npy files, in memory (the caller writes them).

    Kinds: ``input`` (inputs given to the reference), ``input_int8`` (what an int8-input model was fed),
    ``keras``/``tf`` (reference outputs), ``tflite`` (TFLite outputs as float32, dequantized if int8) and
    ``tflite_int8`` (raw int8 outputs). The signature part appears only for models with several signatures; the
    tensor part only when that side (inputs or outputs) has several tensors.

    Args:
        stem: Model file name without ``.tflite``.
        runs: Results of :func:`run_both`.
        infos: TFLite signatures, for dtypes.
        count: Samples to keep.
        reference_kind: ``keras`` or ``tf``.
        runtime_kind: ``tflite``, or ``tf_runtime`` for a Flex model, whose outputs come from its SavedModel as the
            Java TensorFlow runtime runs it.

    Returns:
        ``(sidecar entry, .npy file content)`` per file; the entry's ``file`` is the name to write it under.
    """
    entries = []
    multi_sig = len(runs) > 1
    info_by_key = {i.key: i for i in infos}
    for run in runs:
        info = info_by_key[run.key]
        sig_part = run.key if multi_sig else None
        in_multi = len(info.inputs) > 1
        out_multi = len(info.outputs) > 1
        groups = [("input", run.inputs, [t.name for t in info.inputs], in_multi, "input")]
        int8_in = [t.name for t in info.inputs if np.dtype(t.dtype).kind in "iu" and t.quantized]
        if int8_in:
            groups.append(("input_int8", run.fed, int8_in, in_multi, "input"))
        out_names = [t.name for t in info.outputs]
        groups.append((reference_kind, run.reference, out_names, out_multi, "output"))
        groups.append((runtime_kind, run.tflite, out_names, out_multi, "output"))
        int8_out = [t.name for t in info.outputs if np.dtype(t.dtype).kind in "iu" and t.quantized]
        if int8_out:
            groups.append(("tflite_int8", run.tflite_raw, int8_out, out_multi, "output"))
        for kind, arrays, names, multi_tensor, role in groups:
            for name in names:
                arr = np.asarray(arrays[name])[:count]
                if arr.dtype.kind == "f":
                    arr = arr.astype("<f4")
                else:
                    arr = arr.astype(arr.dtype.newbyteorder("<"))
                arr = np.ascontiguousarray(arr)
                file_name = golden_file_name(stem, kind, sig_part, name if multi_tensor else None)
                buf = io.BytesIO()
                np.save(buf, arr, allow_pickle=False)
                entries.append(({
                    "signature": run.key, "kind": kind, "role": role, "tensor": name, "file": file_name,
                    "dtype": str(arr.dtype), "shape": list(arr.shape),
                }, buf.getvalue()))
    return entries
