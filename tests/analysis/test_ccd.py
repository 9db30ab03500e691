"""CCD from lab step ramps (penetration model) with other values: exact to the step, with or without the instrument's
structure columns, and with a measured (noisy) current."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from llzo.analysis.ccd import CCDParams, ccd_claims, critical_current_density
from llzo.lab import echem
from llzo.pipeline.ingest_echem import read_cycling


def _ramp(tmp_path, config, j_crit, feed=1e-3):
    """A CCD log of the lab's penetration model with a critical current density ``j_crit`` (no spread)."""
    c = copy.deepcopy(config["lab"]["echem"])
    c["ccd"].update(step_mA_cm2=0.05, half_step_s=300.0)
    c["penetration"].update(critical_j_mA_cm2=j_crit, critical_j_log_sd=0.0, filament_feed_fraction=feed)
    truth = echem._ccd(tmp_path / "c.mpt", c, "HL", np.random.default_rng(7))
    return c, truth, read_cycling(tmp_path / "c.mpt", "c", "CCD")[0]


@pytest.mark.parametrize(("j_crit", "feed"), [(0.02, 1e-5), (0.37, 1e-3), (1.2, 1e-3)])
def test_ccd_exact(tmp_path, config, j_crit, feed):
    c, truth, d = _ramp(tmp_path, config, j_crit, feed)
    p = CCDParams.from_config(config["analysis"]["echem"])
    r = critical_current_density(d, c["area_cm2"], p)
    assert r.bound == truth["ccd_bound"]
    assert r.ccd_mA_cm2 == pytest.approx(truth["ccd_mA_cm2"], rel=1e-3)
    if j_crit == 0.02:
        assert r.bound == "lt" and r.ccd_mA_cm2 == pytest.approx(0.05, rel=1e-3)
    # the analysis times the short from the start of the log (the OCV period included)
    t_short_h = truth["time_to_short_h"] + c["ccd"]["ocv_s"] / 3600
    assert r.short_time_h == pytest.approx(t_short_h, abs=c["ccd"]["dt_s"] / 3600 * 1.01)


@pytest.mark.parametrize("noise_rel", [0.0, 0.01, 0.03])
def test_ccd_without_structure_columns_and_noisy_current(tmp_path, config, noise_rel):
    """A file without mode/Ns/half cycle (steps found from the current), the current measured with
    up to 3 % noise (a galvanostat's is ~0.01 %): the same CCD as with the instrument's columns."""
    c, _truth, d = _ramp(tmp_path, config, 0.35)
    p = CCDParams.from_config(config["analysis"]["echem"])
    ref = critical_current_density(d, c["area_cm2"], p)
    bare = d.assign(Ns=-1, mode=-1, half_cycle=-1)
    rng = np.random.default_rng(3)
    bare["I_mA"] = bare["I_mA"] * (1 + noise_rel * rng.standard_normal(len(bare)))
    r = critical_current_density(bare, c["area_cm2"], p)
    assert r.ccd_mA_cm2 == pytest.approx(ref.ccd_mA_cm2, rel=1e-2) and r.bound == ref.bound
    assert r.short_time_h == pytest.approx(ref.short_time_h, abs=c["ccd"]["dt_s"] / 3600 * 1.01)
    assert len(r.steps) == len(ref.steps)


def test_rests_between_steps_are_not_steps(tmp_path, config):
    """Rests (mode 3, I = 0) inserted between the half steps change nothing."""
    import pandas as pd

    c, _truth, d = _ramp(tmp_path, config, 0.35)
    p = CCDParams.from_config(config["analysis"]["echem"])
    ref = critical_current_density(d, c["area_cm2"], p)
    parts, shift = [], 0.0
    # consecutive blocks of one sequence (the lab loops its sequences: Ns repeats, so no groupby on Ns)
    block = (d["Ns"] != d["Ns"].shift()).cumsum()
    for _b, g in d.groupby(block, sort=True):
        g = g.copy()
        g["time_s"] += shift
        parts.append(g)
        rest = g.iloc[[-1] * 5].copy()
        rest["time_s"] = g["time_s"].iloc[-1] + 10.0 * np.arange(1, 6)
        rest["I_mA"], rest["mode"] = 0.0, 3
        rest["Ecell_V"] = rest["Ewe_V"] = 0.0  # open circuit of a symmetric cell
        parts.append(rest)
        shift += 50.0
    r = critical_current_density(pd.concat(parts, ignore_index=True), c["area_cm2"], p)
    assert r.ccd_mA_cm2 == pytest.approx(ref.ccd_mA_cm2) and r.bound == ref.bound


def test_claims_median_and_unusable(tmp_path):
    import pandas as pd

    res = pd.DataFrame({"interlayer": ["none", "none", "Au"], "cell": ["a", "b", "c"],
                        "ccd_mA_cm2": [0.1, 0.3, np.nan], "bound": [None, None, None],
                        "error": ["", "", "no galvanostatic current step in this log"]})
    claims = {cl.claim_id: cl for cl in ccd_claims(res)}
    assert claims["ccd_none_mA_cm2"].reproduced == pytest.approx(0.2) and claims["ccd_none_mA_cm2"].n == 2
    assert np.isnan(claims["ccd_au_mA_cm2"].reproduced) and "c: no galvanostatic" in claims["ccd_au_mA_cm2"].note
    assert "ccd_hl_mA_cm2" not in claims
