"""keras2tflite: convert Keras models and SavedModels to TensorFlow Lite for LiteModel's Java runtime.

Command line: ``python -m keras2tflite --help``. From Python::

    from keras2tflite import ConversionOptions, run
    sidecar = run(ConversionOptions(keras="model.keras", output="model.tflite", golden=8))

Importing this package does not import TensorFlow; the pipeline does, when it runs.
"""

__version__ = "0.1.0"

from keras2tflite.errors import Keras2TfliteError, VerificationError  # noqa: E402
from keras2tflite.tolerances import QUANTIZE_MODES, TOLERANCES, Tolerance  # noqa: E402


def run(options, out=None):
    """Runs the conversion pipeline; see :func:`keras2tflite.api.run`."""
    import sys

    from keras2tflite.api import run as _run

    return _run(options, sys.stdout if out is None else out)


def __getattr__(name):
    if name == "ConversionOptions":
        from keras2tflite.api import ConversionOptions

        return ConversionOptions
    raise AttributeError(name)


__all__ = ["ConversionOptions", "Keras2TfliteError", "QUANTIZE_MODES", "TOLERANCES", "Tolerance",
           "VerificationError", "run", "__version__"]
