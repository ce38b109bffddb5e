"""Writes the small models that exercise TensorFlow Lite semantics our reference models lack, with expected values.

Usage (from the repository root)::

    .venv/bin/python src/test/python/make_semantics_models.py

Writes into ``src/test/resources/io/litemodel/semantics/`` (committed; a few KB each):

- ``dynamic_sequence``: input ``audio`` declared ``[-1, -1]`` (any number of rows of any length); outputs
  ``energy`` = mean of squares per row ``[-1, 1]`` and ``scaled`` = 0.5 x + 1 ``[-1, -1]``.
- ``dynamic_unallocatable``: the same model with the input's stored default shape emptied (rank 0), as some
  exporters write it: it cannot be allocated before the caller sets a shape.
- ``huge_declared_input``: the same model with its input declared ``[1, 1073741824]`` float32: a 1.6 KB file that
  asks for 4 GiB of tensor memory, which the memory budget refuses before anything is allocated.
- ``needs_shape_first``: input ``audio`` ``[-1, -1]`` stored as ``[1, 1]``, cut into frames of 4 samples
  (``RESHAPE`` to ``[-1, 4]``) and projected to 2 values per frame, so a length that is not a multiple of 4 is
  rejected: the model cannot be prepared at its default shape (like openWakeWord's melspectrogram), so it must load,
  ask for a shape, and check each shape it is given.
- ``stateful_accumulator``: a resource variable ``total`` [4] (initialized to zeros by a CALL_ONCE init graph);
  each call adds ``x`` [1, 4] to it and returns it.
- ``control_flow``: ``IF`` (x * 2 when sum(x) > 0, else x - 1) then a ``WHILE`` loop of three steps v = v / 2 + 1.
- ``custom_deconvolution``: one MediaPipe ``Convolution2DTransposeBias`` custom operator (a transposed convolution
  with bias that only delegates implement: XNNPACK does), input [1, 4, 4, 2], stride 2, SAME padding.
- ``unknown_custom_op``: seed-style graph with two custom operators nobody implements (``MyRelu`` twice,
  ``MySoftmax`` once), to check that every unresolved operator is named with its count.

Expected values come from TensorFlow itself (the source functions, run eagerly), except for the custom
deconvolution, whose expected output comes from a NumPy transposed convolution checked against Python's
``tf.lite.Interpreter`` with its default XNNPACK delegate.
"""

from __future__ import annotations

import os
import struct
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, os.pardir, "resources", "io", "litemodel", "semantics")


def _convert(module, path: str) -> bytes:
    import tensorflow as tf

    tf.saved_model.save(module, path, signatures={"serving_default": module.serve})
    return tf.lite.TFLiteConverter.from_saved_model(path).convert()


def _write(name: str, data: bytes) -> None:
    with open(os.path.join(OUT, name + ".tflite"), "wb") as f:
        f.write(data)


def _save(name: str, array) -> None:
    np.save(os.path.join(OUT, name + ".npy"), np.asarray(array, dtype=np.float32))


def _mutate(data: bytes, edit) -> bytes:
    """Unpacks a model with the schema's object API, applies ``edit(model)``, and packs it again."""
    import flatbuffers
    from tensorflow.lite.python import schema_py_generated as schema

    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(data, 0))
    edit(model)
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def build_dynamic(tmp: str) -> None:
    import tensorflow as tf

    class Sequence(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec((None, None), tf.float32, name="audio")])
        def serve(self, audio):
            return {"energy": tf.reduce_mean(audio * audio, axis=1, keepdims=True), "scaled": audio * 0.5 + 1.0}

    module = Sequence()
    data = _convert(module, os.path.join(tmp, "sequence"))
    _write("dynamic_sequence", data)
    x = np.arange(2 * 5, dtype=np.float32).reshape(2, 5) / 4.0
    result = module.serve(tf.constant(x))
    _save("dynamic_sequence.input", x)
    _save("dynamic_sequence.energy", result["energy"].numpy())
    _save("dynamic_sequence.scaled", result["scaled"].numpy())

    def empty_default_shape(model):
        graph = model.subgraphs[0]
        graph.tensors[graph.inputs[0]].shape = np.zeros((0,), dtype=np.int32)

    _write("dynamic_unallocatable", _mutate(data, empty_default_shape))

    def four_gib_input(model):
        graph = model.subgraphs[0]
        graph.tensors[graph.inputs[0]].shape = np.array([1, 1 << 30], dtype=np.int32)

    _write("huge_declared_input", _mutate(data, four_gib_input))


