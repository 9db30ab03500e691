"""Eq. 1 (Hertz contact) against hand calculation and its scaling laws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from llzo.analysis.contact import (
    ContactParams,
    contact_area,
    hertz_contact_area_m2,
    modulus_for_area,
    tip_contact_table,
)


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


def _meta():
    return pd.DataFrame({"sweep_id": ["a", "b", "c", "p"], "electrode": ["tip", "tip", "tip", "pad"],
                         "tip_radius_nm": [18.0, 20.0, 25.0, np.nan], "tip_force_nN": [400.0, 400.0, 380.0, np.nan],
                         "compliance_A": [1e-3] * 4})


def test_modulus_for_area_inverts_eq1():
    assert modulus_for_area(37.5842, 20.0, 400.0) == pytest.approx(145.0, rel=1e-5)
    e30 = modulus_for_area(30.0, 20.0, 400.0)
    assert hertz_contact_area_m2(20e-9, 400e-9, e30 * 1e9) * 1e18 == pytest.approx(30.0, rel=1e-12)
    assert e30 == pytest.approx(203.3, abs=0.1)  # A ~ E*^-2/3: 145 * (37.58 / 30)^1.5


def test_contact_area_claim_from_the_maps_modulus():
    res = contact_area(_meta(), ContactParams.from_config({"effective_modulus_GPa": 100.0}), 150.0)
    (claim,) = res.claims
    assert claim.claim_id == "contact_area_nm2" and claim.n == 3
    assert (res.radius_nm, res.force_nN, res.modulus_GPa) == (20.0, 400.0, 150.0)
    assert claim.reproduced == pytest.approx(hertz_contact_area_m2(20e-9, 400e-9, 150e9) * 1e18)
    assert res.j_compliance_A_cm2 == pytest.approx(1e-3 / (claim.reproduced * 1e-14))
    assert "maps" in res.modulus_source
    # the note explains the paper's ~30 nm2 with numbers computed from Eq. 1
    assert "gives 37.6 nm2" in claim.note and "E*=203 GPa" in claim.note and "j at compliance" in claim.note


def test_contact_area_without_maps_uses_the_config():
    res = contact_area(_meta(), ContactParams(effective_modulus_GPa=120.0), None)
    assert res.modulus_GPa == 120.0 and "config" in res.modulus_source
    with pytest.raises(KeyError, match="effective_modulus_GPa"):
        ContactParams.from_config({"plot_force_max_nN": 1.0})
