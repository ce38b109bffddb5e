"""--preprocess: the image preprocessing a model expects, recorded in the sidecar for the Java side."""

import json
import os

import numpy as np
import pytest

from keras2tflite import preprocessing
from keras2tflite.cli import EXIT_FAILURE, EXIT_USAGE, main
from keras2tflite.errors import UsageError


def _sidecar(tflite_path):
    with open(os.path.splitext(str(tflite_path))[0] + ".json") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def tiny_image_keras(tmp_path_factory):
    """An image model: image [-1, 6, 6, 3] -> Conv -> pooled -> 2 classes."""
    import keras

    keras.utils.set_random_seed(11)
    path = tmp_path_factory.mktemp("img") / "img.keras"
    image = keras.Input((6, 6, 3), name="image")
    h = keras.layers.Conv2D(4, 3, activation="relu")(image)
    out = keras.layers.Dense(2, activation="softmax", name="probs")(keras.layers.GlobalAveragePooling2D()(h))
    keras.Model(image, out).save(path)
    return str(path)


@pytest.mark.parametrize("name, scale, offset", [
    ("unit", 1 / 255, 0.0),
    ("symmetric", 2 / 255, -1.0),
    ("raw", 1.0, 0.0),
])
def test_fixed_names_record_scale_and_offset_per_channel(name, scale, offset):
    r = preprocessing.parse(name)
    assert r["normalization"] == name
    assert r["scale"] == [scale] * 3 and r["offset"] == [offset] * 3
    # The formula the record states maps 0 and 255 to the ends of the range it names.
    assert 0 * r["scale"][0] + r["offset"][0] == offset
    assert 255 * r["scale"][0] + r["offset"][0] == pytest.approx({"unit": 1, "symmetric": 1, "raw": 255}[name])


def test_imagenet_is_torchvision_mean_and_std():
    r = preprocessing.parse("imagenet")
    assert r["normalization"] == "imagenet"
    # A pixel equal to the mean becomes 0; one standard deviation above it becomes 1.
    for c, (m, s) in enumerate(zip((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))):
        assert (m * 255) * r["scale"][c] + r["offset"][c] == pytest.approx(0, abs=1e-12)
        assert ((m + s) * 255) * r["scale"][c] + r["offset"][c] == pytest.approx(1)


def test_meanstd_is_recorded_in_the_java_spelling():
    r = preprocessing.parse("meanstd:0.5,0.5,0.5:0.25,0.5,1")
    assert r["normalization"] == "meanstd:0.5,0.5,0.5:0.25,0.5,1.0"
    assert r["scale"] == [1 / (255 * 0.25), 1 / (255 * 0.5), 1 / 255]
    assert r["offset"] == [-2.0, -1.0, -0.5]


def test_none_has_no_numbers():
    assert preprocessing.parse("none") == {"normalization": "none",
                                           "formula": "the inputs are not images: no pixel preprocessing",
                                           "scale": None, "offset": None}


@pytest.mark.parametrize("text, message", [
    ("Unit", "unknown; use one of unit, symmetric, raw, imagenet"),
    ("meanstd:1,2:1,1,1", "three values each"),
    ("meanstd:a,b,c:1,1,1", "bad number in 'a,b,c'"),
    ("meanstd:0,0,0:1,0,1", "std must be positive"),
    ("meanstd:0,nan,0:1,1,1", "mean finite"),
])
def test_bad_spellings_are_usage_errors(text, message):
    with pytest.raises(UsageError, match=message):
        preprocessing.parse(text)


def test_cli_bad_spelling_on_a_real_model_exits_2_and_writes_nothing(tiny_image_keras, tmp_path, capsys):
    out = tmp_path / "m.tflite"
    assert main(["--keras", tiny_image_keras, "-o", str(out), "--preprocess", "centered"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "--preprocess 'centered': unknown" in err and "Try 'keras2tflite --help'" in err
    assert not os.path.exists(out)


def test_sidecar_records_the_preprocessing_and_format_version_2(tiny_image_keras, tmp_path):
    out = tmp_path / "img.tflite"
    assert main(["--keras", tiny_image_keras, "-o", str(out), "--preprocess", "symmetric", "--golden", "2"]) == 0
    s = _sidecar(out)
    assert s["format_version"] == 2
    assert s["preprocessing"] == preprocessing.parse("symmetric")
    # Everything format 1 had is still there, unchanged in kind.
    for key in ("model_file", "inputs", "outputs", "signatures", "verification", "golden"):
        assert key in s
    assert s["inputs"][0]["shape"] == [-1, 6, 6, 3]


def test_without_the_flag_preprocessing_is_null(tiny_keras, tmp_path):
    out = tmp_path / "m.tflite"
    assert main(["--keras", tiny_keras, "-o", str(out)]) == 0
    s = _sidecar(out)
    assert s["format_version"] == 2 and s["preprocessing"] is None


def test_none_is_accepted_for_a_non_image_model(tiny_keras, tmp_path):
    out = tmp_path / "m.tflite"
    assert main(["--keras", tiny_keras, "-o", str(out), "--preprocess", "none"]) == 0
    assert _sidecar(out)["preprocessing"]["normalization"] == "none"


def test_pixel_scaling_on_a_model_without_image_input_fails_and_writes_nothing(tiny_keras, tmp_path, capsys):
    out = tmp_path / "m.tflite"
    assert main(["--keras", tiny_keras, "-o", str(out), "--preprocess", "unit"]) == EXIT_FAILURE
    err = capsys.readouterr().err
    assert "--preprocess unit scales image pixels, but no input is an image [N, H, W, 1 or 3] (x [-1, 8])" in err
    assert not os.path.exists(out) and not os.path.exists(tmp_path / "m.json")


def test_reference_image_cnn_records_what_its_golden_inputs_follow():
    """image_cnn's golden inputs are uniform in [-1, 1), the range of 'symmetric'; its sidecar says so."""
    from conftest import MODELS

    s = _sidecar(os.path.join(MODELS, "image_cnn.tflite"))
    assert s["preprocessing"]["normalization"] == "symmetric"
    x = np.load(os.path.join(MODELS, "image_cnn.golden.input.npy"))
    assert x.min() >= -1.0 and x.max() < 1.0 and x.min() < -0.99 and x.max() > 0.99


@pytest.mark.parametrize("name, mode", [("symmetric", "tf"), ("imagenet", "torch")])
def test_records_match_keras_own_preprocessing(name, mode):
    """Checked against Keras' preprocess_input, which nobody here wrote: 'tf' mode is MobileNet's [-1, 1] and 'torch'
    mode is torchvision's ImageNet mean and std."""
    from keras.applications import imagenet_utils

    pixels = np.stack(np.meshgrid(np.arange(256), [0, 128, 255], [7, 200], indexing="ij"), axis=-1)
    pixels = pixels.reshape(1, -1, 1, 3).astype(np.float32)
    expected = imagenet_utils.preprocess_input(pixels.copy(), mode=mode)
    r = preprocessing.parse(name)
    ours = pixels * np.array(r["scale"], np.float32) + np.array(r["offset"], np.float32)
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-5)
