"""One ensemble member end to end: CLI, NetCDF output, determinism, claim inputs."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from llzo.cli import main
from llzo.fe.ensemble import design_table, member_table, read_index
from llzo.fe.store import read_netcdf


@pytest.fixture()
def small_fe(config) -> dict:
    fe = copy.deepcopy(config["fe"])
    fe.update(width_um=40.0, llzo_thickness_um=30.0, grain_size_um=8.0, cell_um=1.0, hl_thickness_um=6.0)
    fe["design"] = {"hl_sigma_S_cm": [1e-4, 1e-3], "hl_thickness_um": 8.0, "n_seeds": 1}
    return fe


def test_member_file_is_deterministic_and_complete(small_fe, tmp_path):
    cfg = json.dumps(small_fe)
    for name in ("a.nc", "b.nc"):
        assert main(["fe-solve", "--seed", "4", "--config", cfg, "--out", str(tmp_path / name)]) == 0
    assert (tmp_path / "a.nc").read_bytes() == (tmp_path / "b.nc").read_bytes()
    ds = read_netcdf(tmp_path / "a.nc")
    assert ds.attrs["seed"] == 4
    assert ds.attrs["conservation_bare"] < 1e-8 and ds.attrs["conservation_hl"] < 1e-8
    assert ds.attrs["hotspot_ratio"] >= 1.0
    # the HL carries the same mean current density in every row (insulating sides)
    np.testing.assert_allclose(ds["hl_jmean_A_cm2"], ds["hl_jmean_A_cm2"][0], rtol=1e-8)
    assert ds["phi_hl_V"].shape == (30 + 2 * 6, 40)
    (tmp_path / "members.txt").write_text("a.nc\nb.nc\n")
    table = member_table(read_index(tmp_path / "members.txt"))
    assert len(table) == 2 and table.hotspot_ratio.nunique() == 1


def test_design_map(small_fe, tmp_path):
    out = tmp_path / "d.nc"
    assert main(["fe-solve", "--design", "--seed", "1", "--config", json.dumps(small_fe), "--out", str(out)]) == 0
    (tmp_path / "design.txt").write_text("d.nc\n")
    dt = design_table(read_index(tmp_path / "design.txt"))
    assert list(dt.hl_sigma_S_cm) == [1e-4, 1e-3]
    assert (dt.hl_thickness_solved_um == 8.0).all()
