"""Memristor analysis (Fig. 6e-i): set/reset detection, on/off at the read bias, claims."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from llzo.analysis.memristor import (
    CYCLE_COLUMNS,
    MemristorParams,
    analyse_cycle,
    device_summary,
    endurance_cycles,
    memristor_analysis,
    memristor_claims,
    memristor_cycles,
    returned_to_hrs,
)
from llzo.claims import evaluate
from llzo.interim import load_sweeps
from llzo.lab import memristor as lab
from llzo.lab.demo import SHEET_COLUMNS, domain_rng, write_sheet
from llzo.lab.truth import read_currents
from llzo.pipeline.ingest_sweeps import ingest

REPO = Path(__file__).resolve().parents[2]


def _dataset(tmp: Path, lab_cfg: dict, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Write a lab dataset (memristor domain only), ingest it, return meta, data, truth."""
    raw, truth_dir, interim = tmp / "raw", tmp / "truth", tmp / "interim"
    for d in (raw, truth_dir, interim):
        d.mkdir(parents=True)
    rows = lab.write(raw, truth_dir, lab_cfg, domain_rng(seed, "memristor"))["sweeps"]
    write_sheet(rows, SHEET_COLUMNS["sweeps"], raw / "sweeps.tsv")
    ingest(raw, interim)
    return (*load_sweeps(interim), pd.read_csv(truth_dir / "memristor_truth.tsv", sep="\t"))


def _compare(cycles: pd.DataFrame, truth: pd.DataFrame, read_V: float, floor_A: float) -> pd.DataFrame:
    """Per-cycle detection and on/off against the truth's noise-free states.

    Where the HRS is measurable (pads) the on/off ratio matches the truth; at the tip the HRS is
    femtoamperes, below the instrument's floor, so the measured on/off is a lower bound of the true
    one, close to LRS / floor.
    """
    hrs, lrs = read_currents(truth, read_V)
    truth = truth.assign(on_off_t=lrs / hrs, lrs_t=lrs, hrs_t=hrs)
    m = cycles.merge(truth, on=["sweep_id", "cycle"], suffixes=("", "_t"), validate="one_to_one")
    assert len(m) == len(truth)
    for sid, g in m.groupby("sweep_id"):
        # a set too small for switch_factor (the thick filament of the largest pad) may be missed once
        allowed = max(1, int(0.03 * len(g)))
        assert (g["set_detected"] != g["set_bias_V_t"].notna()).sum() <= allowed, sid
        assert (g["reset_detected"] != g["reset_bias_V_t"].notna()).sum() <= allowed, sid
        s = g[g["set_detected"] & g["set_bias_V_t"].notna()]
        assert (np.abs(s["set_bias_V"].astype(float) - s["set_bias_V_t"]) > 0.010).sum() <= max(1, 0.05 * len(s)), sid
    pad = m[(m["electrode"] == "pad") & (m["hrs_t"] > 10 * floor_A)]
    ratio = pad["on_off"] / pad["on_off_t"]
    assert ratio.between(1 / 1.5, 1.5).mean() >= 0.97, pad.loc[~ratio.between(1 / 1.5, 1.5)]
    tip = m[(m["electrode"] == "tip") & (m["on_off_t"] > 10)]  # cycles that reached the LRS
    assert (m.loc[m["electrode"] == "tip", "hrs_t"] < floor_A / 100).all()
    assert (tip["on_off"] < tip["on_off_t"]).all()  # a lower bound of the true ratio
    assert 0.2 < float(np.median(tip["on_off"] / (tip["lrs_t"] / floor_A))) < 5
    return m


@pytest.fixture(scope="module")
def params(config) -> MemristorParams:
    return MemristorParams.from_config(config["analysis"]["memristor"])


@pytest.fixture(scope="module")
def demo(tmp_path_factory, config, params):
    meta, data, truth = _dataset(tmp_path_factory.mktemp("memdemo"), copy.deepcopy(config["lab"]), config["lab_seed"])
    return memristor_cycles(meta, data, params), truth


def test_demo_cycles_match_truth(demo, params, config):
    cycles, truth = demo
    _compare(cycles, truth, params.read_bias_V, config["lab"]["tip_instrument"]["noise_floor_A"])
    assert list(cycles.columns) == CYCLE_COLUMNS
    for col in ("I_HRS_A", "I_LRS_A", "on_off", "outcome", "set_detected", "reset_detected"):
        assert cycles[col].notna().all()
    assert np.isfinite(cycles["on_off"]).all()


def test_demo_claims_pass(demo, params):
    cycles, _ = demo
    paper = yaml.safe_load((REPO / "workflow/config/paper_claims.yaml").read_text(encoding="utf-8"))
    claims = memristor_claims(cycles, params)
    assert [c.claim_id for c in claims] == ["memristor_tip_on_off", "memristor_tip_set_V", "memristor_pad_on_off",
                                            "memristor_pad_resets"]
    for c in claims:
        p = paper[c.claim_id]
        status = evaluate(float(p["paper_value"]), p["relation"], float(p["tolerance"]), c.reproduced, c.bound)
        assert status == "pass", c
    tip = {c.claim_id: c for c in claims}["memristor_tip_on_off"]
    assert tip.ci_low <= tip.reproduced <= tip.ci_high and "after the first 10" in tip.note


