"""Eq. 1 (Hertz contact) against hand calculation and its scaling laws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from llzo.analysis.contact import hertz_contact_area_m2, tip_contact_table


def test_paper_numbers():
    # r = 20 nm, P = 400 nN, E* = 145 GPa: a = (3*400e-9*20e-9/(4*145e9))^(1/3) = 3.4595 nm
    a = (3 * 400e-9 * 20e-9 / (4 * 145e9)) ** (1 / 3)
    assert a == pytest.approx(3.4595e-9, rel=1e-4)
    A = hertz_contact_area_m2(20e-9, 400e-9, 145e9)
    assert A == pytest.approx(np.pi * a**2, rel=1e-12)
    assert 25e-18 < A < 45e-18  # the paper's "~30 nm2"


def test_scaling_laws():
    base = hertz_contact_area_m2(20e-9, 400e-9, 145e9)
    assert hertz_contact_area_m2(20e-9, 8 * 400e-9, 145e9) == pytest.approx(4 * base)  # A ~ P^(2/3)
    assert hertz_contact_area_m2(8 * 20e-9, 400e-9, 145e9) == pytest.approx(4 * base)  # A ~ r^(2/3)
    assert hertz_contact_area_m2(20e-9, 400e-9, 8 * 145e9) == pytest.approx(base / 4)  # A ~ E^(-2/3)


def test_invalid():
    with pytest.raises(ValueError):
        hertz_contact_area_m2(-1e-9, 1e-7, 1e11)


def test_table_only_tip_rows():
    meta = pd.DataFrame({"sweep_id": ["a", "b"], "electrode": ["tip", "pad"], "tip_radius_nm": [20.0, np.nan],
                         "tip_force_nN": [400.0, np.nan], "compliance_A": [1e-3, 1e-3]})
    t = tip_contact_table(meta, 145.0)
    assert list(t["sweep_id"]) == ["a"]
    assert t["contact_area_nm2"].iloc[0] == pytest.approx(37.58, rel=1e-3)
    assert t["j_compliance_A_cm2"].iloc[0] == pytest.approx(1e-3 / (37.58e-14), rel=1e-3)
