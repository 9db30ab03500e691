"""Virtual lab, memristor domain: files in the contract's format, determinism, physics of Fig. 6."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from llzo.io.sheets import read_sheet
from llzo.io.sweeps import read_sweep_csv
from llzo.lab import memristor
from llzo.lab.demo import SHEET_COLUMNS, domain_rng, write_sheet


def _write(tmp: Path, lab_cfg: dict, seed: int = 7) -> tuple[list[dict], pd.DataFrame]:
    raw, truth = tmp / "raw", tmp / "truth"
    raw.mkdir(parents=True)
    truth.mkdir(parents=True)
    rows = memristor.write(raw, truth, lab_cfg, domain_rng(seed, "memristor"))["sweeps"]
    write_sheet(rows, SHEET_COLUMNS["sweeps"], raw / "sweeps.tsv")
    return rows, pd.read_csv(truth / "memristor_truth.tsv", sep="\t")


@pytest.fixture(scope="module")
def demo(tmp_path_factory, config):
    tmp = tmp_path_factory.mktemp("memlab")
    rows, truth = _write(tmp, copy.deepcopy(config["lab"]))
    return tmp, rows, truth


def test_rows_and_files_follow_the_contract(demo, config):
    tmp, rows, truth = demo
    sheet = read_sheet(tmp / "raw", "sweeps")
    assert len(sheet) == len(config["lab"]["memristor"]["devices"])
    assert (sheet["protocol"] == "memristor").all()
    assert sheet["sweep_id"].str.startswith("mem_").all()
    for row in rows:
        assert row["file"].startswith("sweeps/mem_") and row["file"].endswith(".csv")
        df = read_sweep_csv(tmp / "raw" / row["file"])
        assert list(df.columns) == ["time_s", "bias_V", "current_A", "cycle"]
        assert df["cycle"].iloc[0] == 1
        assert (np.abs(df["current_A"]) <= row["compliance_A"]).all()
        n_cyc = int(truth.loc[truth["sweep_id"] == row["sweep_id"], "cycle"].max())
        assert df["cycle"].max() == n_cyc


def test_same_seed_gives_identical_bytes(tmp_path, config):
    digests = []
    for k in range(2):
        _write(tmp_path / str(k), copy.deepcopy(config["lab"]), seed=11)
        files = sorted((tmp_path / str(k)).rglob("*.*"))
        digests.append({f.relative_to(tmp_path / str(k)): hashlib.sha256(f.read_bytes()).hexdigest() for f in files})
    assert digests[0] == digests[1]


def test_tip_physics_as_in_the_paper(demo):
    _, _, truth = demo
    tip = truth[truth["electrode"] == "tip"]
    late = tip[tip["cycle"] > 10]
    assert len(tip) == 200
    assert abs(late["set_bias_V"].median() - (-0.25)) < 0.02
    assert tip["set_bias_V"].notna().all() and tip["reset_bias_V"].notna().all()  # reset always succeeds
    assert 3e4 < late["on_off"].median() < 3e5
    assert late["on_off"].max() / late["on_off"].min() < 3  # roughly constant after forming
    # the first cycles set at a larger bias (forming)
    assert tip.loc[tip["cycle"] == 1, "set_bias_V"].iloc[0] < late["set_bias_V"].median() - 0.03


def test_large_pad_sets_once_and_hardly_resets(demo):
    _, _, truth = demo
    pads = truth[truth["electrode"] == "pad"]
    big = pads[pads["pad_side_um"] == pads["pad_side_um"].max()]
    assert big["set_bias_V"].notna().sum() == 1
    assert big["reset_bias_V"].notna().sum() == 0
    assert big["on_off"].max() < 10
    # intermediate pads: more reversible than the big pad, less stable than the tip
    med = pads.groupby("pad_side_um")["on_off"].median()
    assert med.is_monotonic_decreasing


def test_reversibility_law():
    assert memristor.reversibility(0.007, 150.0, 3.0) > 0.999999
    assert memristor.reversibility(500.0, 150.0, 3.0) < 0.5
    d = memristor.tip_contact_diameter_um(20.0, 400.0, 145.0)
    assert 0.005 < d < 0.01  # ~7 nm contact (area ~30 nm2, Eq. 1)