def test_demo_device_summary(demo, params):
    cycles, _ = demo
    dev = device_summary(cycles, params).set_index("sweep_id")
    tip = dev[dev["electrode"] == "tip"].iloc[0]
    assert tip["endurance_cycles"] == 200 and tip["endurance_censored"]
    assert abs(tip["set_trend_mV_per_cycle"]) < 0.2  # settled: flat after forming
    pads = dev[dev["electrode"] == "pad"].sort_values("pad_side_um")
    assert pads["endurance_cycles"].is_monotonic_decreasing
    assert pads["n_reset"].iloc[-1] == 0  # the big pad never resets


def test_second_dataset_with_other_values_is_recovered(tmp_path, config, params):
    cfg = copy.deepcopy(config["lab"])
    m = cfg["memristor"]
    tip = m["devices"][0]
    assert tip["electrode"] == "tip"
    tip.update({"cycles": 60, "first_set_barrier_eV": 1.85, "set_barrier_eV": 1.64, "set_limit_V": -0.45,
                "reset_barrier_eV": 2.5, "lrs_conductance_S": 1.0e-6})
    m["devices"] = [tip,
                    {"electrode": "pad", "pad_side_um": 30.0, "cycles": 25, "first_set_barrier_eV": 1.78,
                     "set_barrier_eV": 1.6, "reset_barrier_eV": 2.3, "lrs_conductance_S": 1e-5},
                    {"electrode": "pad", "pad_side_um": 300.0, "cycles": 12, "first_set_barrier_eV": 1.5,
                     "set_barrier_eV": 1.5, "reset_barrier_eV": 3.0, "lrs_conductance_S": 1.5e-6}]
    m["charge_number"] = 2.2
    cfg["tip_instrument"]["noise_floor_A"] = 3e-12
    meta, data, truth = _dataset(tmp_path, cfg, seed=99)
    cycles = memristor_cycles(meta, data, params)
    _compare(cycles, truth, params.read_bias_V, 3e-12)
    vals = {c.claim_id: c for c in memristor_claims(cycles, params)}
    late = truth[(truth["electrode"] == "tip") & (truth["cycle"] > params.forming_cycles)]
    assert abs(vals["memristor_tip_set_V"].reproduced - late["set_bias_V"].median()) <= 0.010
    assert late["set_bias_V"].median() < -0.3  # not the demo's -0.25 V
    big = truth[truth["pad_side_um"] == 300.0]
    h, l_ = read_currents(big, params.read_bias_V)
    assert 1 / 1.5 < vals["memristor_pad_on_off"].reproduced / (l_ / h).max() < 1.5
    assert vals["memristor_pad_resets"].reproduced == 0


