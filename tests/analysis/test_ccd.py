"""CCD from lab step ramps (penetration model) with other values: exact to the step."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from llzo.analysis.ccd import critical_current_density
from llzo.io.biologic import read_mpt
from llzo.lab import echem


@pytest.mark.parametrize(("j_crit", "feed"), [(0.02, 1e-5), (0.37, 1e-3), (1.2, 1e-3)])
def test_ccd_exact(tmp_path, config, j_crit, feed):
    c = copy.deepcopy(config["lab"]["echem"])
    c["ccd"].update(step_mA_cm2=0.05, half_step_s=300.0)
    c["penetration"].update(critical_j_mA_cm2=j_crit, critical_j_log_sd=0.0, filament_feed_fraction=feed)
    truth = echem._ccd(tmp_path / "c.mpt", c, "HL", np.random.default_rng(7))
    d = read_mpt(tmp_path / "c.mpt").data
    a = config["analysis"]["echem"]
    r = critical_current_density(d["time/s"], d["Ewe/V"], d["I/mA"], c["area_cm2"],
                                 short_voltage_fraction=a["short_voltage_fraction"],
                                 short_min_points=a["short_min_points"])
    assert r.bound == truth["ccd_bound"]
    assert r.ccd_mA_cm2 == pytest.approx(truth["ccd_mA_cm2"], rel=1e-3)
    if j_crit == 0.02:
        assert r.bound == "lt" and r.ccd_mA_cm2 == pytest.approx(0.05, rel=1e-3)
    # the analysis times the short from the start of the log (the OCV period included)
    t_short_h = truth["time_to_short_h"] + c["ccd"]["ocv_s"] / 3600
    assert r.short_time_h == pytest.approx(t_short_h, abs=c["ccd"]["dt_s"] / 3600 * 1.01)
