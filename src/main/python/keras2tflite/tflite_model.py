"""Reading a converted .tflite flatbuffer (signatures, tensors, ops) and running it with the TFLite interpreter."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from keras2tflite.errors import Keras2TfliteError


@dataclass(frozen=True)
class TensorInfo:
    """One signature input or output as stored in the .tflite file.

    Attributes:
        name: Signature-level name (the Keras input/output name).
        tensor_name: Name of the underlying tensor in the subgraph.
        tensor_index: Index of the tensor in its subgraph.
        io_index: Position in the subgraph's input (or output) list, as used by the TFLite C API
            ``TfLiteInterpreterGetInputTensor(interpreter, io_index)``.
        shape: Shape signature, ``-1`` for dynamic dimensions.
        dtype: NumPy dtype name (``float32``, ``int8``, ...).
        scale: Quantization scale (0.0 when not quantized).
        zero_point: Quantization zero point (0 when not quantized).
    """

    name: str
    tensor_name: str
    tensor_index: int
    io_index: int
    shape: tuple[int, ...]
    dtype: str
    scale: float
    zero_point: int

    @property
    def quantized(self) -> bool:
        """True when the tensor carries an affine quantization (scale != 0)."""
        return self.scale != 0.0

    @property
    def element_size(self) -> int:
        """Bytes per element."""
        return np.dtype(self.dtype).itemsize

    @property
    def byte_size(self) -> int:
        """Bytes of the tensor with every dynamic (-1) dimension taken as 1, i.e. per batch item."""
        return int(np.prod([1 if d < 0 else d for d in self.shape], dtype=np.int64)) * self.element_size

    def to_json(self) -> dict:
        """The sidecar entry for this tensor."""
        return {
            "name": self.name,
            "tensor_name": self.tensor_name,
            "tensor_index": self.tensor_index,
            "io_index": self.io_index,
            "shape": list(self.shape),
            "dtype": self.dtype,
            "quantized": self.quantized,
            "scale": self.scale,
            "zero_point": self.zero_point,
            "element_size": self.element_size,
            "byte_size": self.byte_size,
        }


@dataclass(frozen=True)
class SignatureInfo:
    """A signature of the converted model.

    Attributes:
        key: Signature key.
        subgraph_index: Subgraph that implements it.
        inputs: Inputs sorted by ``io_index``.
        outputs: Outputs sorted by ``io_index``.
    """

    key: str
    subgraph_index: int
    inputs: tuple[TensorInfo, ...]
    outputs: tuple[TensorInfo, ...]


def _tensor_type_names() -> dict[int, str]:
    from tensorflow.lite.python import schema_py_generated as schema

    return {v: k.lower() for k, v in vars(schema.TensorType).items() if not k.startswith("_")}


def describe(model_bytes: bytes) -> tuple[list[SignatureInfo], list[str]]:
    """Reads signatures and custom (incl. Flex) op names from a .tflite flatbuffer.

    Args:
        model_bytes: The model.

    Returns:
        ``(signatures sorted by key, sorted custom op codes)``.
    """
    from tensorflow.lite.python import schema_py_generated as schema

    types = _tensor_type_names()
    model = schema.Model.GetRootAs(model_bytes, 0)

    def tensor(sg, idx: int, io_list: list[int], name: str) -> TensorInfo:
        t = sg.Tensors(idx)
        shape = t.ShapeSignatureAsNumpy() if t.ShapeSignatureLength() > 0 else t.ShapeAsNumpy()
        shape = tuple(int(d) for d in (shape if not isinstance(shape, int) else []))
        q = t.Quantization()
        scale, zero_point = 0.0, 0
        if q is not None and q.ScaleLength() > 0:
            scale = float(q.ScaleAsNumpy()[0])
            zero_point = int(q.ZeroPointAsNumpy()[0]) if q.ZeroPointLength() > 0 else 0
        dtype = types.get(t.Type(), f"type{t.Type()}")
        return TensorInfo(name, t.Name().decode(), idx, io_list.index(idx), shape, dtype, scale, zero_point)

    signatures = []
    for i in range(model.SignatureDefsLength()):
        sd = model.SignatureDefs(i)
        sg_index = sd.SubgraphIndex()
        sg = model.Subgraphs(sg_index)
        ins = [int(x) for x in sg.InputsAsNumpy()] if sg.InputsLength() else []
        outs = [int(x) for x in sg.OutputsAsNumpy()] if sg.OutputsLength() else []
        inputs = [tensor(sg, sd.Inputs(j).TensorIndex(), ins, sd.Inputs(j).Name().decode())
                  for j in range(sd.InputsLength())]
        outputs = [tensor(sg, sd.Outputs(j).TensorIndex(), outs, sd.Outputs(j).Name().decode())
                   for j in range(sd.OutputsLength())]
        signatures.append(SignatureInfo(
            sd.SignatureKey().decode(), sg_index,
            tuple(sorted(inputs, key=lambda t: t.io_index)), tuple(sorted(outputs, key=lambda t: t.io_index))))
    custom = set()
    for i in range(model.OperatorCodesLength()):
        code = model.OperatorCodes(i).CustomCode()
        if code:
            custom.add(code.decode())
    return sorted(signatures, key=lambda s: s.key), sorted(custom)


def round_half_away_from_zero(v: np.ndarray) -> np.ndarray:
    """Rounds to the nearest integer, ties away from zero, like C's ``std::round`` that TFLite uses.

    ``np.round`` rounds ties to even (2.5 -> 2), so it disagrees with TFLite on exact ties. ``floor(|v| + 0.5)`` is
    not used either: the addition itself rounds (0.49999999999999994 + 0.5 == 1.0). ``v - trunc(v)`` is exact.

    Args:
        v: Floats.

    Returns:
        The rounded values, same dtype.
    """
    v = np.asarray(v)
    t = np.trunc(v)
    return t + np.where(np.abs(v - t) >= 0.5, np.sign(v), 0.0)


def quantize(x: np.ndarray, info: TensorInfo) -> np.ndarray:
    """Float -> int8/uint8 with the tensor's scale and zero point.

    ``q = round_half_away_from_zero(x / scale) + zero_point``, computed in float64, clamped to the dtype's range: the
    rule of TFLite's own quantization (``std::round``), which the Java runtime applies too.
    """
    dtype = np.dtype(info.dtype)
    q = round_half_away_from_zero(np.asarray(x, np.float64) / np.float64(info.scale)) + info.zero_point
    lim = np.iinfo(dtype)
    return np.clip(q, lim.min, lim.max).astype(dtype)


def dequantize(q: np.ndarray, info: TensorInfo) -> np.ndarray:
    """int8/uint8 -> float32 with the tensor's scale and zero point."""
    return ((q.astype(np.float64) - info.zero_point) * info.scale).astype(np.float32)


