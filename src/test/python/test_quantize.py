"""Input quantization follows TFLite's rule: round half away from zero (std::round) in float64, then clamp."""

import numpy as np
import pytest

from keras2tflite.tflite_model import TensorInfo, dequantize, quantize, round_half_away_from_zero


def _info(scale, zero_point, dtype="int8"):
    return TensorInfo("x", "x:0", 0, 0, (-1, 4), dtype, scale, zero_point)


def test_ties_round_away_from_zero_not_to_even():
    # x / scale = +-0.5, +-1.5, +-2.5, +-3.5: half-to-even (np.round) would give 0, 2, 2, 4.
    x = np.array([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, -3.5], np.float32) * 0.5
    np.testing.assert_array_equal(quantize(x, _info(0.5, 0)), [1, 2, 3, 4, -1, -2, -3, -4])


def test_zero_point_is_added_after_rounding():
    # 2.5 -> 3, then + zero point; -2.5 -> -3, then + zero point (rounding x/scale + zp would differ for odd zp).
    np.testing.assert_array_equal(quantize(np.array([2.5, -2.5], np.float32), _info(1.0, -5)), [-2, -8])
    np.testing.assert_array_equal(quantize(np.array([2.5, -2.5], np.float32), _info(1.0, 10, "uint8")), [13, 7])


def test_values_beside_a_tie_and_the_largest_double_below_one_half():
    below_half = np.nextafter(0.5, 0.0)  # floor(x + 0.5) would wrongly give 1 here
    v = np.array([below_half, -below_half, 2.4999999, 2.5000001, -2.4999999, -2.5000001, 0.0, -0.0])
    np.testing.assert_array_equal(round_half_away_from_zero(v), [0, 0, 2, 3, -2, -3, 0, 0])


@pytest.mark.parametrize("dtype,lo,hi", [("int8", -128, 127), ("uint8", 0, 255)])
def test_clamped_to_the_dtype_range(dtype, lo, hi):
    q = quantize(np.array([-1e6, 1e6, -127.5 * 0.1, 127.5 * 0.1]), _info(0.1, 0, dtype))
    assert q.dtype == np.dtype(dtype)
    assert q[0] == lo and q[1] == hi


def test_division_is_done_in_float64():
    # 8.25 / 0.3 is exactly 27.5 in float64 (a tie -> 28); in float32 it is 27.499996 (-> 27).
    x = np.array([8.25, -8.25], np.float32)
    assert np.float32(8.25) / np.float32(0.3) < 27.5
    np.testing.assert_array_equal(quantize(x, _info(0.3, 0)), [28, -28])


def test_round_trip_within_half_a_step():
    info = _info(0.02, 3)
    x = np.random.default_rng(0).uniform(-2.0, 2.0, 1000).astype(np.float32)
    assert np.abs(dequantize(quantize(x, info), info) - x).max() <= 0.01 + 1e-6
