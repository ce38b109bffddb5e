"""Reads and writes TensorFlow Lite flatbuffers with the TFLite schema's generated object API.

The generated module ships inside the TensorFlow wheel (``tensorflow/lite/python/schema_py_generated.py``). It needs
only ``flatbuffers`` and ``numpy``, so it is loaded from its file rather than through ``import tensorflow``, which
would cost seconds per fuzzer run for nothing.
"""

import importlib.util
import os

import flatbuffers

FILE_IDENTIFIER = b"TFL3"


def _load_schema():
    spec = importlib.util.find_spec("tensorflow")
    if spec is None or spec.origin is None:
        raise ImportError("tensorflow is not installed in this Python; the fuzzer needs its TFLite schema module")
    path = os.path.join(os.path.dirname(spec.origin), "lite", "python", "schema_py_generated.py")
    module_spec = importlib.util.spec_from_file_location("tflite_schema_py_generated", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


schema = _load_schema()


def enum_names(enum_class):
    """Returns {value: NAME} for a generated flatbuffers enum class."""
    return {value: name for name, value in vars(enum_class).items() if not name.startswith("_")}


TENSOR_TYPES = enum_names(schema.TensorType)
BUILTIN_OPERATORS = enum_names(schema.BuiltinOperator)
BUILTIN_OPTIONS = enum_names(schema.BuiltinOptions)
NAMED_OPERATORS = {name: value for value, name in BUILTIN_OPERATORS.items()}
NAMED_TYPES = {name: value for value, name in TENSOR_TYPES.items()}


def unpack(data: bytes):
    """Returns the mutable object tree (``ModelT``) of a ``.tflite`` file's bytes."""
    return schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(data, 0))


def pack(model) -> bytes:
    """Serializes a ``ModelT`` back to ``.tflite`` bytes, with the ``TFL3`` file identifier."""
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=FILE_IDENTIFIER)
    return bytes(builder.Output())


def options_class(options_type: int):
    """Returns the object-API class (``...OptionsT``) for a BuiltinOptions union member, or None."""
    name = BUILTIN_OPTIONS.get(options_type)
    return getattr(schema, name + "T", None) if name and name != "NONE" else None
