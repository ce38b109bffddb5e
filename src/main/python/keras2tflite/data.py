"""Reading user-supplied sample files (calibration and verification data) and matching them to model inputs.

Formats:

* ``.npy``: one array ``[N, ...]`` for a model with a single input in a single signature.
* ``.npz``: one array per input, keyed by input name; for a model with several signatures, keyed
  ``"<signature>/<input>"``.

All arrays of one signature must have the same number of samples ``N`` (the first dimension); every other dimension
must equal the model's static dimension. Pickled object arrays are refused.
"""

from __future__ import annotations

import os

import numpy as np

from keras2tflite.errors import Keras2TfliteError
from keras2tflite.sources import Signature


def read_arrays(path: str, what: str) -> np.ndarray | dict[str, np.ndarray]:
    """Reads an ``.npy`` or ``.npz`` file without allowing pickles.

    Args:
        path: File path.
        what: Flag name for messages, e.g. ``"--calibration"``.

    Returns:
        The array (``.npy``) or a dict of arrays (``.npz``).

    Raises:
        Keras2TfliteError: If the file is unreadable, not NumPy data, or holds objects.
    """
    ext = os.path.splitext(path)[1].lower()
    if ext not in (".npy", ".npz"):
        raise Keras2TfliteError(f"{what} {path}: expected a .npy or .npz file")
    try:
        loaded = np.load(path, allow_pickle=False)
        if isinstance(loaded, np.lib.npyio.NpzFile):
            with loaded:
                return {k: loaded[k] for k in loaded.files}
        return loaded
    except (OSError, ValueError, EOFError) as e:
        raise Keras2TfliteError(f"{what} {path}: cannot read NumPy data: {str(e).splitlines()[0]}") from None


def match_inputs(
    data: np.ndarray | dict[str, np.ndarray], signatures: list[Signature], what: str, path: str
) -> dict[str, dict[str, np.ndarray]]:
    """Assigns arrays to signature inputs and checks shapes and dtypes.

    Args:
        data: Result of :func:`read_arrays`.
        signatures: The model's signatures.
        what: Flag name for messages.
        path: File path for messages.

    Returns:
        ``{signature key: {input name: array cast to the input dtype}}``.

    Raises:
        Keras2TfliteError: On a missing or extra array, a wrong shape, a non-numeric dtype, or differing sample counts.
    """
    multi = len(signatures) > 1
    if isinstance(data, np.ndarray):
        if multi or len(signatures[0].inputs) != 1:
            names = _expected_keys(signatures)
            raise Keras2TfliteError(
                f"{what} {path}: the model has inputs {names}; give an .npz file with one array per input name"
            )
        sig = signatures[0]
        data = {sig.inputs[0].name: data}
    expected = _expected_keys(signatures)
    missing = [k for k in expected if k not in data]
    extra = sorted(k for k in data if k not in expected)
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing arrays {missing}")
        if extra:
            parts.append(f"unexpected arrays {extra}")
        raise Keras2TfliteError(f"{what} {path}: {' and '.join(parts)} (expected keys {expected})")

    result: dict[str, dict[str, np.ndarray]] = {}
    for sig in signatures:
        arrays = {}
        count = None
        for spec in sig.inputs:
            key = f"{sig.key}/{spec.name}" if multi else spec.name
            arr = data[key]
            want = "(N, " + ", ".join("?" if d is None else str(d) for d in spec.shape[1:]) + ")"
            if arr.dtype.kind not in "biuf":
                raise Keras2TfliteError(f"{what} {path}: array for input '{spec.name}' has dtype {arr.dtype}, "
                                        f"expected numbers ({spec.dtype})")
            if arr.ndim != len(spec.shape) or any(
                d is not None and d != a for d, a in zip(spec.shape[1:], arr.shape[1:])
            ):
                raise Keras2TfliteError(
                    f"{what} {path}: array for input '{spec.name}' has shape {tuple(arr.shape)}, expected {want}"
                )
            if arr.shape[0] == 0:
                raise Keras2TfliteError(f"{what} {path}: array for input '{spec.name}' holds no samples")
            if count is not None and arr.shape[0] != count:
                raise Keras2TfliteError(
                    f"{what} {path}: inputs of signature '{sig.key}' have different sample counts "
                    f"({count} and {arr.shape[0]})"
                )
            count = arr.shape[0]
            arrays[spec.name] = np.ascontiguousarray(arr.astype(spec.dtype, copy=False))
        result[sig.key] = arrays
    return result


def random_inputs(signatures: list[Signature], count: int, seed: int) -> dict[str, dict[str, np.ndarray]]:
    """Makes reproducible random inputs: floats uniform in [-1, 1), integers in {0, 1}, booleans random.

    Args:
        signatures: The model's signatures.
        count: Samples per signature.
        seed: NumPy generator seed.

    Returns:
        ``{signature key: {input name: array}}``.

    Raises:
        Keras2TfliteError: If an input has a dynamic dimension other than the batch.
    """
    rng = np.random.default_rng(seed)
    result = {}
    for sig in signatures:
        arrays = {}
        for spec in sig.inputs:
            if any(d is None for d in spec.shape[1:]):
                raise Keras2TfliteError(
                    f"input '{spec.name}' has shape {spec.shape} with a dynamic non-batch dimension; "
                    "random test data needs fixed dimensions: pass --verify-data FILE"
                )
            shape = (count,) + tuple(spec.shape[1:])
            kind = np.dtype(spec.dtype).kind
            if kind == "f":
                arr = rng.uniform(-1.0, 1.0, size=shape)
            elif kind in "iu":
                arr = rng.integers(0, 2, size=shape)
            elif kind == "b":
                arr = rng.integers(0, 2, size=shape).astype(bool)
            else:
                raise Keras2TfliteError(
                    f"input '{spec.name}' has dtype {spec.dtype}; random test data cannot be made for it: "
                    "pass --verify-data FILE"
                )
            arrays[spec.name] = np.ascontiguousarray(arr.astype(spec.dtype))
        result[sig.key] = arrays
    return result


def sample_count(feeds: dict[str, np.ndarray]) -> int:
    """Number of samples in one signature's inputs (0 for a signature without inputs)."""
    return next(iter(feeds.values())).shape[0] if feeds else 0


def _expected_keys(signatures: list[Signature]) -> list[str]:
    if len(signatures) > 1:
        return [f"{s.key}/{i.name}" for s in signatures for i in s.inputs]
    return [i.name for i in signatures[0].inputs]
