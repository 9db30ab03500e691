"""End to end on real instrument files: a dataset of every real electrochemistry fixture in
``../shared/fixtures/real`` (``tests/real_echem.py``) through ingest and Fig. 5d,e,f,g,h.

Every run ingests (none refused), every figure is made, each fixture's known values from
SOURCES.md hold after ingest, and per-cycle capacities equal the instrument's own Q columns.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from e2e.test_pipeline import copy_project, smk
from real_echem import RUNS, make_real_dataset

pytestmark = pytest.mark.e2e
DS = "realechem"
NOTEBOOKS = ["fig5de_eis", "fig5f_ccd", "fig5g_sym", "fig5h_full"]


@pytest.fixture(scope="module")
def tree(tmp_path_factory, real_fixtures):
    tree = copy_project(tmp_path_factory.mktemp("real") / "llzo-repro")
    make_real_dataset(real_fixtures, tree / "data/raw" / DS)
    targets = [f"results/{DS}/claims/{n}.json" for n in NOTEBOOKS]
    res = smk(tree, *targets, "--cores", "2", "--keep-going", "--config", f"dataset={DS}", check=False)
    (tree / "smk.log").write_text(res.stdout + res.stderr)
    return tree


def _interim(tree, name):
    return pd.read_parquet(tree / f"data/interim/{DS}/{name}")


def test_every_run_ingests(tree):
    rej = pd.read_csv(tree / f"data/interim/{DS}/rejected_echem.tsv", sep="\t")
    assert rej.empty, rej.to_string()
    meta = _interim(tree, "echem_meta.parquet")
    assert sorted(meta["run_id"]) == sorted(r[1] for r in RUNS)


def test_known_values_after_ingest(tree):
    eis = _interim(tree, "echem_eis.parquet").groupby("run_id")
    cyc = _interim(tree, "echem_cycling.parquet").groupby("run_id")
    for run in ("peis_mpr", "peis_mpt"):  # SOURCES.md: peis.mpr/.mpt
        e = eis.get_group(run)
        assert len(e) == 32
        assert e["freq_Hz"].iloc[0] == pytest.approx(199998.14)
        assert e["freq_Hz"].iloc[-1] == pytest.approx(1.0000616)
        assert e["re_Z_ohm"].iloc[0] == pytest.approx(10.512296)
        assert e["re_Z_ohm"].iloc[-1] == pytest.approx(18.024315)
        assert e["minus_im_Z_ohm"].iloc[0] == pytest.approx(0.7304766)
    e = eis.get_group("peis_ece")
    assert (e["re_Z_ohm"].iloc[0], e["minus_im_Z_ohm"].iloc[0]) == (pytest.approx(1.2273843), pytest.approx(0.11151811))
    e = eis.get_group("peis_sp150")
    assert len(e) == 43 and e["freq_Hz"].iloc[0] == pytest.approx(1000.3201)
    assert e["freq_Hz"].iloc[-1] == pytest.approx(0.01689554) and e["re_Z_ohm"].iloc[-1] == pytest.approx(110.97003)
    assert e["minus_im_Z_ohm"].iloc[0] == pytest.approx(0.38998979)  # impedance.py: Im(Z)[0] = -0.38998979
    e = eis.get_group("peis_gamry")
    assert len(e) == 72 and (e["freq_Hz"].iloc[0], e["re_Z_ohm"].iloc[0], e["minus_im_Z_ohm"].iloc[0]) == (
        200015.6, 825.8584, 1367.239)
    last = (e["freq_Hz"].iloc[-1], e["re_Z_ohm"].iloc[-1], e["minus_im_Z_ohm"].iloc[-1])
    assert last == (0.0158898, 17007.49, 6635.557)
    e = eis.get_group("peis_autolab")
    assert len(e) == 41 and e["freq_Hz"].iloc[0] == 10000 and e["freq_Hz"].iloc[-1] == pytest.approx(0.1)
    assert e["re_Z_ohm"].iloc[0] == pytest.approx(0.013785863964281)
    assert e["minus_im_Z_ohm"].iloc[0] == pytest.approx(-0.007191946305823)
    assert len(eis.get_group("geis_mb")) == 19  # first of the four PEIS/GEIS spectra, 1 kHz .. 1 Hz
    for run in ("gcpl149_mpr", "gcpl149_mpt"):
        c = cyc.get_group(run)
        assert len(c) == 132 and c["time_s"].min() == pytest.approx(30.153, abs=1e-3)
        assert c["time_s"].max() == pytest.approx(659.986, abs=1e-3)
        assert c["Ewe_V"].min() == pytest.approx(3.41378, abs=1e-5)
        assert c["Ewe_V"].max() == pytest.approx(3.44664, abs=1e-5)
        assert (c["Ns"].min(), c["Ns"].max(), c["half_cycle"].min(), c["half_cycle"].max()) == (0, 2, 0, 7)
    for run in ("cxn_mpr", "cxn_mpt"):
        c = cyc.get_group(run)
        assert len(c) == 15 and c["time_s"].iloc[0] == pytest.approx(0.0482, abs=1e-4)
        assert c["Ewe_V"].min() == pytest.approx(-0.209637, abs=1e-6) and c["Ewe_V"].max() == pytest.approx(0.0491992)
        assert (c["Ns"].min(), c["Ns"].max()) == (1, 2)
    c = cyc.get_group("navani_gcpl")
    assert len(c) == 46102 and c["time_s"].max() == pytest.approx(456310, rel=1e-5)
    assert (c["Ewe_V"].min(), c["Ewe_V"].max()) == (pytest.approx(1.9999, abs=1e-4), pytest.approx(3.80006, abs=1e-5))
    assert (c["Ns"].max(), c["half_cycle"].max()) == (3, 13)
    for run in ("mb95_mpr", "mb95_mpt"):
        c = cyc.get_group(run)
        assert c["time_s"].max() == pytest.approx(30.0002, abs=1e-4) and c["I_mA"].iloc[-1] == pytest.approx(-64.98028)
        assert c["Ewe_V"].min() == pytest.approx(2.32608, abs=1e-5)
        assert c["Ewe_V"].max() == pytest.approx(2.33274, abs=1e-5)
    c = cyc.get_group("mb_hold")
    assert len(c) == 11 and c["time_s"].iloc[0] == pytest.approx(6.166)


def test_capacities_equal_the_instruments_q_columns(tree, real_fixtures):
    cycles = pd.read_csv(tree / f"results/{DS}/tables/full_cycles.csv")
    # gcpl.issue_149.mpt exports EC-Lab's per-cycle 'Q charge/mA.h' and 'Q discharge/mA.h'
    from llzo.io.eclab import read_eclab

    mpt = read_eclab(real_fixtures / "biologic/gcpl.issue_149.mpt").data
    by = mpt.groupby("cycle number")
    q_ch, q_dis = by["Q charge/mA.h"].max().to_numpy(), by["Q discharge/mA.h"].max().to_numpy()
    for run in ("gcpl149_mpr", "gcpl149_mpt"):
        c = cycles[cycles["run_id"] == run]
        assert len(c) == 4
        np.testing.assert_allclose(c["q_charge_mAh"], q_ch, rtol=1e-5)
        np.testing.assert_allclose(c["q_discharge_mAh"], q_dis, rtol=1e-5)
        np.testing.assert_allclose(c["q_charge_integrated_mAh"], c["q_charge_mAh"], rtol=5e-3)
    nav = cycles[cycles["run_id"] == "navani_gcpl"]
    raw = read_eclab(real_fixtures / f"biologic/{RUNS[9][0].split('/')[1]}").data
    per_half = raw.groupby("half cycle")["Q charge/discharge/mA.h"].agg(lambda q: q.abs().max())
    assert len(nav) == 6  # half cycle 0 is a lone discharge; 1..13 pair up, the last pair complete
    np.testing.assert_allclose(nav["q_charge_mAh"], per_half.loc[[2, 4, 6, 8, 10, 12]], rtol=1e-6)
    np.testing.assert_allclose(nav["q_discharge_mAh"], per_half.loc[[3, 5, 7, 9, 11, 13]], rtol=1e-6)
    np.testing.assert_allclose(nav["q_discharge_integrated_mAh"], nav["q_discharge_mAh"], rtol=1e-3)


@pytest.mark.parametrize("nb,panels", [("fig5f_ccd", ["5f"]), ("fig5g_sym", ["5g"]), ("fig5h_full", ["5h", "S12"])])
def test_figures_made(tree, nb, panels):
    for p in panels:
        assert (tree / f"results/{DS}/figures/{nb}/fig{p}.png").is_file(), (tree / "smk.log").read_text()[-3000:]
    claims = {c["claim_id"]: c for c in json.loads((tree / f"results/{DS}/claims/{nb}.json").read_text())["claims"]}
    if nb == "fig5h_full":
        assert claims["full_lfp_cycles"]["reproduced"] == 4 and claims["full_lfp_cycles"]["n"] == 2
        assert claims["full_ncm523_cycles"]["reproduced"] == 6
    if nb == "fig5g_sym":  # the potentiostatic hold cannot feed SYM and says so
        assert claims["sym_au_hours_to_short"]["reproduced"] is None
        assert "no galvanostatic half cycle" in claims["sym_au_hours_to_short"]["note"]
        assert claims["sym_none_hours_to_short"]["bound"] == "gt"


def test_every_run_labelled_by_cell(tree):
    meta = _interim(tree, "echem_meta.parquet").set_index("run_id")
    for table, _tech in (("ccd_steps.csv", "CCD"), ("sym_half_cycles.csv", "SYM"), ("full_cycles.csv", "FULL")):
        t = pd.read_csv(tree / f"results/{DS}/tables/{table}")
        assert (t["cell"] == meta.loc[t["run_id"], "cell"].to_numpy()).all()


def test_fig5de_on_real_spectra(tree):
    for p in ("5d", "5e"):
        assert (tree / f"results/{DS}/figures/fig5de_eis/fig{p}.png").is_file(), (tree / "smk.log").read_text()[-3000:]


def test_sheet_copy_is_untouched(tree, real_fixtures):
    for src, *_ in RUNS:
        name = src.split("/")[1]
        assert (tree / f"data/raw/{DS}/echem/{name}").read_bytes() == (real_fixtures / src).read_bytes()
    shutil.rmtree(tree / ".snakemake", ignore_errors=True)
