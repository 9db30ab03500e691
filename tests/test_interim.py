"""The interim data (llzo.interim): one set of names, writers and loaders that round-trip."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from llzo import interim

MANIFEST = pd.DataFrame({"path": ["x.tsv"], "bytes": [3], "sha256": ["0" * 64]})


def test_names():
    # every ingest also writes the list of the files it could not use (llzo.pipeline.rejects)
    assert interim.FILES["sweeps"] == ("sweeps_meta.parquet", "sweeps.parquet", "rejected_sweeps.tsv",
                                       "manifest_sweeps.tsv")
    assert interim.FILES["maps"] == ("maps_meta.parquet", "maps/", "rejected_maps.tsv", "manifest_maps.tsv")
    assert interim.FILES["echem"] == ("echem_meta.parquet", "echem_eis.parquet", "echem_cycling.parquet",
                                      "rejected_echem.tsv", "manifest_echem.tsv")
    assert interim.data_paths("data/interim/d", ["sweeps", "maps"]) == [
        "data/interim/d/sweeps_meta.parquet", "data/interim/d/sweeps.parquet", "data/interim/d/maps_meta.parquet",
        "data/interim/d/maps"]
    assert interim.manifest_path("i", "echem").as_posix() == "i/manifest_echem.tsv"
    with pytest.raises(ValueError, match="unknown sample sheet"):
        interim.manifest_name("sweep")


def test_sweeps_round_trip_and_protocol_filter(tmp_path):
    meta = pd.DataFrame({"sweep_id": ["t1", "m1", "t2"], "protocol": ["trigger", "memristor", "trigger"]})
    data = pd.DataFrame({"sweep_id": ["t1", "t1", "m1", "t2"], "cycle": [1, 1, 1, 1], "time_s": [0.0, 1, 0, 0],
                         "bias_V": [0.0, -1, 0, 0], "current_A": [0.0, 1e-9, 0, 0]})
    outs = interim.write_sweeps(tmp_path, meta, data, MANIFEST)
    assert outs["manifest"].stat().st_mtime_ns >= outs["data"].stat().st_mtime_ns  # manifest written last
    m, d = interim.load_sweeps(tmp_path)
    pd.testing.assert_frame_equal(m, meta)
    pd.testing.assert_frame_equal(d, data)
    m, d = interim.load_sweeps(tmp_path, protocol="trigger")
    assert list(m["sweep_id"]) == ["t1", "t2"] and list(d["sweep_id"]) == ["t1", "t1", "t2"]
    m, d = interim.load_sweeps(tmp_path, protocol="nothing")
    assert m.empty and d.empty and list(d.columns) == list(data.columns)


def test_maps_round_trip(tmp_path):
    def one(map_id, kind):
        ds = xr.Dataset({"height_m": (("y_m", "x_m"), np.arange(6.0).reshape(2, 3) * 1e-9)},
                        coords={"y_m": [0.5e-9, 1.5e-9], "x_m": [0.5e-9, 1.5e-9, 2.5e-9]})
        ds.attrs = {"map_id": map_id, "kind": kind, "stage": "pristine", "bias_V": np.nan,
                    "pixel_size_x_m": 1e-9, "pixel_size_y_m": 1e-9}
        return ds
    maps = [one("a", "modulus"), one("b", "kpfm"), one("c", "modulus")]
    meta = pd.DataFrame({"map_id": ["a", "b", "c"], "kind": ["modulus", "kpfm", "modulus"],
                         "nc_file": [interim.map_file(m) for m in "abc"]})
    interim.write_maps(tmp_path, meta, maps, MANIFEST)
    assert sorted(p.name for p in (tmp_path / "maps").iterdir()) == ["a.nc", "b.nc", "c.nc"]
    got = interim.load_maps(tmp_path, kind="modulus")
    assert [g.attrs["map_id"] for g in got] == ["a", "c"]
    xr.testing.assert_identical(got[1], maps[2])
    assert len(interim.load_maps(tmp_path)) == 3
    pd.testing.assert_frame_equal(interim.load_maps_meta(tmp_path), meta)


def test_echem_by_technique(tmp_path):
    meta = pd.DataFrame({"run_id": ["e1", "c1", "s1"], "technique": ["PEIS", "CCD", "SYM"]})
    eis = pd.DataFrame({"run_id": ["e1"], "freq_Hz": [1e3], "re_Z_ohm": [1.0], "minus_im_Z_ohm": [0.1]})
    cyc = pd.DataFrame({"run_id": ["c1", "s1", "c1"], "time_s": [0.0, 0, 1], "Ewe_V": [0.1, 0.2, 0.3],
                        "I_mA": [1.0, 1, 1]})
    rejected = pd.DataFrame({"file": ["echem/x.mpt"], "run_id": ["x1"], "reason": ["truncated file"]})
    outs = interim.write_echem(tmp_path, meta, eis, cyc, rejected, MANIFEST)
    assert outs["manifest"].stat().st_mtime_ns >= outs["rejected"].stat().st_mtime_ns  # manifest written last
    assert pd.read_csv(outs["rejected"], sep="\t").equals(rejected)
    runs, data = interim.load_echem(tmp_path, "CCD")
    assert list(runs["run_id"]) == ["c1"] and list(data["Ewe_V"]) == [0.1, 0.3]
    runs, data = interim.load_echem(tmp_path, "PEIS")
    assert list(runs["run_id"]) == ["e1"] and list(data.columns) == list(eis.columns)
    runs, data = interim.load_echem(tmp_path, "FULL")
    assert runs.empty and data.empty