def build_needs_shape_first(tmp: str) -> None:
    import tensorflow as tf

    weights = np.linspace(-1.0, 1.0, 4 * 2, dtype=np.float32).reshape(4, 2)

    class Frames(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec((None, None), tf.float32, name="audio")])
        def serve(self, audio):
            return {"frames": tf.matmul(tf.reshape(audio, [-1, 4]), weights)}

    module = Frames()
    _write("needs_shape_first", _convert(module, os.path.join(tmp, "frames")))
    x = np.sin(np.arange(16, dtype=np.float32)).reshape(1, 16)
    _save("needs_shape_first.input", x)
    _save("needs_shape_first.frames", module.serve(tf.constant(x))["frames"].numpy())


def build_stateful(tmp: str) -> None:
    import tensorflow as tf

    class Accumulator(tf.Module):
        def __init__(self):
            super().__init__()
            self.total = tf.Variable(tf.zeros([4]), trainable=False)

        @tf.function(input_signature=[tf.TensorSpec((1, 4), tf.float32, name="x")])
        def serve(self, x):
            self.total.assign_add(x[0])
            return {"total": tf.expand_dims(self.total.read_value(), 0)}

    data = _convert(Accumulator(), os.path.join(tmp, "accumulator"))
    _write("stateful_accumulator", data)
    fresh = Accumulator()
    xs = np.array([[[1, 2, 3, 4]], [[0.5, -1, 0, 2]], [[-3, 0.25, 1, 1]]], dtype=np.float32)
    _save("stateful_accumulator.inputs", xs)
    _save("stateful_accumulator.totals", np.stack([fresh.serve(tf.constant(x))["total"].numpy() for x in xs]))


def build_control_flow(tmp: str) -> None:
    import tensorflow as tf

    class ControlFlow(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec((1, 4), tf.float32, name="x")])
        def serve(self, x):
            y = tf.cond(tf.reduce_sum(x) > 0, lambda: x * 2.0, lambda: x - 1.0)
            _, z = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * 0.5 + 1.0), [tf.constant(0), y])
            return {"y": z}

    module = ControlFlow()
    _write("control_flow", _convert(module, os.path.join(tmp, "control_flow")))
    xs = np.array([[[1, 2, 3, 4]], [[-1, -2, 0.5, 0]]], dtype=np.float32)
    _save("control_flow.inputs", xs)
    _save("control_flow.outputs", np.stack([module.serve(tf.constant(x))["y"].numpy() for x in xs]))


def _deconvolution_reference(x, weights, bias, stride):
    """Transposed convolution, SAME padding (TensorFlow's rule), NHWC input, weights [out, kh, kw, in]."""
    n, h, w, _ = x.shape
    out_c, kh, kw, _ = weights.shape
    out_h, out_w = h * stride, w * stride
    full = np.zeros((n, (h - 1) * stride + kh, (w - 1) * stride + kw, out_c), dtype=np.float64)
    for i in range(h):
        for j in range(w):
            patch = np.einsum("nc,okhc->nkho", x[:, i, j, :], weights.transpose(0, 2, 1, 3))
            full[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :] += patch.transpose(0, 2, 1, 3)
    pad_h = max((h - 1) * stride + kh - out_h, 0) // 2
    pad_w = max((w - 1) * stride + kw - out_w, 0) // 2
    return (full[:, pad_h:pad_h + out_h, pad_w:pad_w + out_w, :] + bias).astype(np.float32)


