"""Loading the model to convert: a Keras file or a SavedModel directory.

Both kinds are reduced to the same shape: a list of signatures (named inputs with shapes, named outputs, and a
reference function that runs the original model eagerly) plus a factory for the TFLite converter. Everything
downstream (conversion, verification, golden files) works on that and never asks which kind it was.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from keras2tflite.errors import Keras2TfliteError

KERAS_EXTENSIONS = (".keras", ".h5", ".hdf5")
DEFAULT_SIGNATURE = "serving_default"
_VALID_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\-/]*$")


@dataclass(frozen=True)
class InputSpec:
    """One named input of a signature.

    Attributes:
        name: Input name as it appears in the TFLite signature.
        shape: Dimensions, ``None`` for dynamic ones.
        dtype: NumPy dtype name, e.g. ``"float32"``.
    """

    name: str
    shape: tuple[int | None, ...]
    dtype: str


@dataclass
class Signature:
    """One callable entry point of the model.

    Attributes:
        key: Signature key (``serving_default`` for Keras models).
        inputs: Inputs in the model's own order.
        outputs: Output names in the model's own order.
        run: Runs the source model on a dict of NumPy inputs, returns a dict of NumPy outputs.
    """

    key: str
    inputs: list[InputSpec]
    outputs: list[str]
    run: Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]]


@dataclass
class Source:
    """A loaded model ready for conversion.

    Attributes:
        kind: ``"keras"`` or ``"savedmodel"``.
        path: Path as given by the user.
        sha256: Hex digest of the file, or of the directory's files (see :func:`sha256_of_path`).
        signatures: Entry points, sorted by key.
        make_converter: Returns a fresh, unconfigured ``tf.lite.TFLiteConverter``.
        keep_alive: Objects the closures need (the loaded model); never read.
    """

    kind: str
    path: str
    sha256: str
    signatures: list[Signature]
    make_converter: Callable[[], Any]
    keep_alive: list[Any] = field(default_factory=list)

    @property
    def reference_name(self) -> str:
        """Name of the reference runtime, used in golden file names: ``keras`` or ``tf``."""
        return "keras" if self.kind == "keras" else "tf"


def sha256_of_path(path: str) -> str:
    """Hashes a file, or a directory as the sorted list of (relative path, file sha256) lines.

    Args:
        path: File or directory.

    Returns:
        Lower-case hex SHA-256.
    """
    if os.path.isfile(path):
        return _sha256_file(path)
    lines = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            rel = os.path.relpath(full, path).replace(os.sep, "/")
            lines.append(f"{rel} {_sha256_file(full)}\n")
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def _sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _clean_name(name: str, what: str) -> str:
    """Makes a Keras name usable as a TF signature name (letters, digits, ``_ . - /``)."""
    cleaned = re.sub(r"[^A-Za-z0-9_.\-/]", "_", name)
    if not cleaned or not _VALID_NAME.match(cleaned):
        cleaned = "t_" + cleaned
    if not _VALID_NAME.match(cleaned):
        raise Keras2TfliteError(f"{what} name {name!r} cannot be used as a TFLite signature name")
    return cleaned


def load_keras(path: str, batch: int | None) -> Source:
    """Loads a ``.keras`` / ``.h5`` file and wraps it as a single ``serving_default`` signature.

    Args:
        path: The model file (already checked to exist and look like a Keras file).
        batch: Fixed batch size, or ``None`` to keep the batch dimension dynamic.

    Returns:
        The source.

    Raises:
        Keras2TfliteError: If the file does not load as a Keras model or the model has no defined inputs.
    """
    import keras
    import tensorflow as tf

    try:
        model = keras.saving.load_model(path, compile=False)
    except Exception as e:  # noqa: BLE001 (any loader failure means "not a loadable Keras model")
        raise Keras2TfliteError(f"{path} is not a loadable Keras model: {_first_line(e)}") from None
    if not isinstance(model, keras.Model):
        raise Keras2TfliteError(f"{path} holds a {type(model).__name__}, not a Keras model")
    try:
        input_structure = model.input  # the nesting the model's call expects: a tensor, a list or a dict
        keras_inputs = keras.tree.flatten(input_structure)
        keras_outputs = list(model.outputs)
    except (AttributeError, ValueError):
        input_structure, keras_inputs, keras_outputs = None, [], []
    if not keras_inputs or not keras_outputs:
        raise Keras2TfliteError(
            f"{path}: the model has no defined inputs (a subclassed model?); build it with keras.Input or export "
            "a SavedModel and pass it with --saved-model"
        )

    inputs = []
    for t in keras_inputs:
        shape = tuple(t.shape)
        shape = (batch,) + tuple(shape[1:])
        inputs.append(InputSpec(_clean_name(t.name, "input"), shape, str(np.dtype(t.dtype))))
    names = getattr(model, "output_names", None)
    if not names or len(names) != len(keras_outputs):
        names = [model.layers[-1].name] if len(keras_outputs) == 1 else [f"output_{i}" for i in
                                                                        range(len(keras_outputs))]
    outputs = [_clean_name(n, "output") for n in names]
    _check_unique([s.name for s in inputs], "input", path)
    _check_unique(outputs, "output", path)

    def call(feeds):
        args = [feeds[s.name] for s in inputs]
        result = model(keras.tree.pack_sequence_as(input_structure, args), training=False)
        if isinstance(result, dict):
            flat = [result[n] for n in names]
        else:
            flat = tf.nest.flatten(result)
        if len(flat) != len(outputs):
            raise Keras2TfliteError(f"{path}: model returned {len(flat)} outputs, expected {len(outputs)}")
        return dict(zip(outputs, flat))

    spec = {s.name: tf.TensorSpec(s.shape, s.dtype, name=s.name) for s in inputs}
    # Converting a tf.function over a Keras 3 model directly leaves its weights as resource variables that the TFLite
    # runtime reads uninitialised; a SavedModel export (Keras' own ExportArchive) freezes them correctly.
    export_dir = tempfile.TemporaryDirectory(prefix="keras2tflite-")

    def run(feeds):
        return {k: np.asarray(v) for k, v in call({n: tf.constant(a) for n, a in feeds.items()}).items()}

    def make_converter():
        if not os.path.exists(os.path.join(export_dir.name, "saved_model.pb")):
            archive = keras.export.ExportArchive()
            archive.track(model)
            archive.add_endpoint(name=DEFAULT_SIGNATURE, fn=call, input_signature=[spec])
            archive.write_out(export_dir.name, verbose=False)
        return tf.lite.TFLiteConverter.from_saved_model(export_dir.name, signature_keys=[DEFAULT_SIGNATURE])

    sig = Signature(DEFAULT_SIGNATURE, inputs, outputs, run)
    return Source("keras", path, sha256_of_path(path), [sig], make_converter, [model, export_dir])


def load_saved_model(path: str, batch: int | None) -> Source:
    """Loads a SavedModel directory; every signature it declares is converted.

    Args:
        path: The directory (already checked to contain ``saved_model.pb``).
        batch: Must be ``None``: a SavedModel's signatures fix their own shapes.

    Returns:
        The source.

    Raises:
        Keras2TfliteError: If it does not load, has no signatures, or ``batch`` is set.
    """
    import tensorflow as tf

    if batch is not None:
        raise Keras2TfliteError(
            "--batch applies to Keras models only; a SavedModel's signatures fix their own input shapes"
        )
    try:
        loaded = tf.saved_model.load(path)
    except Exception as e:  # noqa: BLE001
        raise Keras2TfliteError(f"{path} is not a loadable SavedModel: {_first_line(e)}") from None
    keys = sorted(loaded.signatures.keys())
    if not keys:
        raise Keras2TfliteError(f"{path}: the SavedModel declares no signatures; save it with signatures=...")
    signatures = []
    for key in keys:
        fn = loaded.signatures[key]
        _, kwargs = fn.structured_input_signature
        inputs = [
            InputSpec(name, tuple(spec.shape.as_list()), str(np.dtype(spec.dtype.as_numpy_dtype)))
            for name, spec in kwargs.items()
        ]
        outputs = list(fn.structured_outputs.keys())

        def run(feeds, fn=fn):
            result = fn(**{n: tf.constant(a) for n, a in feeds.items()})
            return {k: v.numpy() for k, v in result.items()}

        signatures.append(Signature(key, inputs, outputs, run))

    def make_converter():
        return tf.lite.TFLiteConverter.from_saved_model(path, signature_keys=keys)

    return Source("savedmodel", path, sha256_of_path(path), signatures, make_converter, [loaded])


def _check_unique(names: list[str], what: str, path: str) -> None:
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise Keras2TfliteError(f"{path}: duplicate {what} names {dupes}; give every {what} layer a unique name")


def _first_line(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    return text.splitlines()[0][:300]
