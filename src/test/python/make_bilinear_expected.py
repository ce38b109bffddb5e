"""Writes the expected outputs of BilinearResizerTest: TensorFlow's bilinear resize of a small synthetic image.

Run from the repository root (the files are committed; rerun only if the test image or sizes change):

    .venv/bin/python src/test/python/make_bilinear_expected.py

The image is 7 wide and 5 high; BilinearResizerTest builds the same pixels in Java from the same formulas.
Each output is tf.image.resize(image, (height, width), method="bilinear", antialias=False) on 0..255 float values,
saved as float32 [height, width, 3] (R, G, B).
"""

import pathlib

import numpy as np
import tensorflow as tf

WIDTH, HEIGHT = 7, 5
SIZES = [(3, 4), (9, 11)]  # (height, width): one smaller, one larger than the source
OUT = pathlib.Path("src/test/resources/io/litemodel/image")


def pixel(x, y):
    """The test image's (R, G, B) at column x, row y; BilinearResizerTest.pixel must match."""
    return ((x * 37 + y * 61 + 11) % 256, (x * 13 + y * 101 + 97) % 256, (x * x * 7 + y * 29 + 3) % 256)


def main():
    image = np.array([[pixel(x, y) for x in range(WIDTH)] for y in range(HEIGHT)], dtype=np.float32)
    OUT.mkdir(parents=True, exist_ok=True)
    for height, width in SIZES:
        resized = tf.image.resize(image, (height, width), method="bilinear", antialias=False).numpy()
        np.save(OUT / f"bilinear_{height}x{width}.npy", resized.astype(np.float32))
        print(f"wrote bilinear_{height}x{width}.npy", resized.shape)


if __name__ == "__main__":
    main()
