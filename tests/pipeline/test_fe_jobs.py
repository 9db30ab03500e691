"""One ensemble member end to end: CLI, NetCDF output, determinism, claim inputs."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from llzo.cli import main
from llzo.fe.ensemble import design_table, member_table, read_index
from llzo.fe.sensitivity import sensitivity_table
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


def test_sensitivity_reproduces_the_member_at_the_configured_values(small_fe, tmp_path):
    small_fe["sensitivity"] = {"width_um": [24.0, 40.0], "cell_um": [1.0, 0.5], "sigma_gb_S_cm": [1e-8, 1e-9],
                               "n_seeds": 1}
    cfg = json.dumps(small_fe)
    assert main(["fe-solve", "--seed", "3", "--config", cfg, "--out", str(tmp_path / "m.nc")]) == 0
    assert main(["fe-solve", "--sensitivity", "--seed", "3", "--config", cfg, "--out", str(tmp_path / "s.nc")]) == 0
    member, sens = read_netcdf(tmp_path / "m.nc"), read_netcdf(tmp_path / "s.nc")
    assert list(sens["width_um"].values) == [24.0, 40.0] and list(sens["cell_um"].values) == [1.0, 0.5]
    # the configured value of each factor (width 40, cell 1, sigma_gb 1e-8) is the member itself
    for factor, k in (("width_um", 1), ("cell_um", 0), ("sigma_gb_S_cm", 0)):
        assert sens[f"hotspot_ratio_{factor}"].values[k] == pytest.approx(member.attrs["hotspot_ratio"], rel=1e-9)
    # per-face and 1-cell means coincide at 1 um cells; the finer grid resolves a sharper maximum
    assert sens["hotspot_ratio_pointwise_cell_um"].values[0] == pytest.approx(sens["hotspot_ratio_cell_um"].values[0])
    assert sens["hotspot_ratio_pointwise_cell_um"].values[1] >= sens["hotspot_ratio_cell_um"].values[1]
    # more resistive boundaries: the flux concentrates more
    assert sens["hotspot_ratio_sigma_gb_S_cm"].values[1] >= sens["hotspot_ratio_sigma_gb_S_cm"].values[0]
    (tmp_path / "sensitivity.txt").write_text("s.nc\n")
    table = sensitivity_table(read_index(tmp_path / "sensitivity.txt"))
    assert len(table) == 6 and table.is_configured.sum() == 3
    assert set(table.factor) == {"width_um", "cell_um", "sigma_gb_S_cm"}


def test_empty_index_only_where_allowed(tmp_path):
    (tmp_path / "none.txt").write_text("")
    assert read_index(tmp_path / "none.txt", allow_empty=True) == []
    with pytest.raises(ValueError, match="lists no ensemble members"):
        read_index(tmp_path / "none.txt")
