"""Ensemble statistics behind the Fig. 4 claims, and the boundary mask the figures draw."""

from __future__ import annotations

import math

import numpy as np
import pytest

from llzo.fe.ensemble import homogenized_value, hotspot_value
from llzo.fe.geometry import boundary_mask

NAN = float("nan")


def test_hotspot_value_is_median_with_spread():
    v = hotspot_value(np.array([4.0, 17.5, 9.9, 9.5, NAN]))
    assert (v.value, v.ci_low, v.ci_high, v.n, v.bound) == (pytest.approx(9.7), 4.0, 17.5, 4, None)


def test_homogenized_all_within():
    v = homogenized_value(np.array([2.0, 3.0, 5.0]), 10.0, 50.0)
    assert (v.value, v.ci_low, v.ci_high, v.n, v.bound) == (3.0, 2.0, 5.0, 3, None)


def test_homogenized_seeds_beyond_the_hl_count_as_far():
    # one of three never homogenizes inside the HL: it is the largest, so the median moves up
    v = homogenized_value(np.array([2.0, NAN, 3.0]), 10.0, 50.0)
    assert v.value == 3.0 and v.bound is None and v.ci_low == 2.0 and math.isnan(v.ci_high)
    assert "1 seeds not within" in v.note


def test_homogenized_mostly_beyond_is_a_lower_bound():
    v = homogenized_value(np.array([NAN, 2.0, NAN]), 10.0, 20.0)
    assert (v.value, v.bound, v.n) == (10.0, "gt", 3)
    assert "2/3 seeds not within 20 %" in v.note


def test_homogenized_half_beyond_is_a_lower_bound():
    # the median of (1, beyond) lies beyond the HL: only "> 10 um" is known, never an infinite value
    v = homogenized_value(np.array([1.0, NAN]), 10.0, 50.0)
    assert (v.value, v.bound) == (10.0, "gt")


def test_boundary_mask_marks_both_sides_of_every_label_change():
    lab = np.array([[0, 0, 1],
                    [0, 0, 1],
                    [2, 2, 2]])
    expected = np.array([[0, 1, 1],
                         [1, 1, 1],
                         [1, 1, 1]], bool)
    np.testing.assert_array_equal(boundary_mask(lab), expected)
    assert not boundary_mask(np.zeros((3, 4), int)).any()