def _cycle(set_at: float | None, reset_at: float | None, n: int = 200, G_hrs: float = 1e-10,
           G_lrs: float = 1e-5, start_lrs: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A synthetic noise-free cycle 0 -> -0.4 -> 0 -> 1 -> 0 with a set/reset at given biases."""
    q = n // 4
    V = np.concatenate([np.linspace(0, -0.4, q, endpoint=False), np.linspace(-0.4, 0, q, endpoint=False),
                        np.linspace(0, 1.0, q, endpoint=False), np.linspace(1.0, 0, q, endpoint=False)])
    on = start_lrs
    I = np.empty(n)
    for k, v in enumerate(V):
        if set_at is not None and not on and k < 2 * q and v <= set_at:
            on = True
        if reset_at is not None and on and k >= 2 * q and v >= reset_at:
            on = False
        I[k] = G_hrs * 0.1 * np.sinh(v / 0.1) + (G_lrs * v if on else 0.0)
    return V, I


def test_cycle_without_set_is_reported_as_such():
    p = MemristorParams()
    V, I = _cycle(None, None)
    r = analyse_cycle(V, I, p)
    assert r.set_bias_V is None and r.reset_bias_V is None
    assert np.isfinite(r.on_off) and r.on_off == pytest.approx(1.0, rel=1e-6)
    # inside a multi-cycle sweep: a "no set" row, not a crash or a NaN
    Vs, Is = _cycle(-0.25, 0.5)
    sweep = pd.DataFrame({"cycle": np.repeat([1, 2, 3], V.size), "time_s": np.arange(3 * V.size) * 0.05,
                          "bias_V": np.concatenate([Vs, V, Vs]), "current_A": np.concatenate([Is, I, Is])})
    sweep["sweep_id"] = "mem_x"
    meta = pd.DataFrame({"sweep_id": ["mem_x"], "protocol": ["memristor"], "electrode": ["tip"]})
    t = memristor_cycles(meta, sweep, p)
    assert list(t["outcome"]) == ["set, reset", "no set, no reset", "set, reset"]
    assert not t[["I_HRS_A", "I_LRS_A", "on_off", "outcome", "set_detected"]].isna().any().any()
    assert t.loc[1, "set_bias_V"] is pd.NA
    assert t.loc[0, "set_bias_V"] == pytest.approx(-0.25, abs=0.01)
    hrs = 1e-11 * np.sinh(-1.0)
    assert t.loc[0, "on_off"] == pytest.approx(abs(1e-5 * -0.1 + hrs) / abs(hrs), rel=0.05)


def test_set_without_reset_and_lrs_start():
    p = MemristorParams()
    r = analyse_cycle(*_cycle(-0.3, None), p)
    assert r.set_bias_V == pytest.approx(-0.3, abs=0.01) and r.reset_bias_V is None
    r = analyse_cycle(*_cycle(None, 0.6, start_lrs=True), p)
    assert r.set_bias_V is None and r.reset_bias_V == pytest.approx(0.6, abs=0.03)
    assert r.on_off == pytest.approx(1.0, rel=1e-6)


def test_set_between_read_bias_samples_does_not_mix_states():
    p = MemristorParams(read_bias_V=-0.1)
    V, I = _cycle(-0.1, 0.5, n=160)  # the set sample is the first one past the read bias
    r = analyse_cycle(V, I, p)
    assert r.set_bias_V is not None
    hrs = 1e-10 * 0.1 * np.sinh(-1.0)
    assert r.I_HRS_A == pytest.approx(hrs, rel=0.3)


def test_endurance_and_returns():
    assert endurance_cycles(np.array([2, 50, 40, 20, 5, 30]), 10) == (3, False)
    assert endurance_cycles(np.array([50, 40]), 10) == (2, True)
    assert endurance_cycles(np.array([2, 3]), 10) == (0, False)
    hrs = np.array([1.0, 1.5, 5.0, 5.0, 1.2])
    lrs = np.array([5.0, 6.0, 5.0, 6.0, 6.0])
    assert returned_to_hrs(hrs, lrs, 2.0).tolist() == [True, False, False, True, False]


def test_no_memristor_sweeps_gives_empty_results(params):
    meta = pd.DataFrame({"sweep_id": ["t1"], "protocol": ["trigger"], "electrode": ["tip"]})
    data = pd.DataFrame({"sweep_id": ["t1"], "cycle": [1], "time_s": [0.0], "bias_V": [0.0], "current_A": [0.0]})
    cycles = memristor_cycles(meta, data, params)
    assert cycles.empty and list(cycles.columns) == CYCLE_COLUMNS
    assert device_summary(cycles, params).empty
    assert memristor_claims(cycles, params) == []
    res = memristor_analysis(meta, data, params)
    assert res.cycles.empty and res.devices.empty and res.claims == []


def test_truncated_cycles_do_not_crash():
    p = MemristorParams()
    V, I = _cycle(-0.25, 0.5)
    r = analyse_cycle(V[V.size // 2:], I[I.size // 2:], p)  # only the positive half
    assert r.set_bias_V is None and np.isnan(r.on_off)
    r = analyse_cycle(V[:40], I[:40], p)  # aborted before the negative vertex
    assert r.set_bias_V == pytest.approx(-0.25, abs=0.01)
    assert analyse_cycle(np.array([]), np.array([]), p).set_bias_V is None
    sweep = pd.DataFrame({"sweep_id": "mem_t", "cycle": [1] * V.size + [2] * 20, "time_s": np.arange(V.size + 20.0),
                          "bias_V": np.concatenate([V, V[100:120]]), "current_A": np.concatenate([I, I[100:120]])})
    meta = pd.DataFrame({"sweep_id": ["mem_t"], "protocol": ["memristor"], "electrode": ["tip"]})
    t = memristor_cycles(meta, sweep, p)
    assert t.loc[1, "outcome"].endswith("not read (truncated cycle)")
    vals = {c.claim_id: c for c in memristor_claims(t, MemristorParams(forming_cycles=0))}
    assert np.isfinite(vals["memristor_tip_on_off"].reproduced)


def test_noise_floor_hrs_gives_no_false_switches():
    """An HRS below the instrument floor (a nano-contact): |I|/|V| is noise / V, never a set or reset."""
    p = MemristorParams()
    rng = np.random.default_rng(8)
    false_sets = false_resets = 0
    for _ in range(300):
        V, I = _cycle(None, None, G_hrs=1e-16)
        I = I + 1e-11 * rng.standard_normal(I.size) + rng.uniform(-5e-12, 5e-12)
        r = analyse_cycle(V, I, p)
        false_sets += r.set_bias_V is not None
        false_resets += r.reset_bias_V is not None
    assert false_sets <= 3 and false_resets <= 3
    V, I = _cycle(-0.25, 0.5, G_hrs=1e-16)
    r = analyse_cycle(V, I + 1e-11 * rng.standard_normal(I.size), p)
    assert r.set_bias_V == pytest.approx(-0.25, abs=0.01) and r.reset_bias_V == pytest.approx(0.5, abs=0.05)
