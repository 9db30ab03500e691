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
from llzo.lab.instrument import interface_current_A


def _write(tmp: Path, lab_cfg: dict, seed: int = 7) -> tuple[list[dict], pd.DataFrame]:
    raw, truth = tmp / "raw", tmp / "truth"
    raw.mkdir(parents=True)
    truth.mkdir(parents=True)
    rows = memristor.write(raw, truth, lab_cfg, domain_rng(seed, "memristor"))["sweeps"]
    write_sheet(rows, SHEET_COLUMNS["sweeps"], raw / "sweeps.tsv")
    return rows, pd.read_csv(truth / "memristor_truth.tsv", sep="\t")


def _read(t: pd.DataFrame, read_V: float) -> tuple[np.ndarray, np.ndarray]:
    from llzo.lab.truth import read_currents

    return read_currents(t, read_V)


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
        assert df["cycle"].max() == int(truth.loc[truth["sweep_id"] == row["sweep_id"], "cycle"].max())


def test_same_seed_gives_identical_bytes(tmp_path, config):
    digests = []
    for k in range(2):
        _write(tmp_path / str(k), copy.deepcopy(config["lab"]), seed=11)
        files = sorted((tmp_path / str(k)).rglob("*.*"))
        digests.append({f.relative_to(tmp_path / str(k)): hashlib.sha256(f.read_bytes()).hexdigest() for f in files})
    assert digests[0] == digests[1]


def test_tip_hrs_is_the_contacts_ionic_current_below_the_instrument_floor(demo, config):
    tmp, rows, truth = demo
    tip = truth[truth["electrode"] == "tip"]
    floor = config["lab"]["tip_instrument"]["noise_floor_A"]
    hrs, lrs = _read(tip[tip["cycle"] > 10], -0.1)
    assert hrs.max() < 1e-3 * floor  # femtoamperes: "not measurable" (paper)
    # the same contact physics as the trigger sweeps: ASR / A of the Hertz contact
    r = tip.iloc[0]
    assert r.r_interface_ohm > 1e15
    # what the instrument records on the HRS branch is its noise floor
    df = read_sweep_csv(tmp / "raw" / rows[0]["file"])
    first = df[(df["cycle"] == 12) & (df["bias_V"] < 0) & (df["bias_V"] > -0.2)].iloc[:10]
    assert 0.2 * floor < np.std(first["current_A"]) < 3 * floor
    # on/off the instrument can see: LRS over the floor, ~1e5 as in the paper (Fig. 6g-i)
    assert 2e4 < np.median(lrs) / floor < 5e5


def test_tip_switching_as_in_the_paper(demo):
    _, _, truth = demo
    tip = truth[truth["electrode"] == "tip"]
    late = tip[tip["cycle"] > 10]
    assert len(tip) == 200
    assert abs(late["set_bias_V"].median() - (-0.25)) < 0.02  # settles near -0.25 V (Fig. 6f)
    assert tip["set_bias_V"].notna().all() and tip["reset_bias_V"].notna().all()  # reset always succeeds
    assert tip.loc[tip["cycle"] == 1, "set_bias_V"].iloc[0] < late["set_bias_V"].median() - 0.03  # forming


def test_set_bias_emerges_from_the_kinetics(config):
    """A slower sweep sets at a smaller bias: the set is a rate process, not a configured bias."""
    m = copy.deepcopy(config["lab"]["memristor"])
    dev = {**m["device_defaults"], **m["devices"][0], "cycles": 40}
    inst_cfg = config["lab"]["tip_instrument"]
    from llzo.lab.instrument import Instrument

    def median_set(period_s):
        mm = {**m, "sample_period_s": period_s}
        _, t = memristor.simulate_device(dev, mm, 0.007, 3e15, 1e9, 0.0514, 0.0257, Instrument.from_config(inst_cfg),
                                         np.random.default_rng(3))
        return float(np.median([r["set_bias_V"] for r in t[10:]]))

    fast, slow = median_set(0.05), median_set(5.0)
    # 100x slower: the hazard integral reaches 1 earlier by kT/(alpha e) ln(100) ~ 40 mV
    assert slow - fast == pytest.approx(0.0257 / m["charge_number"] * np.log(100.0), abs=0.012)


def test_large_pad_sets_once_and_hardly_resets(demo):
    _, _, truth = demo
    pads = truth[truth["electrode"] == "pad"]
    big = pads[pads["pad_side_um"] == pads["pad_side_um"].max()]
    assert big["set_bias_V"].notna().sum() == 1
    assert big["reset_bias_V"].notna().sum() == 0
    hrs, lrs = _read(big, -0.1)
    assert (lrs / hrs).max() < 10
    # smaller pads: the contact's ionic current falls with the area (same ASR physics as the sweeps)
    g = pads.groupby("pad_side_um")["r_interface_ohm"].first()
    assert g.is_monotonic_decreasing


def test_interface_current_with_series_resistance():
    v = np.linspace(-0.4, 0.4, 81)
    i = interface_current_A(v, 1e6, 0.0, 0.0514)
    assert i == pytest.approx(0.0514 / 1e6 * np.sinh(v / 0.0514), rel=1e-9)
    i2 = interface_current_A(v, 1e6, 1e6, 0.0514)
    assert np.all(np.abs(i2) <= np.abs(i) + 1e-18) and np.all(np.abs(i2) <= np.abs(v) / 1e6 + 1e-18)
    # the series resistance linearises: V = V0 asinh(I R / V0) + I R_s holds
    assert 0.0514 * np.arcsinh(i2 * 1e6 / 0.0514) + i2 * 1e6 == pytest.approx(v, abs=1e-9)


def test_reversibility_law():
    assert memristor.reversibility(0.007, 150.0, 3.0) > 0.999999
    assert memristor.reversibility(500.0, 150.0, 3.0) < 0.5
    d = memristor.tip_contact_diameter_um(20.0, 400.0, 145.0)
    assert 0.005 < d < 0.01  # ~7 nm contact (area ~30 nm2, Eq. 1)
