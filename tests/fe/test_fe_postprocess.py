"""Interface read-outs: running means, max/mean, and the per-grain peaks of the claim fe_hotspot_ratio."""

from __future__ import annotations

import numpy as np
import pytest

from llzo.fe.postprocess import grain_peaks, max_over_mean, window_average

H = 0.5e-6  # face width (m)


def test_window_average_is_the_valid_running_mean():
    j = np.array([1.0, 3.0, 5.0, 7.0])
    np.testing.assert_allclose(window_average(j, 2), [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(window_average(j, 1), j)
    assert max_over_mean(j) == pytest.approx(7.0 / 4.0)


def test_grain_peaks_windows_stay_inside_each_grain():
    # grain 0: 4 faces, grain 1: 2 faces with a spike at its edge, grain 2: 4 faces
    lab = np.array([0, 0, 0, 0, 1, 1, 2, 2, 2, 2])
    j = np.array([1.0, 1.0, 2.0, 1.0, 9.0, 3.0, 1.0, 1.0, 1.0, 5.0])
    gp = grain_peaks(j, lab, H, window_cells=2, min_contact_m=0.0)
    np.testing.assert_array_equal(gp.grain, [0, 1, 2])
    # grain 0: windows (1,1), (1,2), (2,1) -> 1.5; grain 1: (9,3) -> 6; grain 2: (1,1), (1,1), (1,5) -> 3
    np.testing.assert_allclose(gp.peak_A_m2, [1.5, 6.0, 3.0])
    np.testing.assert_allclose(gp.contact_m, [4 * H, 2 * H, 4 * H])
    np.testing.assert_allclose(gp.peak_x_m, [2 * H, 5 * H, 9 * H])  # window centres
    assert gp.ratio == pytest.approx(6.0 / 3.0)  # largest / median
    # the window (1, 9) across the 0|1 junction belongs to neither grain: no peak of 5 anywhere
    assert 5.0 not in gp.peak_A_m2


def test_grain_peaks_minimum_contact_and_few_grains():
    lab = np.array([0, 0, 0, 0, 1, 1, 2, 2, 2, 2])
    j = np.array([1.0, 1.0, 2.0, 1.0, 9.0, 3.0, 1.0, 1.0, 1.0, 5.0])
    gp = grain_peaks(j, lab, H, window_cells=2, min_contact_m=3 * H)  # grain 1 (1 um) drops out
    np.testing.assert_array_equal(gp.grain, [0, 2])
    assert gp.ratio == pytest.approx(3.0 / 2.25)
    # a grain whose contact is shorter than the window has no window of its own
    assert list(grain_peaks(j, lab, H, window_cells=3, min_contact_m=0.0).grain) == [0, 2]
    one = grain_peaks(j[:4], lab[:4], H, window_cells=2, min_contact_m=0.0)
    assert one.grain.size == 1 and np.isnan(one.ratio)
    with pytest.raises(ValueError, match="same length"):
        grain_peaks(j, lab[:-1], H, 2, 0.0)


def test_uniform_interface_has_ratio_one():
    lab = np.repeat(np.arange(5), 8)
    gp = grain_peaks(np.full(lab.size, 3.0), lab, H, 2, 2 * H)
    assert gp.ratio == pytest.approx(1.0) and gp.grain.size == 5
