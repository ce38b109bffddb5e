"""Writes matrix_diag.tflite: a float32 graph that LiteRT's GPU accelerator takes only in part.

FULLY_CONNECTED -> MATRIX_DIAG -> SUM -> FULLY_CONNECTED -> RELU, input x [1, 8], output y [1, 8]. LiteRT 2.3.0's GPU
accelerator has no MATRIX_DIAG ("Operation is not supported"), so with the CPU fallback allowed the graph is split,
and without it compilation fails. Used by LiteRtModelTest; run with the project's venv (TensorFlow 2.21):

    .venv/bin/python src/test/resources/litert/make_partial_model.py
"""
import pathlib

import numpy as np
import tensorflow as tf


class MatrixDiag(tf.Module):
    """y = relu(sum(diag(x @ w), axis=1) @ w)."""

    def __init__(self):
        super().__init__()
        self.w = tf.constant(np.linspace(-1, 1, 64, dtype=np.float32).reshape(8, 8))

    @tf.function(input_signature=[tf.TensorSpec([1, 8], tf.float32, name="x")])
    def __call__(self, x):
        h = tf.reduce_sum(tf.linalg.diag(tf.matmul(x, self.w)), axis=1)
        return {"y": tf.nn.relu(tf.matmul(h, self.w))}


def main():
    model = MatrixDiag()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([model.__call__.get_concrete_function()], model)
    out = pathlib.Path(__file__).with_name("matrix_diag.tflite")
    out.write_bytes(converter.convert())
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
