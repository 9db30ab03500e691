"""Virtual lab of AFM maps (llzo.lab.maps): real-format files, determinism, truth."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from llzo.io.afm import canonical_channels, read_afm
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
    return {"maps": m}


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
    assert np.median(e) == pytest.approx(cfg["maps"]["modulus"]["modulus_gi_GPa"] * 1e9, rel=0.05)


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