def build_custom_deconvolution(tmp: str) -> None:
    import tensorflow as tf
    from tensorflow.lite.python import schema_py_generated as schema

    rng = np.random.default_rng(7)
    weights = rng.standard_normal((3, 3, 3, 2)).astype(np.float32)  # [out, kh, kw, in]
    bias = rng.standard_normal((3,)).astype(np.float32)

    # A graph x -> ADD(x, 0) -> [custom] so the custom operator sits inside a real graph, built from a converted
    # model whose ops are then rewritten with the object API.
    class Identity(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec((1, 4, 4, 2), tf.float32, name="x")])
        def serve(self, x):
            return {"y": x + 0.0}

    data = _convert(Identity(), os.path.join(tmp, "identity"))

    def add_deconvolution(model):
        graph = model.subgraphs[0]

        def tensor(name, shape, buffer=0):
            t = schema.TensorT()
            t.name, t.shape, t.type, t.buffer = name, np.array(shape, dtype=np.int32), schema.TensorType.FLOAT32, buffer
            graph.tensors.append(t)
            return len(graph.tensors) - 1

        def constant(name, array):
            b = schema.BufferT()
            b.data = np.frombuffer(array.tobytes(), dtype=np.uint8)
            model.buffers.append(b)
            return tensor(name, array.shape, len(model.buffers) - 1)

        code = schema.OperatorCodeT()
        code.builtinCode, code.deprecatedBuiltinCode = schema.BuiltinOperator.CUSTOM, schema.BuiltinOperator.CUSTOM
        code.customCode, code.version = "Convolution2DTransposeBias", 1
        model.operatorCodes.append(code)
        w = constant("weights", weights)
        b = constant("bias", bias)
        out = tensor("deconvolved", (1, 8, 8, 3))
        op = schema.OperatorT()
        op.opcodeIndex = len(model.operatorCodes) - 1
        op.inputs = np.array([graph.outputs[0], w, b], dtype=np.int32)
        op.outputs = np.array([out], dtype=np.int32)
        # TfLiteTransposeConvParams: padding (kTfLitePaddingSame = 1), stride_width, stride_height.
        op.customOptions = np.frombuffer(struct.pack("<iii", 1, 2, 2), dtype=np.uint8)
        graph.operators.append(op)
        graph.outputs = np.array([out], dtype=np.int32)
        model.signatureDefs = []

    deconvolution = _mutate(data, add_deconvolution)
    _write("custom_deconvolution", deconvolution)
    x = rng.standard_normal((1, 4, 4, 2)).astype(np.float32)
    expected = _deconvolution_reference(x, weights, bias, 2)
    interpreter = tf.lite.Interpreter(model_content=deconvolution)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.invoke()
    peer = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    difference = float(np.max(np.abs(peer - expected)))
    if difference > 1e-4:
        raise SystemExit(f"NumPy reference and tf.lite.Interpreter disagree by {difference}")
    _save("custom_deconvolution.input", x)
    _save("custom_deconvolution.output", expected)

    def unknown_ops(model):
        graph = model.subgraphs[0]
        codes = []
        for name in ("MyRelu", "MySoftmax"):
            code = schema.OperatorCodeT()
            code.builtinCode, code.deprecatedBuiltinCode = schema.BuiltinOperator.CUSTOM, schema.BuiltinOperator.CUSTOM
            code.customCode, code.version = name, 1
            model.operatorCodes.append(code)
            codes.append(len(model.operatorCodes) - 1)
        previous = graph.outputs[0]
        for index in (codes[0], codes[0], codes[1]):
            t = schema.TensorT()
            t.name, t.shape, t.type = f"custom_{len(graph.tensors)}", np.array([1, 4, 4, 2], dtype=np.int32), 0
            graph.tensors.append(t)
            op = schema.OperatorT()
            op.opcodeIndex, op.inputs = index, np.array([previous], dtype=np.int32)
            op.outputs = np.array([len(graph.tensors) - 1], dtype=np.int32)
            graph.operators.append(op)
            previous = len(graph.tensors) - 1
        graph.outputs = np.array([previous], dtype=np.int32)
        model.signatureDefs = []

    _write("unknown_custom_op", _mutate(data, unknown_ops))


def main() -> int:
    """Builds every model and expected value into the test resources."""
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        build_dynamic(tmp)
        build_needs_shape_first(tmp)
        build_stateful(tmp)
        build_control_flow(tmp)
        build_custom_deconvolution(tmp)
    for name in sorted(os.listdir(OUT)):
        print(f"{name}: {os.path.getsize(os.path.join(OUT, name))} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
