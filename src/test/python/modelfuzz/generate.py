"""Writes mutants of reference models, each with a manifest line naming its model, mutation kind and description.

Mutant ``i`` depends only on the seed, ``i`` and the model list, so a run can be cut into chunks (``start``/``count``)
and any single mutant regenerated from its number. Models take turns (``i % len(models)``) and kinds take turns within
each model (``(i // len(models)) % len(kinds)``), so every (model, kind) pair gets an even share.
"""

import json
import os
import random

from .mutations import KINDS, normalize
from .schema import pack, unpack

# Draws per mutant before giving up: a kind may not apply to a model (no quantized tensor, no signature...).
ATTEMPTS = 50


def mutate(data: bytes, kind: str, rng: random.Random):
    """Returns (mutant bytes, description), or None when ``kind`` found nothing to change in ``ATTEMPTS`` draws."""
    for _ in range(ATTEMPTS):
        model = normalize(unpack(data))
        description = KINDS[kind](model, rng)
        if description is None:
            continue
        try:
            mutant = pack(model)
        except (ValueError, TypeError, OverflowError, AttributeError, __import__("struct").error):
            continue  # a value the schema's field cannot hold: draw again
        if mutant != data:
            return mutant, description
    return None


def model_name(path: str) -> str:
    """The name a mutant's manifest line gives its model: the file's name, or its folder's for the public models of
    the conformance suite, which are all called ``model.tflite`` (``models/.cache/public/<name>/model.tflite``)."""
    name = os.path.splitext(os.path.basename(path))[0]
    return os.path.basename(os.path.dirname(os.path.abspath(path))) if name == "model" else name


def generate(models, seed: int, start: int, count: int, out_dir: str, kinds=None):
    """Writes mutants ``start .. start+count-1`` to ``out_dir`` and appends their lines to ``manifest.jsonl``.

    Args:
        models: paths of ``.tflite`` files to mutate
        seed: the run's seed
        start: number of the first mutant
        count: how many mutants
        out_dir: where the mutants and the manifest go (created if missing)
        kinds: mutation kinds to use (default: all, in ``KINDS`` order)

    Returns:
        the manifest entries written (dicts with id, model, kind, description, file)
    """
    kinds = list(kinds or KINDS)
    for kind in kinds:
        if kind not in KINDS:
            raise ValueError(f"unknown mutation kind {kind!r}; known: {', '.join(KINDS)}")
    originals = [(model_name(path), open(path, "rb").read()) for path in models]
    os.makedirs(out_dir, exist_ok=True)
    entries = []
    with open(os.path.join(out_dir, "manifest.jsonl"), "a", encoding="utf-8") as manifest:
        for i in range(start, start + count):
            name, data = originals[i % len(originals)]
            kind = kinds[(i // len(originals)) % len(kinds)]
            result = mutate(data, kind, random.Random(f"{seed}:{i}"))
            if result is None:
                continue
            mutant, description = result
            file_name = f"{i:06d}_{name}_{kind}.tflite"
            with open(os.path.join(out_dir, file_name), "wb") as out:
                out.write(mutant)
            entry = {"id": i, "model": name, "kind": kind, "description": description, "file": file_name}
            manifest.write(json.dumps(entry) + "\n")
            entries.append(entry)
    return entries
