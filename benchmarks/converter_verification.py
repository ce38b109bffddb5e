"""Writes the reference models' conversion verification, as the model build recorded it, to a results file.

models/build_models.py converts each reference model and records, in its sidecar (``models/<name>.json``, key
``verification``), how far TensorFlow Lite's outputs are from the Keras / TensorFlow reference. This script copies
those figures, and the tolerance table they were judged by (keras2tflite's ``TOLERANCES``), into one Markdown file
that docs/converter.md cites. It measures nothing itself.

Usage: .venv/bin/python benchmarks/converter_verification.py [OUT.md]
(default OUT: benchmarks/results/converter-verification.md)
"""

import glob
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src", "main", "python"))

from keras2tflite.tolerances import QUANTIZE_MODES, TOLERANCES  # noqa: E402

DEFAULT_OUT = os.path.join(ROOT, "benchmarks", "results", "converter-verification.md")


def short(x):
    """A tolerance as the docs write it: 1e-5, 1.5e-1."""
    mantissa, exponent = f"{x:.1e}".split("e")
    return f"{mantissa.removesuffix('.0')}e{int(exponent)}"


def sci(x):
    """A measured difference: 0, or three decimals in e-notation."""
    return "0" if x == 0 else f"{x:.3e}"


def mode(options):
    quantize = options.get("quantize", "none")
    return quantize + (" (int8 I/O)" if options.get("int8_io") else "")


def main(out):
    lines = [
        "# Reference models: conversion verification",
        "",
        "Written by `.venv/bin/python benchmarks/converter_verification.py` from the committed sidecars "
        "(`models/<name>.json`, key `verification`, recorded by `models/build_models.py` when it converted each model) "
        "and keras2tflite's tolerance table (`src/main/python/keras2tflite/tolerances.py`). Nothing is measured here.",
        "",
        "## Tolerance table (`TOLERANCES`)",
        "",
        "| `--quantize` | atol | rtol |",
        "| --- | --- | --- |",
    ]
    for name in QUANTIZE_MODES:
        lines.append(f"| `{name}` | {short(TOLERANCES[name].atol)} | {short(TOLERANCES[name].rtol)} |")
    lines += [
        "",
        "## Each reference model's verification (max over the verification samples)",
        "",
        "| model | mode | signature | output | max_abs | max_rel | bound | samples |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for path in sorted(glob.glob(os.path.join(ROOT, "models", "*.json"))):
        with open(path, encoding="utf-8") as f:
            sidecar = json.load(f)
        verification = sidecar.get("verification")
        if not verification:
            continue
        model = os.path.basename(path)[: -len(".json")]
        for output in verification["outputs"]:
            lines.append(
                f"| {model} | {mode(sidecar.get('options', {}))} | {output['signature']} | {output['name']} | "
                f"{sci(output['max_abs'])} | {sci(output['max_rel'])} | {sci(output['bound'])} | "
                f"{verification['data']['samples']} |")
    frozen = os.path.join(ROOT, "models", "image_cnn_frozen.json")
    if os.path.isfile(frozen):
        with open(frozen, encoding="utf-8") as f:
            sidecar = json.load(f)
        size = os.path.getsize(os.path.join(ROOT, "models", sidecar["model_file"]))
        lines += [
            "",
            "## The frozen graph (`models/image_cnn_frozen.json`)",
            "",
            f"`{sidecar['model_file']}`: max |diff| against Keras on image_cnn's golden input "
            f"{sidecar['max_abs_diff_vs_keras']:.1e}; file size {size / 1e6:.1f} MB ({size} bytes).",
        ]
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT)
