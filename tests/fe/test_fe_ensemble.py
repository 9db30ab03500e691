"""Ensemble statistics behind the Fig. 4 claims (finished Claim objects), and the boundary mask the figures draw."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from llzo.claims import Claim
from llzo.fe.ensemble import ensemble_claim, fe_claims, homogenized_claim, hotspot_claims
from llzo.fe.geometry import boundary_mask

NAN = float("nan")


def test_ensemble_claim_is_median_with_spread_and_lists_the_seeds():
    c = ensemble_claim("fe_hotspot_ratio", np.array([4.0, 17.5, 9.9, 9.5, NAN]), "x")
    assert isinstance(c, Claim)
    assert (c.reproduced, c.ci_low, c.ci_high, c.n, c.bound) == (pytest.approx(9.7), 4.0, 17.5, 4, None)
    assert "[4, 17.5, 9.9, 9.5, nan]" in c.note


def test_hotspot_claims_use_their_own_columns():
    table = pd.DataFrame({"hotspot_ratio": [3.0, 6.0, 5.0], "hotspot_max_over_mean": [4.0, 17.0, 9.0]})
    ratio, mom = hotspot_claims(table, 1.0, 1.0)
    assert (ratio.claim_id, ratio.reproduced) == ("fe_hotspot_ratio", 5.0)
    assert (mom.claim_id, mom.reproduced) == ("fe_hotspot_max_over_mean", 9.0)
    assert "per-grain peak" in ratio.note and ">= 1 um" in ratio.note


def test_fe_claims_are_the_three_fig4_claims():
    table = pd.DataFrame({"hotspot_ratio": [3.0], "hotspot_max_over_mean": [4.0], "hl_homogenized_um": [2.5]})
    ids = [c.claim_id for c in fe_claims(table, 10.0, 50.0, 1.0, 1.0)]
    assert ids == ["fe_hotspot_ratio", "fe_hotspot_max_over_mean", "fe_hl_homogenized_um"]


def test_homogenized_all_within():
    c = homogenized_claim(np.array([2.0, 3.0, 5.0]), 10.0, 50.0)
    assert (c.reproduced, c.ci_low, c.ci_high, c.n, c.bound) == (3.0, 2.0, 5.0, 3, None)


def test_homogenized_seeds_beyond_the_hl_count_as_far():
    # one of three never homogenizes inside the HL: it is the largest, so the median moves up
    c = homogenized_claim(np.array([2.0, NAN, 3.0]), 10.0, 50.0)
    assert c.reproduced == 3.0 and c.bound is None and c.ci_low == 2.0 and math.isnan(c.ci_high)
    assert "1 seeds not within" in c.note


def test_homogenized_mostly_beyond_is_a_lower_bound():
    c = homogenized_claim(np.array([NAN, 2.0, NAN]), 10.0, 20.0)
    assert (c.reproduced, c.bound, c.n) == (10.0, "gt", 3)
    assert "2/3 seeds not within 20 %" in c.note


def test_homogenized_half_beyond_is_a_lower_bound():
    # the median of (1, beyond) lies beyond the HL: only "> 10 um" is known, never an infinite value
    c = homogenized_claim(np.array([1.0, NAN]), 10.0, 50.0)
    assert (c.reproduced, c.bound) == (10.0, "gt")


def test_boundary_mask_marks_both_sides_of_every_label_change():
    lab = np.array([[0, 0, 1],
                    [0, 0, 1],
                    [2, 2, 2]])
    expected = np.array([[0, 1, 1],
                         [1, 1, 1],
                         [1, 1, 1]], bool)
    np.testing.assert_array_equal(boundary_mask(lab), expected)
    assert not boundary_mask(np.zeros((3, 4), int)).any()
