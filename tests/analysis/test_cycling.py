"""Time to short within one record; full-cell cycles, CE and retention; capacities from the
instrument's charge columns vs the integrated current; per-cell claims."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from llzo.analysis.cycling import (
    FullCellParams,
    SymParams,
    full_cell_cycles,
    full_claims,
    half_cycle_capacities,
    retention_pct,
    symmetric_cycling,
)
from llzo.lab import echem
from llzo.pipeline.ingest_echem import read_cycling


def test_time_to_short(tmp_path, config):
    c = copy.deepcopy(config["lab"]["echem"])
    c["sym"].update(j_mA_cm2=0.9 * c["penetration"]["critical_j_mA_cm2"], duration_h={"none": 1, "Au": 1, "HL": 20.0},
                    dt_s=30.0)
    c["penetration"].update(critical_j_log_sd=0.0, stress_exponent=8.0, filament_feed_fraction=1e-5)
    p = SymParams.from_config(config["analysis"]["echem"])
    tr = echem._sym(tmp_path / "s.mpt", c, "HL", np.random.default_rng(2))
    assert tr["time_to_short_h"] is not None and tr["time_to_short_h"] > 1.0  # after several half cycles
    r = symmetric_cycling(read_cycling(tmp_path / "s.mpt", "s", "SYM")[0], c["area_cm2"], p)
    assert r.bound is None and abs(r.hours - tr["time_to_short_h"]) <= c["sym"]["dt_s"] / 3600 * 1.01
    c["sym"]["j_mA_cm2"] = 0.3 * c["penetration"]["critical_j_mA_cm2"]
    tr = echem._sym(tmp_path / "h.mpt", c, "HL", np.random.default_rng(2))
    assert tr["time_to_short_h"] is None
    r = symmetric_cycling(read_cycling(tmp_path / "h.mpt", "h", "SYM")[0], c["area_cm2"], p)
    assert r.bound == "gt" and r.hours == pytest.approx(tr["duration_h"], abs=c["sym"]["dt_s"] / 3600 * 1.01)


def test_full_cell(tmp_path, config):
    c = copy.deepcopy(config["lab"]["echem"])
    c["full"]["LFP"].update(cycles=40, sei_loss_rel_sqrt_cycle=0.02)
    tr = echem._full(tmp_path / "f.mpt", c, "LFP", np.random.default_rng(4))
    d = read_cycling(tmp_path / "f.mpt", "f", "FULL")[0]
    cy = full_cell_cycles(d, c["full"]["LFP"]["active_mass_mg"], FullCellParams())
    assert len(cy) == 40 and set(cy["q_source"]) == {"Q charge/discharge"}
    np.testing.assert_allclose(cy["q_discharge_mAh_g"], tr["q_discharge_mAh_g"], rtol=1e-3)
    np.testing.assert_allclose(cy["q_charge_integrated_mAh"], cy["q_charge_mAh"], rtol=1e-9)
    assert cy["ce_pct"].iloc[0] == pytest.approx(100 * tr["q_discharge_mAh_g"][0] / tr["q_charge_mAh_g"][0], rel=1e-3)
    q = tr["q_discharge_mAh_g"]
    assert retention_pct(cy, 2) == pytest.approx(100 * q[-1] / q[1], rel=1e-3)
    with pytest.warns(UserWarning):
        assert np.isnan(retention_pct(cy, 99))
    # without the instrument's charge columns: the integral, same values
    bare = full_cell_cycles(d.assign(Q_mAh=np.nan, Qo_mAh=np.nan), c["full"]["LFP"]["active_mass_mg"],
                            FullCellParams())
    assert set(bare["q_source"]) == {"integral of I"}
    np.testing.assert_allclose(bare["q_discharge_mAh"], cy["q_discharge_mAh"], rtol=1e-9)


def test_capacity_check_warns(tmp_path, config):
    c = copy.deepcopy(config["lab"]["echem"])
    c["full"]["LFP"].update(cycles=3)
    echem._full(tmp_path / "f.mpt", c, "LFP", np.random.default_rng(4))
    d = read_cycling(tmp_path / "f.mpt", "f", "FULL")[0]
    d["Q_mAh"] *= 1.1  # the instrument's charge 10 % off the integrated current
    with pytest.warns(UserWarning, match="differ by up to"):
        full_cell_cycles(d, 2.5, FullCellParams())


def test_rests_excluded_from_half_cycles(tmp_path, config):
    c = copy.deepcopy(config["lab"]["echem"])
    c["full"]["LFP"].update(cycles=4)
    echem._full(tmp_path / "f.mpt", c, "LFP", np.random.default_rng(4))
    d = read_cycling(tmp_path / "f.mpt", "f", "FULL")[0]
    parts = []
    for _h, g in d.groupby("half_cycle", sort=True):
        rest = g.iloc[[-1] * 4].copy()
        rest["time_s"] = g["time_s"].iloc[-1] + np.arange(1, 5)
        rest["I_mA"], rest["mode"] = 0.0, 3
        parts += [g, rest]
    with_rests = pd.concat(parts, ignore_index=True)
    h0, h1 = half_cycle_capacities(d), half_cycle_capacities(with_rests)
    assert len(h0) == len(h1)
    np.testing.assert_allclose(h1["q_mAh"], h0["q_mAh"])


def test_full_claims_per_cathode_over_cells():
    res = pd.DataFrame({"cathode": ["LFP", "LFP", "NCM523"], "cell": ["a", "b", "c"], "cycles": [300.0, 280.0, 0.0],
                        "retention_pct": [90.0, 80.0, np.nan], "error": ["", "", "no complete charge+discharge cycle"]})
    claims = {cl.claim_id: cl for cl in full_claims(res, FullCellParams())}
    assert claims["full_lfp_cycles"].reproduced == 290 and claims["full_lfp_cycles"].n == 2
    assert (claims["full_lfp_retention_pct"].ci_low, claims["full_lfp_retention_pct"].ci_high) == (80, 90)
    assert np.isnan(claims["full_ncm523_cycles"].reproduced) and "c: no complete" in claims["full_ncm523_cycles"].note


def test_stack_per_run_labels_every_row():
    from llzo.analysis.echem_structure import stack_per_run

    runs = pd.DataFrame({"run_id": ["a", "b"], "cell": ["c1", "c2"], "interlayer": ["HL", "none"]})
    out = stack_per_run({"b": pd.DataFrame({"x": [1, 2]}), "a": pd.DataFrame({"x": [3]})}, runs, ("cell", "interlayer"))
    assert list(out.columns) == ["x", "run_id", "cell", "interlayer"]
    assert out.values.tolist() == [[1, "b", "c2", "none"], [2, "b", "c2", "none"], [3, "a", "c1", "HL"]]
    assert stack_per_run({}, runs, ("cell",)).empty
