"""The EIS jobs of the robustness study: stored fits for the interpretation parameters, refits for the others."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from llzo import interim
from llzo.analysis.eis import EISParams, analyse_runs, eis_claims, fit_key, fits_table
from llzo.pipeline import robustness as rb

REPO = Path(__file__).resolve().parents[2]
PAPER = REPO / "workflow/config/paper_claims.yaml"
F = np.logspace(6, -1, 40)


def _z(r_arc: float, c_int: float, seed: int) -> np.ndarray:
    w = 2 * np.pi * F
    tau = c_int * r_arc / 2  # 1 cm2
    z = 20.0 + 300.0 / (1 + (1j * w * 1e-6) ** 0.9) + r_arc / (1 + (1j * w * tau) ** 0.85)
    rng = np.random.default_rng(seed)
    return z * (1 + 1e-3 * (rng.standard_normal(F.size) + 1j * rng.standard_normal(F.size)))


@pytest.fixture(scope="module")
def dataset(tmp_path_factory, config):
    """Two HL cells (interface ~1e-6 F cm-2) and one bare cell (3e-7 F cm-2), one spectrum each; fits stored."""
    d = tmp_path_factory.mktemp("eis")
    cells = [("peis_HL_1", "HL", 100.0, 1e-6), ("peis_HL_2", "HL", 110.0, 1e-6), ("peis_none_1", "none", 2000.0, 3e-7)]
    meta = pd.DataFrame([{"run_id": r, "technique": "PEIS", "cell": r[5:], "interlayer": il, "state": "pristine",
                          "area_cm2": 1.0} for r, il, _, _ in cells])
    rows = []
    for k, (run, _, r, c) in enumerate(cells):
        z = _z(r, c, k)
        rows.append(pd.DataFrame({"run_id": run, "freq_Hz": F, "re_Z_ohm": z.real, "minus_im_Z_ohm": -z.imag}))
    meta.to_parquet(d / interim.ECHEM_META)
    pd.concat(rows, ignore_index=True).to_parquet(d / interim.ECHEM_EIS)
    (d / "robustness").mkdir()
    rb.write_eis_fits(d, config["analysis"]["eis"], d / rb.EIS_FITS)
    return d


def _cfg(config) -> dict:
    return {"analysis.eis": copy.deepcopy(config["analysis"]["eis"])}


def test_the_stored_fits_give_the_notebooks_claims(dataset, config):
    key, fits = rb.read_eis_fits(dataset / rb.EIS_FITS)
    p = EISParams.from_config(config["analysis"]["eis"])
    assert key == fit_key(p) and set(fits) == {"peis_HL_1", "peis_HL_2", "peis_none_1"}
    meta, spectra = pd.read_parquet(dataset / interim.ECHEM_META), pd.read_parquet(dataset / interim.ECHEM_EIS)
    whole = eis_claims(fits_table(meta, analyse_runs(meta, spectra, p)), p)
    s = rb.STUDIES["eis"]
    mine = s.compute(s.load(dataset, dataset, frozenset({"echem"})), _cfg(config))
    assert [(c.claim_id, c.reproduced) for c in mine] == [(c.claim_id, c.reproduced) for c in whole]


def test_an_interpretation_parameter_on_stored_fits_and_its_fragile_verdict(dataset, config):
    t = rb.run_job("eis", "interface_c_min_F_cm2", [1e-7, 5e-7], _cfg(config), dataset, dataset, ["echem"], PAPER,
                   dataset / "eis__c_min.csv")
    got = t.set_index(["claim_id", "value"])["status"]
    # the bare cell's interface (3e-7 F cm-2) leaves the interfacial range at 5e-7: its claim cannot be computed
    assert got[("r_int_none_ohm_cm2", 5e-7)] == "missing" and got[("r_int_none_ohm_cm2", 1e-7)] != "missing"
    assert got[("r_int_hl_ohm_cm2", 5e-7)] == got[("r_int_hl_ohm_cm2", 1e-7)] == "pass"  # ~50 ohm cm2
    r = t.set_index(["claim_id", "value"])["reproduced"]
    assert r[("r_int_hl_ohm_cm2", 1e-7)] == pytest.approx(52.5, rel=0.03)  # median of 50 and 55 ohm cm2


def test_a_fit_parameter_refits(dataset, config):
    s = rb.STUDIES["eis"]
    inputs = s.load(dataset, dataset, frozenset({"echem"}))
    assert len(inputs.fits) == 1
    t = rb.vary_parameter(s, "arc_min_n", [0.5, 0.6], _cfg(config), inputs, rb.load_paper_claims(PAPER))
    assert len(inputs.fits) == 2  # the configured fits reused, one refit for 0.5
    assert set(t["claim_id"]) == {"r_int_hl_ohm_cm2", "r_int_none_ohm_cm2"}
