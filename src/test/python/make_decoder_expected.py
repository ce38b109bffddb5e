"""Writes the decoder fixtures of ImageDecoderTest and OpenCvImageDecoderTest, and the pixels they must decode to.

Run from the repository root (the files are committed; rerun only to regenerate them). It needs Pillow and
PyTurboJPEG 1.x (with the system's libturbojpeg 2.x, Debian package libturbojpeg0) besides the project venv's
TensorFlow; they are not in the venv, so install them beside it, for example:

    pip install --target /tmp/pylib pillow==13.0.0 'PyTurboJPEG<2'
    PYTHONPATH=/tmp/pylib .venv/bin/python src/test/python/make_decoder_expected.py /usr/local/go/src/image

Inputs, files nobody on this project made:
- video-001.cmyk.jpeg (an Adobe CMYK JPEG), video-001.jpeg and video-001.restart2.jpeg (restart markers) from the Go
  distribution's image/testdata (BSD licence).
- basn2c16.png (16-bit RGB) and basn0g16.png (16-bit grey) from PngSuite by Willem van Schaik (free to use), as
  shipped in Go's image/png/testdata/pngsuite.
Generated here:
- ycck.jpeg: video-001.png as an Adobe YCCK JPEG (libjpeg-turbo writes YCCK when given CMYK pixels; the inks are
  stored inverted, as Photoshop does).
Expected pixels, 8-bit RGB PNGs:
- NAME.pil.png: PIL's Image.open(NAME).convert("RGB").
- basn0g16.png.tf.png: tf.io.decode_png(channels=3) (PIL clips 16-bit grey at 255 when converting to RGB).
"""

import pathlib
import shutil
import sys

import numpy as np
import tensorflow as tf
from PIL import Image
from turbojpeg import TJPF_CMYK, TJSAMP_444, TurboJPEG

OUT = pathlib.Path("src/test/resources/io/litemodel/image/decoders")


def main():
    go_image = pathlib.Path(sys.argv[1])
    OUT.mkdir(parents=True, exist_ok=True)
    for name in ["video-001.cmyk.jpeg", "video-001.jpeg", "video-001.restart2.jpeg"]:
        shutil.copy(go_image / "testdata" / name, OUT / name)
    for name in ["basn2c16.png", "basn0g16.png"]:
        shutil.copy(go_image / "png" / "testdata" / "pngsuite" / name, OUT / name)

    rgb = Image.open(go_image / "testdata" / "video-001.png").convert("RGB")
    inverted_cmyk = 255 - np.asarray(rgb.convert("CMYK"))
    ycck = TurboJPEG().encode(np.ascontiguousarray(inverted_cmyk), quality=90, pixel_format=TJPF_CMYK,
                              jpeg_subsample=TJSAMP_444)
    (OUT / "ycck.jpeg").write_bytes(ycck)
    assert Image.open(OUT / "ycck.jpeg").info.get("adobe_transform") == 2, "not a YCCK file"

    for name in ["video-001.cmyk.jpeg", "ycck.jpeg", "basn2c16.png"]:
        Image.open(OUT / name).convert("RGB").save(OUT / (name + ".pil.png"))
    grey = tf.io.decode_png((OUT / "basn0g16.png").read_bytes(), channels=3).numpy()
    Image.fromarray(grey).save(OUT / "basn0g16.png.tf.png")


if __name__ == "__main__":
    main()
