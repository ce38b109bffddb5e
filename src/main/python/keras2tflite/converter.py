"""TFLite conversion proper: quantization settings, calibration feed, and turning converter failures into messages."""

from __future__ import annotations

import re

import numpy as np

from keras2tflite import native_stderr
from keras2tflite.errors import Keras2TfliteError
from keras2tflite.sources import Source


def convert(
    source: Source,
    quantize: str,
    int8_io: bool,
    select_tf_ops: bool,
    calibration: dict[str, dict[str, np.ndarray]] | None,
    batch: int | None,
) -> bytes:
    """Converts a loaded model to a TFLite flatbuffer.

    Args:
        source: The loaded model.
        quantize: ``none``, ``float16``, ``dynamic`` or ``int8``.
        int8_io: With ``int8``: make the model's own inputs and outputs int8 instead of float32.
        select_tf_ops: Allow TensorFlow (Flex) ops that TFLite has no builtin kernel for.
        calibration: With ``int8``: representative inputs per signature (see :mod:`keras2tflite.data`).
        batch: Fixed batch size the model was traced with, or ``None``; calibration is fed in batches of it.

    Returns:
        The .tflite bytes.

    Raises:
        Keras2TfliteError: If the converter rejects the model; the message names unsupported ops and the flag to use.
    """
    import tensorflow as tf

    converter = source.make_converter()
    builtins = tf.lite.OpsSet.TFLITE_BUILTINS_INT8 if quantize == "int8" else tf.lite.OpsSet.TFLITE_BUILTINS
    ops = [builtins]
    if select_tf_ops:
        ops.append(tf.lite.OpsSet.SELECT_TF_OPS)
    converter.target_spec.supported_ops = ops
    if quantize == "float16":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_types = [tf.float16]
    elif quantize == "dynamic":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    elif quantize == "int8":
        if calibration is None:
            raise Keras2TfliteError("--quantize int8 needs --calibration data")
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = _representative(calibration, batch, len(source.signatures) > 1)
        if int8_io:
            converter.inference_input_type = tf.int8
            converter.inference_output_type = tf.int8
    elif quantize != "none":
        raise Keras2TfliteError(f"unknown quantization mode {quantize!r}")

    # The MLIR diagnostics the converter prints repeat its exception text, which explain_failure condenses; they are
    # held back (and still shown if the converter crashes the process), see keras2tflite.native_stderr.
    with native_stderr.converter_diagnostics_held():
        try:
            return bytes(converter.convert())
        except Exception as e:  # noqa: BLE001 (ConverterError and friends; all mean "cannot convert")
            raise Keras2TfliteError(explain_failure(str(e), select_tf_ops)) from None


def _representative(calibration, batch, multi):
    def gen():
        for key, feeds in calibration.items():
            n = next(iter(feeds.values())).shape[0]
            step = batch or 1
            for start in range(0, n - step + 1, step):
                sample = {k: v[start:start + step] for k, v in feeds.items()}
                yield (key, sample) if multi else sample

    return gen


def explain_failure(text: str, select_tf_ops: bool) -> str:
    """Turns converter error text into one line naming the unsupported ops and what to do.

    Args:
        text: The converter's exception text.
        select_tf_ops: Whether TensorFlow Select ops were already allowed.

    Returns:
        The message.
    """
    ops = set(re.findall(r"'tf\.(\w+)' op is neither a custom op nor a flex op", text))
    for line in re.findall(r"(?:TF Select ops|Custom ops|Flex ops): ([^\n]+)", text):
        ops.update(o.strip() for o in line.split(",") if o.strip())
    needs_flex = "ERROR_NEEDS_FLEX_OPS" in text or "TF Select ops:" in text
    if ops or needs_flex or "ERROR_NEEDS_CUSTOM_OPS" in text:
        names = ", ".join(sorted(ops)) or "(unnamed)"
        if not select_tf_ops and needs_flex:
            return (f"the model uses TensorFlow ops that TFLite has no builtin kernel for: {names}; "
                    "re-run with --select-tf-ops to keep them as TensorFlow Select (Flex) ops "
                    "(the Java runtime then needs the Flex delegate)")
        if not select_tf_ops:
            return (f"the model uses ops that TFLite has no builtin kernel for: {names}; "
                    "--select-tf-ops may help if TensorFlow Select supports them, otherwise they need custom ops")
        return f"the model uses ops that neither TFLite builtins nor TensorFlow Select support: {names}"
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    errors = [ln for ln in lines if "error:" in ln]
    detail = (errors[0].split("error:", 1)[1].strip() if errors else (lines[0] if lines else "unknown error"))
    return f"TFLite conversion failed: {detail[:400]}"
