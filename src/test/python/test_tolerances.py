"""The tolerance table and the error measure."""

import numpy as np
import pytest

from keras2tflite.tolerances import QUANTIZE_MODES, TOLERANCES, check, tolerance


def test_every_mode_has_exactly_one_tolerance_and_they_loosen_with_quantization():
    assert set(TOLERANCES) == set(QUANTIZE_MODES)
    order = ["none", "float16", "dynamic", "int8"]
    for a, b in zip(order, order[1:]):
        assert TOLERANCES[a].atol < TOLERANCES[b].atol
        assert TOLERANCES[a].rtol < TOLERANCES[b].rtol


def test_errors_are_measured_against_the_output_scale():
    ref = np.array([[0.0, 2.0], [-4.0, 1.0]], np.float32)
    got = ref + np.array([[0.001, 0.0], [0.0, -0.002]], np.float32)
    r = check("y", got, ref, "float16")
    assert r.max_abs == pytest.approx(0.002, rel=1e-3)
    assert r.scale == pytest.approx(4.0)
    assert r.max_rel == pytest.approx(0.0005, rel=1e-3)
    assert r.bound == pytest.approx(TOLERANCES["float16"].atol + TOLERANCES["float16"].rtol * 4.0)
    assert r.passed


def test_error_just_above_the_bound_fails():
    ref = np.ones((2, 3))
    tol = TOLERANCES["none"]
    bound = tol.atol + tol.rtol * 1.0
    assert check("y", ref + bound * 0.9, ref, "none").passed
    assert not check("y", ref + bound * 1.1, ref, "none").passed


def test_nan_in_tflite_output_fails():
    ref = np.zeros(4)
    got = ref.copy()
    got[2] = np.nan
    assert not check("y", got, ref, "int8").passed


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="shape"):
        check("y", np.zeros((2, 3)), np.zeros((3, 2)), "none")


@pytest.mark.parametrize("mode", ["int4", "", None, "NONE"])
def test_unknown_mode_is_the_documented_value_error(mode):
    with pytest.raises(ValueError, match="unknown quantization mode .*expected one of none, float16, dynamic, int8"):
        check("y", np.zeros(2), np.zeros(2), mode)
    with pytest.raises(ValueError, match="unknown quantization mode"):
        tolerance(mode)


def test_tolerance_returns_the_table_entry():
    for mode in QUANTIZE_MODES:
        assert tolerance(mode) is TOLERANCES[mode]
