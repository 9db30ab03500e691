"""The Fig. 5d,e notebook runs to the end on odd and real spectra: every spectrum is reported, the
good cells' claims stand, figures and tables are written."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from llzo.pipeline.notebook import run_notebook
from tests.analysis.test_eis import F, _cell, _measured, _odd_spectra, _real_spectra
from tests.conftest import REPO


def test_notebook_survives_odd_and_real_spectra(tmp_path, monkeypatch, real_fixtures):
    spectra = {"hl_1": _measured(_cell(50.0, 3.9e-5), 1), "hl_2": _measured(_cell(55.0, 3.9e-5), 2)}
    spectra = {k: (F, v) for k, v in spectra.items()}
    for k, v in _odd_spectra().items():
        if k != "length mismatch":  # a table cannot hold it
            spectra["odd " + k] = v
    for k, v in _real_spectra(real_fixtures).items():
        spectra["real " + k] = v
    rows, data = [], []
    for i, (run, (f, Z)) in enumerate(spectra.items()):
        il = "HL" if run.startswith("hl") else "none"
        rows.append({"run_id": run, "technique": "PEIS", "cell": f"c{i}", "interlayer": il, "state": "pristine",
                     "area_cm2": 0.785})
        data.append(pd.DataFrame({"run_id": run, "freq_Hz": np.asarray(f, float), "re_Z_ohm": np.asarray(Z).real,
                                  "minus_im_Z_ohm": -np.asarray(Z).imag}))
    interim = tmp_path / "interim"
    interim.mkdir()
    pd.DataFrame(rows).to_parquet(interim / "meta.parquet")
    pd.concat(data, ignore_index=True).to_parquet(interim / "eis.parquet")
    cfg = yaml.safe_load((REPO / "workflow/config/config.yaml").read_text(encoding="utf-8"))
    out = tmp_path / "results"
    monkeypatch.chdir(REPO)
    run_notebook(notebook=REPO / "notebooks/fig5de_eis.py", ipynb=out / "nb.ipynb", html=out / "nb.html",
                 claims=out / "claims.json", figures_dir=out / "figures",
                 inputs={"echem_meta": interim / "meta.parquet", "echem_eis": interim / "eis.parquet"},
                 params={"eis": cfg["analysis"]["eis"]}, manifests=[], tables_dir=out / "tables")
    table = pd.read_csv(out / "tables/eis_fits.csv")
    assert len(table) == len(spectra)
    assert (table.loc[table["run_id"].str.startswith("hl"), "status"] == "ok").all()
    assert (table.loc[table["run_id"].str.startswith("odd"), "reasons"].fillna("") != "").all()
    real = table[table["run_id"].str.startswith("real")]
    assert real["fit_rel_rmse_pct"].notna().all()  # every real spectrum fitted, residual stated
    assert real["kk_valid"].notna().all()
    claims = {c["claim_id"]: c for c in json.loads((out / "claims.json").read_text())["claims"]}
    hl = claims["r_int_hl_ohm_cm2"]
    assert hl["n"] == 2 and hl["reproduced"] == pytest.approx(52.5, rel=0.05)
    none_ok = table[(table["status"] == "ok") & ~table["run_id"].str.startswith("hl")]
    assert set(none_ok["run_id"]) >= {"odd NaNs", "odd duplicated frequencies"}  # cleaned, then fine
    assert claims["r_int_none_ohm_cm2"]["n"] == len(none_ok)
    for panel in ("5d", "5d-cells", "5e"):
        assert (out / "figures" / f"fig{panel}.png").is_file()
