"""AFM map analysis (llzo.analysis.maps) against the virtual lab's truth."""

from __future__ import annotations

import copy
import json

import numpy as np
import pandas as pd
import pytest

from llzo.analysis import maps as am
from llzo.interim import load_maps, load_maps_meta, manifest_path
from llzo.lab import maps as lab
from llzo.lab.demo import domain_rng
from llzo.pipeline.ingest_maps import ingest


def test_plane_and_rows():
    rng = np.random.default_rng(1)
    z0 = rng.normal(0, 1e-10, (64, 80))
    yy, xx = np.mgrid[0:64, 0:80]
    z = z0 + 3e-9 * xx - 2e-9 * yy + rng.normal(0, 5e-9, 64)[:, None]
    lev = am.level_height(z)
    assert np.std(lev) < 2e-10
    ex = np.zeros_like(z, bool)
    ex[:, :10] = True
    zz = z0.copy()
    zz[:, :10] += 1.0  # a feature that must not shift the rows
    out = am.align_rows(zz + np.arange(64)[:, None], exclude=ex)
    assert np.abs(np.median(out[:, 10:], axis=1)).max() < 1e-12


def test_profiles_and_stats_synthetic():
    b = np.zeros((101, 101), bool)
    b[:, 50] = True
    d = am.distance_nm(b, 2e-9, 2e-9)
    assert d[0, 40] == pytest.approx(20.0)
    v = 100 - 20 * np.exp(-0.5 * (d / 10) ** 2)
    gb, gi = am.gb_gi_values(v, d, 10.0, 40.0)
    assert gb.max() <= 100 and np.median(gi) == pytest.approx(100, abs=1e-3)
    prof = am.binned_profile(v, d, 2.0, 60.0)
    assert prof["mean"].iloc[0] == pytest.approx(80.0)
    lines = am.profile_lines(b, d, 2e-9, 2e-9, 2, 40.0)
    assert len(lines) == 2 and np.allclose(np.abs(lines.nx), 1.0)
    s = am.sample_lines(v, lines, 2e-9, 2e-9, 40.0)
    mean = am.mean_line_profile(s)
    assert mean.loc[mean.distance_nm.abs().idxmin(), "mean"] == pytest.approx(80.0, abs=0.5)


def make(tmp_path, lab_config, overrides, seed):
    cfg = copy.deepcopy(lab_config)
    m = cfg["maps"]
    for k, kv in overrides.items():
        (cfg if k == "material" else m)[k].update(kv)
    m["maps"] = [{"map_id": "mod_a", "kind": "modulus", "stage": "pristine"},
                 {"map_id": "kpfm_a", "kind": "kpfm", "stage": "pristine"},
                 {"map_id": "cur_b", "kind": "current", "stage": "after_penetration", "bias_V": 0.1}]
    raw, truth, interim = tmp_path / "raw", tmp_path / "truth", tmp_path / "interim"
    rows = lab.write(raw, truth, {"maps": m, "material": cfg["material"]}, domain_rng(seed, "maps"))["maps"]
    from llzo.lab.demo import SHEET_COLUMNS, write_sheet

    write_sheet(rows, SHEET_COLUMNS["maps"], raw / "maps.tsv")
    ingest(raw, interim)
    return m, truth, interim


DATASETS = {
    "demo": ({}, 11),
    "other": ({"material": {"modulus_gi_GPa": 165.0},
               "modulus": {"modulus_drop_GPa": 30.0, "profile_sd_nm": 20.0, "grain_size_nm": 380.0},
               "kpfm": {"potential_gb_shift_mV": 6.0, "profile_sd_nm": 50.0, "potential_gi_mV": -120.0},
               "current": {"bumps": 6, "bump_height_nm": 20.0}}, 23),
}


