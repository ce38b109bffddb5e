"""The image preprocessing a model expects, as recorded in the sidecar (``--preprocess``).

The spellings are those of the Java side's ``io.litemodel.image.Normalization.parse``, so that the Java CLI can apply
the recorded value as it is: ``unit`` (``v / 255``), ``symmetric`` (``v / 127.5 - 1``, Keras' MobileNet
preprocessing), ``raw`` (``v`` as float), ``imagenet`` (torchvision's ImageNet mean and standard deviation),
``meanstd:R,G,B:R,G,B`` (any mean and standard deviation on ``v / 255``), where ``v`` is an 8-bit RGB channel value;
and ``none``: the model's inputs are not images. Each record also carries the per-channel ``scale`` and ``offset``
(``out = v * scale[c] + offset[c]``), so that a reader that does not know the names can still apply it.
"""

from __future__ import annotations

import math

from keras2tflite.errors import Keras2TfliteError, UsageError

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

NAMES = ("unit", "symmetric", "raw", "imagenet", "meanstd:R,G,B:R,G,B", "none")

_FIXED = {
    "unit": ("v / 255: values in [0, 1]", 1 / 255, 0.0),
    "symmetric": ("v / 127.5 - 1: values in [-1, 1] (Keras' MobileNet preprocessing)", 2 / 255, -1.0),
    "raw": ("v: values in [0, 255]", 1.0, 0.0),
}


def parse(text: str) -> dict:
    """Validates a ``--preprocess`` spelling and returns its sidecar record.

    Args:
        text: One of :data:`NAMES`.

    Returns:
        ``{"normalization", "formula", "scale", "offset"}``; ``scale`` and ``offset`` are ``None`` for ``none``.

    Raises:
        UsageError: If the spelling is unknown or its numbers are bad.
    """
    if text == "none":
        return {"normalization": "none", "formula": "the inputs are not images: no pixel preprocessing",
                "scale": None, "offset": None}
    if text in _FIXED:
        formula, scale, offset = _FIXED[text]
        return {"normalization": text, "formula": formula + "; v: 8-bit channel value, RGB",
                "scale": [scale] * 3, "offset": [offset] * 3}
    if text == "imagenet":
        return _mean_std("imagenet", IMAGENET_MEAN, IMAGENET_STD)
    parts = text.split(":")
    if len(parts) == 3 and parts[0] == "meanstd":
        mean = _floats(parts[1], text)
        std = _floats(parts[2], text)
        return _mean_std(f"meanstd:{','.join(map(repr, mean))}:{','.join(map(repr, std))}", mean, std)
    raise UsageError(f"--preprocess {text!r}: unknown; use one of {', '.join(NAMES)}")


def _floats(items: str, text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in items.split(","))
    except ValueError:
        raise UsageError(f"--preprocess {text!r}: bad number in {items!r}") from None
    if len(values) != 3:
        raise UsageError(f"--preprocess {text!r}: mean and std need three values each (R, G, B)")
    return values


def _mean_std(name: str, mean, std) -> dict:
    if not all(math.isfinite(m) for m in mean) or not all(math.isfinite(s) and s > 0 for s in std):
        raise UsageError(f"--preprocess {name}: std must be positive and mean finite")
    return {"normalization": name,
            "formula": f"(v / 255 - mean[c]) / std[c], mean {list(mean)}, std {list(std)}; v: 8-bit channel value, "
                       "RGB",
            "scale": [1 / (255 * s) for s in std], "offset": [-m / s for m, s in zip(mean, std)]}


def check_applies(record: dict, signatures) -> None:
    """Checks that an image normalization has an image input to apply to.

    Args:
        record: What :func:`parse` returned.
        signatures: The converted model's :class:`~keras2tflite.tflite_model.SignatureInfo` list.

    Raises:
        Keras2TfliteError: If the record scales pixels but no signature has an input shaped ``[N, H, W, 1 or 3]``.
    """
    if record["normalization"] == "none":
        return
    for info in signatures:
        for t in info.inputs:
            if len(t.shape) == 4 and t.shape[-1] in (1, 3):
                return
    shapes = "; ".join(f"{t.name} {list(t.shape)}" for info in signatures for t in info.inputs)
    raise Keras2TfliteError(f"--preprocess {record['normalization']} scales image pixels, but no input is an image "
                            f"[N, H, W, 1 or 3] ({shapes}); use --preprocess none for other inputs")
