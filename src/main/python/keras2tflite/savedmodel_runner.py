"""Runs a Flex model's SavedModel the way LiteModel's Java TensorFlow runtime does, for verification.

A model converted with ``--select-tf-ops`` holds TensorFlow (Flex) ops that the TFLite Python interpreter here cannot
run (it has no Flex delegate), and neither can LiteModel's TensorFlow Lite. On the Java side such a model runs through
its SavedModel on the TensorFlow runtime (``io.litemodel.tensorflow.TfModel``). So this runner verifies that artifact:
the SavedModel, loaded afresh from disk through TensorFlow's SavedModel loader and called by signature key, against
the in-memory reference, on the same feeds and with the TFLite model's signature names.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

from keras2tflite.errors import Keras2TfliteError


class SavedModelRunner:
    """Runs the source's SavedModel (exported first when the source is a .keras file) by signature key."""

    def __init__(self, kind: str, path: str):
        """Loads the SavedModel.

        Args:
            kind: ``"keras"`` or ``"savedmodel"``.
            path: The .keras file or SavedModel directory.
        """
        import tensorflow as tf

        self._tmp = None
        if kind == "keras":
            import keras

            self._tmp = tempfile.TemporaryDirectory(prefix="keras2tflite-savedmodel-")
            path_out = os.path.join(self._tmp.name, "savedmodel")
            keras.models.load_model(path).export(path_out, format="tf_saved_model", verbose=False)
            path = path_out
        self._loaded = tf.saved_model.load(path)

    def run(self, sig, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Runs signature ``sig.key`` on ``feeds``.

        Args:
            sig: The TFLite signature (its key and tensor names).
            feeds: Inputs by name.

        Returns:
            Outputs by name.

        Raises:
            Keras2TfliteError: If the SavedModel lacks the signature or an output.
        """
        import tensorflow as tf

        fn = self._loaded.signatures.get(sig.key)
        if fn is None:
            raise Keras2TfliteError(f"the SavedModel has no signature '{sig.key}' "
                                    f"(it has {sorted(self._loaded.signatures)})")
        result = fn(**{name: tf.constant(value) for name, value in feeds.items()})
        missing = [t.name for t in sig.outputs if t.name not in result]
        if missing:
            raise Keras2TfliteError(f"the SavedModel's signature '{sig.key}' has no output {missing}")
        return {t.name: result[t.name].numpy() for t in sig.outputs}