class Runner:
    """Runs one .tflite model with the TensorFlow Lite Python interpreter."""

    def __init__(self, model_bytes: bytes):
        """Creates the interpreter.

        Args:
            model_bytes: The model.
        """
        import tensorflow as tf

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tf.lite.Interpreter's deprecation notice
            self._interpreter = tf.lite.Interpreter(model_content=model_bytes, num_threads=2)

    def run(self, sig: SignatureInfo, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Runs a signature on a batch, in chunks when the model's batch dimension is fixed.

        Args:
            sig: The signature.
            feeds: Inputs by name, already in the tensors' dtypes, all with the same first dimension.

        Returns:
            Outputs by name, in the tensors' own dtypes.

        Raises:
            Keras2TfliteError: If the interpreter fails.
        """
        runner = self._interpreter.get_signature_runner(sig.key)
        n = next(iter(feeds.values())).shape[0]
        fixed = {t.shape[0] for t in sig.inputs if t.shape and t.shape[0] > 0}
        chunk = fixed.pop() if len(fixed) == 1 else n
        parts: dict[str, list[np.ndarray]] = {t.name: [] for t in sig.outputs}
        try:
            for start in range(0, n, chunk):
                piece = {k: v[start:start + chunk] for k, v in feeds.items()}
                got = next(iter(piece.values())).shape[0]
                if got < chunk:  # pad the last chunk by repeating its last sample
                    piece = {k: np.concatenate([v, np.repeat(v[-1:], chunk - got, axis=0)]) for k, v in piece.items()}
                result = runner(**piece)
                for k in parts:
                    parts[k].append(np.array(result[k])[:got])
        except (RuntimeError, ValueError) as e:
            raise Keras2TfliteError(f"TFLite interpreter failed on signature '{sig.key}': "
                                    f"{str(e).splitlines()[0]}") from None
        return {k: np.concatenate(v) for k, v in parts.items()}