@pytest.mark.parametrize("name", list(DATASETS))
def test_against_truth(tmp_path, lab_config, config, name, monkeypatch):
    import xarray as xr

    over, seed = DATASETS[name]
    _m, truth_dir, interim = make(tmp_path, lab_config, over, seed)
    a = config["analysis"]["maps"]
    truth = json.loads((truth_dir / "maps_truth.json").read_text())["maps"]
    for map_id in ("mod_a", "kpfm_a"):
        with xr.open_dataset(interim / "maps" / f"{map_id}.nc", engine="scipy") as ds:
            ds = ds.load()
        dx, dy = ds.attrs["pixel_size_x_m"], ds.attrs["pixel_size_y_m"]
        r = am.prepare_map(ds["height_m"].values, dx, dy, groove_sd_nm=a["groove_sd_nm"],
                           min_grain_area_nm2=a["min_grain_area_nm2"])
        tb = np.load(truth_dir / "maps" / f"{map_id}_boundary.npy")
        d_px = am.distance_nm(r["boundary"], 1e-9, 1e-9)
        assert np.mean(d_px[tb] <= 2.0) >= 0.90, map_id  # >= 90 % of true boundary pixels within 2 px
        t = truth[map_id]
        if map_id == "mod_a":
            v = ds["modulus_Pa"].values / 1e9
            prof = am.binned_profile(v, r["distance_nm"], dx * 1e9, a["profile_max_nm"])
            shape = np.exp(-0.5 * (prof.distance_nm / t["profile_sd_nm"]) ** 2)
            want = t["modulus_gi_GPa"] - t["modulus_drop_GPa"] * shape
            ok = prof["n"] >= 50
            # stated bias: DMT crosstalk on the groove walls (and the contact blur) only lower the modulus
            # there, by a few GPa; beyond the groove the profile is the material's
            dev = (prof["mean"] - want)[ok]
            walls = prof["distance_nm"][ok] < 3 * _m["surface"]["groove_width_nm"]
            assert dev.max() <= 1.5 and dev[walls].min() >= -7.0 and np.abs(dev[~walls]).max() <= 1.5  # GPa
            _gb, gi = am.gb_gi_values(v, r["distance_nm"], a["gb_band_nm"], a["gi_min_distance_nm"])
            assert np.median(gi) == pytest.approx(t["modulus_gi_GPa"], abs=1.0)
        else:
            v = am.align_rows(ds["potential_V"].values * 1e3, exclude=r["distance_nm"] <= a["gi_min_distance_nm"])
            prof = am.binned_profile(v, r["distance_nm"], dx * 1e9, a["profile_max_nm"])
            gi = np.median(am.gb_gi_values(v, r["distance_nm"], a["gb_band_nm"], a["gi_min_distance_nm"])[1])
            want = t["potential_gb_shift_mV"] * np.exp(-0.5 * (prof.distance_nm / t["profile_sd_nm"]) ** 2)
            tail = t["potential_gb_shift_mV"] * np.exp(-0.5 * (a["gi_min_distance_nm"] / t["profile_sd_nm"]) ** 2)
            ok = prof["n"] >= 50
            assert np.max(np.abs(prof["mean"][ok] - gi - want[ok])) <= 2.0 + abs(tail)  # mV
    # conductive bumps
    with xr.open_dataset(interim / "maps" / "cur_b.nc", engine="scipy") as ds:
        ds = ds.load()
    dx = ds.attrs["pixel_size_x_m"]
    bumps = am.detect_bumps(am.level_height(ds["height_m"].values), ds["current_A"].values, dx, dx,
                            a["bump_min_height_nm"], a["bump_min_area_nm2"])
    tb = truth["cur_b"]["bumps"]
    assert len(bumps) == len(tb)
    for b in tb:
        near = np.hypot(bumps.x_nm - b["x_nm"], bumps.y_nm - b["y_nm"]).min()
        assert near < 10.0
    assert (bumps.current_A > 100 * bumps.background_current_A).all()
    # the library functions the notebooks call give the same numbers, as claims
    params = am.MapsParams.from_config(a)
    res = am.maps_analysis(load_maps(interim, "modulus"), load_maps(interim, "kpfm"), params)
    claims = {c.claim_id: c for c in res.claims}
    monkeypatch.setenv("LLZO_WORKERS", "2")  # maps analysed in 2 worker processes: the same results
    res2 = am.maps_analysis(load_maps(interim, "modulus"), load_maps(interim, "kpfm"), params)
    assert [repr(c) for c in res2.claims] == [repr(c) for c in res.claims]
    pd.testing.assert_frame_equal(res2.profiles, res.profiles)
    assert list(claims) == ["modulus_gi_GPa", "modulus_gb_GPa", "modulus_drop_max_pct", "kpfm_gb_minus_gi_mV"]
    t = truth["mod_a"]
    assert claims["modulus_gi_GPa"].reproduced == pytest.approx(t["modulus_gi_GPa"], abs=1.0)
    true_drop = 100 * t["modulus_drop_GPa"] / t["modulus_gi_GPa"]
    assert claims["modulus_drop_max_pct"].reproduced == pytest.approx(true_drop, abs=3.0)
    assert claims["modulus_gb_GPa"].reproduced < claims["modulus_gi_GPa"].reproduced
    assert np.sign(claims["kpfm_gb_minus_gi_mV"].reproduced) == np.sign(truth["kpfm_a"]["potential_gb_shift_mV"])
    assert set(res.profiles.kind) == {"modulus", "kpfm"} and set(res.modulus_lines.kind) == {"modulus"}
    b = am.bump_analysis(load_maps(interim, "current"), am.BumpParams.from_config(a))
    assert len(b.table) == len(tb) and list(b.table.columns) == am.BUMP_COLUMNS


