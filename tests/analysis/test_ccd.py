"""CCD from lab step ramps with other values: exact to the step."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from llzo.analysis.ccd import critical_current_density
from llzo.io.eclab import read_eclab as read_mpt
from llzo.lab import echem


@pytest.mark.parametrize("ccd", [0.0, 0.35, 1.2])
def test_ccd_exact(tmp_path, config, ccd):
    c = copy.deepcopy(config["lab"]["echem"])
    c.update(ccd_step_mA_cm2=0.05, ccd_half_step_s=300.0, ccd_mA_cm2={"none": ccd, "Au": ccd, "HL": ccd})
    truth = echem._ccd(tmp_path / "c.mpt", c, "HL", 60.0, np.random.default_rng(7))
    d = read_mpt(tmp_path / "c.mpt").data
    a = config["analysis"]["echem"]
    r = critical_current_density(d["time/s"], d["Ewe/V"], d["I/mA"], c["area_cm2"],
                                 short_voltage_fraction=a["short_voltage_fraction"],
                                 short_min_points=a["short_min_points"])
    if ccd == 0.0:
        assert r.bound == "lt" and r.ccd_mA_cm2 == pytest.approx(0.05, rel=1e-3)
    else:
        assert r.bound is None and r.ccd_mA_cm2 == pytest.approx(truth["ccd_mA_cm2"], rel=1e-3)
        assert r.short_time_h == pytest.approx(truth["time_to_short_h"], abs=c["ccd_dt_s"] / 3600 * 1.01)
