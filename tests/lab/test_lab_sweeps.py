"""Virtual lab: trigger sweeps (llzo.lab.sweeps)."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from llzo.lab import sweeps as lab
from llzo.lab.demo import domain_rng


def _small(lab_config: dict) -> dict:
    c = lab_config
    c["sweeps"].update(tip_distances_nm=[0, 1000], tip_sweeps_per_distance=[3, 3], hl_sweeps=2,
                       pad_sides_um=[5, 500], pad_sweeps_per_side=2, points_per_branch=200)
    return c


def _digest(folder) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_files(tmp_path, lab_config):
    cfg = _small(lab_config)
    out = []
    for k in range(2):
        raw, truth = tmp_path / f"raw{k}", tmp_path / f"truth{k}"
        raw.mkdir()
        truth.mkdir()
        rows = lab.write(raw, truth, cfg, domain_rng(7, "sweeps"))
        out.append((_digest(raw), _digest(truth), rows))
    assert out[0][0] == out[1][0] and out[0][1] == out[1][1]
    assert out[0][2] == out[1][2]


def test_default_plan_covers_the_issue(tmp_path, lab_config):
    raw, truth = tmp_path / "raw", tmp_path / "truth"
    raw.mkdir()
    truth.mkdir()
    rows = pd.DataFrame(lab.write(raw, truth, lab_config, domain_rng(1, "sweeps"))["sweeps"])
    assert (rows["protocol"] == "trigger").all()
    assert rows["sweep_id"].str.startswith("trig_").all() and rows["sweep_id"].is_unique
    assert rows["file"].str.startswith("sweeps/").all()
    tips = rows[(rows.electrode == "tip") & rows.site.isin(["GB", "GI"])]
    assert len(tips) >= 150
    assert tips.distance_to_gb_nm.min() == 0 and tips.distance_to_gb_nm.max() >= 2000
    assert (rows.site == "HL").sum() > 0 and rows[rows.site == "HL"].distance_to_gb_nm.isna().all()
    pads = rows[rows.electrode == "pad"]
    assert pads.pad_side_um.nunique() >= 3 and pads.pad_side_um.min() <= 5 and pads.pad_side_um.max() >= 500
    t = pd.read_csv(truth / "sweeps_truth.tsv", sep="\t")
    assert set(t.sweep_id) == set(rows.sweep_id)
    gi = t[t.sweep_id.isin(tips[tips.site == "GI"].sweep_id)]
    assert 0 < (~gi.triggered).sum() < len(gi) / 2  # some GI sweeps never trigger inside the window
    sizes = [(raw / f).stat().st_size for f in rows.file]
    assert max(sizes) < 100_000


def test_sweep_physics():
    rng = np.random.default_rng(3)
    bias = lab.bias_program_V(-10.0, 1e-3, 300)
    assert bias[0] == 0 and bias[-1] == 0 and bias.min() == pytest.approx(-10.0)
    area = lab.hertz_area_m2(20e-9, 400e-9, 145e9)
    assert 20e-18 < area < 40e-18  # ~30 nm2 (paper, Eq. 1)
    r_ion = lab.ionic_resistance_ohm(area, 1000.0, 5e-4)
    i, trig = lab.simulate_sweep(bias, -0.12, 300.0, r_ion, 1e-3, rng, noise_A=2e-13, offset_A=1e-13,
                                 relative_noise=0.0)
    assert trig
    k = int(np.argmax(bias <= -0.12))
    assert np.abs(i[:k]).max() < 2e-12  # ionic baseline below the pA noise floor
    assert i.min() == -1e-3  # clipped at the compliance
    back = slice(int(np.argmin(bias)), None)
    vb, ib = bias[back], i[back]
    ohmic = np.abs(ib) < 0.9e-3
    assert np.allclose(ib[ohmic], vb[ohmic] / 300.0, atol=1e-12)
    i2, trig2 = lab.simulate_sweep(bias, -12.0, 300.0, r_ion, 1e-3, rng, noise_A=2e-13, offset_A=0.0,
                                   relative_noise=0.0)
    assert not trig2 and np.abs(i2).max() < 2e-12


def test_tip_trigger_bias_decays_with_distance():
    d = np.array([0.0, 50.0, 200.0, 2000.0])
    v = lab.tip_trigger_bias_V(d, -0.12, -9.8, 50.0)
    assert v[0] == pytest.approx(-0.12) and v[-1] == pytest.approx(-9.8, rel=1e-6)
    assert np.all(np.diff(v) < 0)
    assert lab.pad_covers_gb_probability(20.0, 10.0) == 1.0
    assert lab.pad_covers_gb_probability(5.0, 10.0) == pytest.approx(0.75)
