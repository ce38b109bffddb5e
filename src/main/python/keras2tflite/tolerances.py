"""The one tolerance table used to accept or reject a conversion.

Every place that decides whether TFLite outputs are close enough to the reference (the CLI's verification step, the
tests, the reference model builder) goes through :func:`check`. Change a tolerance here and nowhere else.

Error measures, per output tensor, over all verification samples (``t`` = TFLite output, dequantized to float when the
model has int8 outputs; ``r`` = Keras / TensorFlow reference output):

* ``max_abs = max(|t - r|)``
* ``scale   = max(|r|)`` (the output's largest reference magnitude)
* ``max_rel = max_abs / scale`` (0 when both are 0; ``inf`` when only ``scale`` is 0)

An output passes when ``max_abs <= atol + rtol * scale``. Measuring relative error against the output's scale rather
than element by element keeps near-zero elements (a tanh output close to 0) from producing meaningless huge ratios,
and matches how quantization error behaves: it is proportional to the tensor's range, not to each element.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

QUANTIZE_MODES = ("none", "float16", "dynamic", "int8")


@dataclass(frozen=True)
class Tolerance:
    """Acceptance bounds for one quantization mode.

    Attributes:
        atol: Absolute bound on ``max_abs``.
        rtol: Bound on ``max_abs`` relative to the output's scale, added to ``atol``.
    """

    atol: float
    rtol: float


# THE tolerance table. Float32 conversion should be exact up to kernel rounding (XNNPACK, fused ops); float16 weights
# lose ~3 decimal digits; dynamic-range quantization keeps activations float but rounds weights to 8 bits; full int8
# also rounds every activation to 8 bits, so errors accumulate layer by layer.
TOLERANCES: dict[str, Tolerance] = {
    "none": Tolerance(atol=1e-5, rtol=1e-4),
    "float16": Tolerance(atol=1e-3, rtol=1e-2),
    "dynamic": Tolerance(atol=1e-2, rtol=5e-2),
    "int8": Tolerance(atol=2e-2, rtol=1.5e-1),
}


def tolerance(quantize: str) -> Tolerance:
    """The tolerance of one quantization mode.

    Args:
        quantize: One of :data:`QUANTIZE_MODES`.

    Returns:
        Its entry in :data:`TOLERANCES`.

    Raises:
        ValueError: If ``quantize`` is not a known mode (a plain dict lookup would raise a bare ``KeyError``).
    """
    try:
        return TOLERANCES[quantize]
    except (KeyError, TypeError):  # TypeError: an unhashable value such as a list
        raise ValueError(f"unknown quantization mode {quantize!r}; expected one of "
                         f"{', '.join(QUANTIZE_MODES)}") from None


@dataclass(frozen=True)
class ErrorReport:
    """Error of one output tensor against its reference.

    Attributes:
        name: Output name.
        max_abs: Largest absolute difference.
        max_rel: ``max_abs`` divided by the reference's largest magnitude.
        scale: Largest magnitude of the reference output.
        bound: The ``max_abs`` bound that applied (``atol + rtol * scale``).
        passed: Whether ``max_abs <= bound``.
    """

    name: str
    max_abs: float
    max_rel: float
    scale: float
    bound: float
    passed: bool


def check(name: str, actual: np.ndarray, reference: np.ndarray, quantize: str) -> ErrorReport:
    """Compares one output against its reference using the tolerance of ``quantize``.

    Args:
        name: Output name, carried into the report.
        actual: TFLite output as float (dequantized if it was int8).
        reference: Reference output of the same shape.
        quantize: One of :data:`QUANTIZE_MODES`.

    Returns:
        The error report. A NaN anywhere in ``actual`` that is not in ``reference`` fails.

    Raises:
        ValueError: If the shapes differ or the mode is unknown.
    """
    tol = tolerance(quantize)
    actual = np.asarray(actual, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    if actual.shape != reference.shape:
        raise ValueError(f"output {name!r}: TFLite shape {actual.shape} != reference shape {reference.shape}")
    if actual.size == 0:
        return ErrorReport(name, 0.0, 0.0, 0.0, tol.atol, True)
    diff = np.abs(actual - reference)
    nan_mismatch = bool(np.any(np.isnan(actual) != np.isnan(reference)))
    max_abs = float(np.nanmax(diff)) if not np.all(np.isnan(diff)) else 0.0
    if nan_mismatch:
        max_abs = float("inf")
    scale = float(np.nanmax(np.abs(reference))) if not np.all(np.isnan(reference)) else 0.0
    if scale > 0:
        max_rel = max_abs / scale
    else:
        max_rel = 0.0 if max_abs == 0 else float("inf")
    bound = tol.atol + tol.rtol * scale
    return ErrorReport(name, max_abs, max_rel, scale, bound, bool(max_abs <= bound))
