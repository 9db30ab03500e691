"""Time to short within one record; full-cell cycles, CE and retention (lab models with other values)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from llzo.analysis.cycling import full_cell_cycles, retention_pct, symmetric_cycling
from llzo.io.biologic import read_mpt
from llzo.lab import echem


def test_time_to_short(tmp_path, config):
    c = copy.deepcopy(config["lab"]["echem"])
    c["sym"].update(j_mA_cm2=0.9 * c["penetration"]["critical_j_mA_cm2"], duration_h={"none": 1, "Au": 1, "HL": 20.0},
                    dt_s=30.0)
    c["penetration"].update(critical_j_log_sd=0.0, stress_exponent=8.0, filament_feed_fraction=1e-5)
    a = config["analysis"]["echem"]
    kw = dict(short_voltage_fraction=a["short_voltage_fraction"], short_min_points=a["short_min_points"])
    tr = echem._sym(tmp_path / "s.mpt", c, "HL", np.random.default_rng(2))
    assert tr["time_to_short_h"] is not None and tr["time_to_short_h"] > 1.0  # after several half cycles
    d = read_mpt(tmp_path / "s.mpt").data
    r = symmetric_cycling(d["time/s"], d["Ewe/V"], d["I/mA"], c["area_cm2"], **kw)
    assert r.bound is None and abs(r.hours - tr["time_to_short_h"]) <= c["sym"]["dt_s"] / 3600 * 1.01
    c["sym"]["j_mA_cm2"] = 0.3 * c["penetration"]["critical_j_mA_cm2"]
    tr = echem._sym(tmp_path / "h.mpt", c, "HL", np.random.default_rng(2))
    assert tr["time_to_short_h"] is None
    d = read_mpt(tmp_path / "h.mpt").data
    r = symmetric_cycling(d["time/s"], d["Ewe/V"], d["I/mA"], c["area_cm2"], **kw)
    assert r.bound == "gt" and r.hours == pytest.approx(tr["duration_h"], abs=c["sym"]["dt_s"] / 3600 * 1.01)


def test_full_cell(tmp_path, config):
    c = copy.deepcopy(config["lab"]["echem"])
    c["full"]["LFP"].update(cycles=40, sei_loss_rel_sqrt_cycle=0.02)
    tr = echem._full(tmp_path / "f.mpt", c, "LFP", np.random.default_rng(4))
    d = read_mpt(tmp_path / "f.mpt").data
    cy = full_cell_cycles(d["time/s"], d["Ewe/V"], d["I/mA"], c["full"]["LFP"]["active_mass_mg"])
    assert len(cy) == 40
    np.testing.assert_allclose(cy["q_discharge_mAh_g"], tr["q_discharge_mAh_g"], rtol=1e-3)
    assert cy["ce_pct"].iloc[0] == pytest.approx(100 * tr["q_discharge_mAh_g"][0] / tr["q_charge_mAh_g"][0], rel=1e-3)
    q = tr["q_discharge_mAh_g"]
    assert retention_pct(cy, 2) == pytest.approx(100 * q[-1] / q[1], rel=1e-3)
    with pytest.warns(UserWarning):
        assert np.isnan(retention_pct(cy, 99))
