"""Virtual lab of AFM maps (llzo.lab.maps): real-format files, determinism, truth, instrument artefacts."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from llzo.io.afm import canonical_channels, read_afm, read_mask
from llzo.lab import maps as lab
from llzo.lab.demo import domain_rng


def small_cfg(lab_config):
    cfg = copy.deepcopy(lab_config)
    m = cfg["maps"]
    for k in ("modulus", "kpfm", "current"):
        m[k]["pixels"] = 128
    m["modulus"]["scan_size_um"] = 0.5
    m["modulus"]["grain_size_nm"] = 200.0
    m["maps"] = [{"map_id": "m1", "kind": "modulus", "stage": "pristine", "mask": True},
                 {"map_id": "k1", "kind": "kpfm", "stage": "pristine"},
                 {"map_id": "c1", "kind": "current", "stage": "after_penetration", "bias_V": 0.1}]
    return {"maps": m, "material": cfg["material"]}


def test_write_files_and_truth(tmp_path, lab_config):
    cfg = small_cfg(lab_config)
    rows = lab.write(tmp_path / "raw", tmp_path / "truth", cfg, domain_rng(1, "maps"))["maps"]
    assert [r["map_id"] for r in rows] == ["m1", "k1", "c1"]
    assert rows[0]["mask_file"] == "maps/m1_mask.png" and rows[1]["mask_file"] == ""
    want = {"m1": ("DMT Modulus", "Pa"), "k1": ("Potential", "V"), "c1": ("Current", "A")}
    for r in rows:
        ch = canonical_channels(read_afm(tmp_path / "raw" / r["file"]), r["file"])
        title, unit = want[r["map_id"]]
        assert set(ch) == {"Height", title} and ch[title].attrs["units"] == unit
        size = cfg["maps"][r["kind"]]["scan_size_um"] * 1e-6
        assert ch["Height"].attrs["pixel_size_x_m"] == pytest.approx(size / 128)
        assert np.load(tmp_path / "truth" / "maps" / f"{r['map_id']}_boundary.npy").shape == (128, 128)
    truth = json.loads((tmp_path / "truth" / "maps_truth.json").read_text())
    assert len(truth["maps"]["c1"]["bumps"]) == cfg["maps"]["current"]["bumps"]
    e = canonical_channels(read_afm(tmp_path / "raw/maps/m1.gwy"), "m1")["DMT Modulus"].values
    assert np.median(e) == pytest.approx(cfg["material"]["modulus_gi_GPa"] * 1e9, rel=0.05)


def test_hand_traced_mask_is_close_to_but_not_the_truth(tmp_path, lab_config):
    cfg = small_cfg(lab_config)
    cfg["maps"]["maps"] = cfg["maps"]["maps"][:1]
    lab.write(tmp_path / "raw", tmp_path / "truth", cfg, domain_rng(4, "maps"))
    traced = read_mask(tmp_path / "raw/maps/m1_mask.png", (128, 128))
    true = np.load(tmp_path / "truth/maps/m1_boundary.npy")
    assert not np.array_equal(traced, true)
    d_true = np.load(tmp_path / "truth/maps/m1_distance_nm.npy")
    sd = cfg["maps"]["tracing"]["trace_sd_nm"]
    px = cfg["maps"]["modulus"]["scan_size_um"] * 1e3 / 128
    assert np.median(d_true[traced]) < sd + px and np.quantile(d_true[traced], 0.95) < 4 * sd + px


def test_deterministic(tmp_path, lab_config):
    cfg = small_cfg(lab_config)
    for d in ("a", "b"):
        lab.write(tmp_path / d / "raw", tmp_path / d / "truth", cfg, domain_rng(7, "maps"))
    for name in ("m1.gwy", "k1.gwy", "c1.gwy", "m1_mask.png"):
        assert (tmp_path / "a/raw/maps" / name).read_bytes() == (tmp_path / "b/raw/maps" / name).read_bytes()


def test_voronoi_distance_is_distance_to_edges():
    rng = np.random.default_rng(0)
    d, gid, _ = lab.voronoi_distance_m(64, 64, 1e-9, 20e-9, rng)
    assert d.min() >= 0
    # neighbouring pixels of different grains are within a pixel of an edge
    diff = gid[:, 1:] != gid[:, :-1]
    assert np.all(np.minimum(d[:, 1:], d[:, :-1])[diff] <= 1e-9)


def test_tip_dilation_fills_narrow_grooves_and_keeps_flats():
    dx, R = 1e-9, 20e-9
    x = (np.arange(101) - 50) * dx
    for w, kept in ((3e-9, False), (30e-9, True)):
        z = np.tile(-4e-9 * np.exp(-0.5 * (x / w) ** 2), (5, 1))
        rec = lab.tip_dilation(z, dx, R, 6e-9)
        assert np.all(rec >= z - 1e-18)  # the tip never records below the surface
        depth = -rec[2].min()
        assert (depth > 3.6e-9) == kept  # a groove much narrower than the tip is recorded shallower
    flat = np.zeros((7, 7))
    assert np.array_equal(lab.tip_dilation(flat, dx, R, 6e-9), flat)


def test_drift_shears_the_recorded_positions():
    p0 = lab._pixel_positions_m(4, 3, 1e-9)
    p1 = lab._pixel_positions_m(4, 3, 1e-9, drift_m_per_line=(0.5e-9, 0.0))
    shift = (p1 - p0)[:, 0].reshape(3, 4)
    assert np.allclose(shift, np.arange(3)[:, None] * 0.5e-9)