def test_maps_analysis_without_maps(config):
    res = am.maps_analysis([], [], am.MapsParams.from_config(config["analysis"]["maps"]))
    assert res.claims == [] and res.modulus is None and res.kpfm is None
    assert list(res.profiles.columns) == ["distance_nm", "mean", "sd", "n", "kind"] and res.profiles.empty
    b = am.bump_analysis([], am.BumpParams.from_config(config["analysis"]["maps"]))
    assert b.table.empty and list(b.table.columns) == am.BUMP_COLUMNS


def test_ingest_outputs_and_mask(tmp_path, lab_config):
    import pandas as pd

    cfg = copy.deepcopy(lab_config)["maps"]
    cfg["modulus"]["pixels"] = 96
    cfg["maps"] = [{"map_id": "m", "kind": "modulus", "stage": "pristine", "mask": True}]
    raw = tmp_path / "raw"
    rows = lab.write(raw, tmp_path / "t", {"maps": cfg, "material": lab_config["material"]},
                     domain_rng(3, "maps"))["maps"]
    from llzo.lab.demo import SHEET_COLUMNS, write_sheet

    write_sheet(rows, SHEET_COLUMNS["maps"], raw / "maps.tsv")
    ingest(raw, tmp_path / "i1")
    ingest(raw, tmp_path / "i2")
    assert (tmp_path / "i1/maps/m.nc").read_bytes() == (tmp_path / "i2/maps/m.nc").read_bytes()
    meta = load_maps_meta(tmp_path / "i1")
    assert bool(meta.has_mask.iloc[0]) and meta.nx.iloc[0] == 96
    man = pd.read_csv(manifest_path(tmp_path / "i1", "maps"), sep="\t")
    assert list(man.path) == ["maps.tsv", "maps/m.gwy", "maps/m_mask.png"]


def test_ingest_rejects_a_bad_map_and_names_its_file(tmp_path, lab_config):
    cfg = copy.deepcopy(lab_config)["maps"]
    cfg["current"]["pixels"] = 64
    cfg["maps"] = [{"map_id": "c", "kind": "current", "stage": "pristine", "bias_V": 0.1}]
    raw = tmp_path / "raw"
    rows = lab.write(raw, tmp_path / "t", {"maps": cfg, "material": lab_config["material"]},
                     domain_rng(3, "maps"))["maps"]
    rows[0]["kind"] = "modulus"  # a current map declared as modulus: no DMT Modulus channel
    from llzo.lab.demo import SHEET_COLUMNS, write_sheet

    write_sheet(rows, SHEET_COLUMNS["maps"], raw / "maps.tsv")
    outs = ingest(raw, tmp_path / "i")
    rej = pd.read_csv(outs["rejected"], sep="\t", dtype=str, keep_default_na=False)
    assert list(rej["map_id"]) == ["c"] and rej["file"].iat[0].endswith("c.gwy")
    assert "DMT Modulus" in rej["reason"].iat[0] and rej["kind"].iat[0] == "modulus"
    assert pd.read_parquet(outs["meta"]).empty and manifest_path(tmp_path / "i", "maps").exists()
