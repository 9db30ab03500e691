"""FE job entry points end to end: CLI, NetCDF output, determinism, claim inputs, design maps with R_int."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from llzo.claims import Claim, write_claims
from llzo.fe.ensemble import (
    design_table,
    grain_peak_table,
    interface_hotspot_table,
    member_table,
    read_index,
    read_netcdf,
)
from llzo.fe.sensitivity import sensitivity_table
from llzo.pipeline.cli import main
from llzo.pipeline.fe_jobs import r_int_axis


@pytest.fixture()
def small_fe(config) -> dict:
    fe = copy.deepcopy(config["fe"])
    fe.update(width_um=40.0, llzo_thickness_um=30.0, grain_size_um=8.0, cell_um=1.0, hl_thickness_um=6.0)
    fe["design"] = {"sigma_hl_S_cm": [1e-4, 1e-3], "hl_thickness_um": 8.0, "n_seeds": 1}
    return fe


def test_member_file_is_deterministic_and_complete(small_fe, tmp_path):
    cfg = json.dumps(small_fe)
    for name in ("a.nc", "b.nc"):
        assert main(["fe-solve", "--seed", "4", "--config", cfg, "--out", str(tmp_path / name)]) == 0
    assert (tmp_path / "a.nc").read_bytes() == (tmp_path / "b.nc").read_bytes()
    ds = read_netcdf(tmp_path / "a.nc")
    assert ds.attrs["seed"] == 4
    assert ds.attrs["conservation_bare"] < 1e-8 and ds.attrs["conservation_hl"] < 1e-8
    assert ds.attrs["hotspot_ratio"] >= 1.0 and ds.attrs["hotspot_max_over_mean"] >= 1.0
    # the claim's ratio is the one of the stored per-grain peaks
    peaks = ds["peak_j_A_cm2"].values
    assert ds.attrs["hotspot_n_grains"] == peaks.size >= 2
    assert ds.attrs["hotspot_ratio"] == pytest.approx(peaks.max() / np.median(peaks))
    assert (ds["peak_contact_um"].values >= small_fe["hotspot_min_contact_um"]).all()
    # the HL carries the same mean current density in every row (insulating sides)
    np.testing.assert_allclose(ds["hl_jmean_A_cm2"], ds["hl_jmean_A_cm2"][0], rtol=1e-8)
    assert ds["phi_hl_V"].shape == (30 + 2 * 6, 40)
    (tmp_path / "members.txt").write_text("a.nc\nb.nc\n")
    members = read_index(tmp_path / "members.txt")
    table = member_table(members)
    assert len(table) == 2 and table.hotspot_ratio.nunique() == 1
    assert len(grain_peak_table(members)) == 2 * peaks.size


def test_interface_resistance_lowers_the_current_and_the_hot_spots(small_fe, tmp_path):
    ideal = tmp_path / "ideal.nc"
    assert main(["fe-solve", "--seed", "2", "--config", json.dumps(small_fe), "--out", str(ideal)]) == 0
    small_fe["R_int_ohm_cm2"] = 1000.0
    resist = tmp_path / "rint.nc"
    assert main(["fe-solve", "--seed", "2", "--config", json.dumps(small_fe), "--out", str(resist)]) == 0
    a, b = read_netcdf(ideal), read_netcdf(resist)
    assert b.attrs["param_r_int_ohm_m2"] == pytest.approx(0.1)
    assert b.attrs["total_current_bare_A_m"] < a.attrs["total_current_bare_A_m"]
    assert b.attrs["hotspot_max_over_mean"] < a.attrs["hotspot_max_over_mean"]


def test_design_map_paper_axis(small_fe, tmp_path):
    out = tmp_path / "d.nc"
    assert main(["fe-solve", "--design", "--seed", "1", "--config", json.dumps(small_fe), "--out", str(out)]) == 0
    (tmp_path / "design.txt").write_text("d.nc\n")
    dt = design_table(read_index(tmp_path / "design.txt"))
    assert list(dt.sigma_hl_S_cm) == [1e-4, 1e-3] and list(dt.R_int_ohm_cm2) == [0.0, 0.0]
    assert (dt.hl_thickness_solved_um == 8.0).all()


def test_interface_design_map_adds_the_eis_values(small_fe, tmp_path):
    eis = tmp_path / "fig5de_eis.json"
    write_claims(eis, [Claim("r_int_none_ohm_cm2", 950.0), Claim("r_int_hl_ohm_cm2", 48.0),
                       Claim("r_int_au_ohm_cm2", 300.0)])
    design = dict(small_fe["design"])
    small_fe["design"] = {**design, "R_int_ohm_cm2": [0.0, 10.0], "eis_claims": str(eis)}
    cfg = json.dumps(small_fe)
    assert main(["fe-solve", "--design", "--seed", "1", "--config", cfg, "--out", str(tmp_path / "i.nc")]) == 0
    ds = read_netcdf(tmp_path / "i.nc")
    assert list(ds["R_int_ohm_cm2"].values) == [0.0, 10.0, 48.0, 950.0]
    assert ds.attrs["eis_r_int_none_ohm_cm2"] == 950.0 and ds.attrs["eis_r_int_hl_ohm_cm2"] == 48.0
    # R_int = 0 is the paper's map: the same numbers as the design job and the member of that seed
    small_fe["design"] = design
    assert main(["fe-solve", "--design", "--seed", "1", "--config", json.dumps(small_fe), "--out",
                 str(tmp_path / "d.nc")]) == 0
    assert main(["fe-solve", "--seed", "1", "--config", json.dumps(small_fe), "--out", str(tmp_path / "m.nc")]) == 0
    d, m = read_netcdf(tmp_path / "d.nc"), read_netcdf(tmp_path / "m.nc")
    np.testing.assert_array_equal(ds["hl_homogenized_um"].values[0], d["hl_homogenized_um"].values[0])
    assert ds["hotspot_ratio"].values[0] == pytest.approx(m.attrs["hotspot_ratio"], rel=1e-12)
    assert ds["hotspot_max_over_mean"].values[0] == pytest.approx(m.attrs["hotspot_max_over_mean"], rel=1e-12)
    # a large interface resistance evens out the bare interface
    mom = ds["hotspot_max_over_mean"].values
    assert mom[-1] < mom[0] and ds["total_current_bare_A_cm2"].values[-1] < ds["total_current_bare_A_cm2"].values[0]
    (tmp_path / "interface.txt").write_text("i.nc\n")
    ih = interface_hotspot_table(read_index(tmp_path / "interface.txt"))
    assert list(ih.R_int_ohm_cm2) == [0.0, 10.0, 48.0, 950.0] and (ih.n_seeds == 1).all()
    assert design_table([]).empty and interface_hotspot_table([]).empty


def test_r_int_axis(tmp_path):
    assert r_int_axis({}, 0.0) == ([0.0], {})
    assert r_int_axis({"R_int_ohm_cm2": [3.0, 0.0, 3.0]}, 0.0) == ([0.0, 3.0], {})
    # a claims file without the EIS claims (or none at all) adds nothing
    empty = tmp_path / "empty.json"
    write_claims(empty, [])
    assert r_int_axis({"R_int_ohm_cm2": [1.0], "eis_claims": str(empty)}, 0.0) == ([1.0], {})
    assert r_int_axis({"R_int_ohm_cm2": [1.0], "eis_claims": str(tmp_path / "none.json")}, 0.0) == ([1.0], {})


def test_sensitivity_reproduces_the_member_at_the_configured_values(small_fe, tmp_path):
    small_fe["sensitivity"] = {"width_um": [24.0, 40.0], "cell_um": [1.0, 0.5], "sigma_gb_S_cm": [1e-8, 1e-9],
                               "hotspot_window_um": [1.0, 2.0], "hotspot_min_contact_um": [1.0, 3.0], "n_seeds": 1}
    cfg = json.dumps(small_fe)
    assert main(["fe-solve", "--seed", "3", "--config", cfg, "--out", str(tmp_path / "m.nc")]) == 0
    assert main(["fe-solve", "--sensitivity", "--seed", "3", "--config", cfg, "--out", str(tmp_path / "s.nc")]) == 0
    member, sens = read_netcdf(tmp_path / "m.nc"), read_netcdf(tmp_path / "s.nc")
    assert list(sens["width_um"].values) == [24.0, 40.0] and list(sens["cell_um"].values) == [1.0, 0.5]
    # the configured value of each factor (width 40, cell 1, sigma_gb 1e-8, window 1, contact 1) is the member
    configured = (("width_um", 1), ("cell_um", 0), ("sigma_gb_S_cm", 0), ("hotspot_window_um", 0),
                  ("hotspot_min_contact_um", 0))
    for factor, k in configured:
        for measure in ("hotspot_ratio", "hotspot_max_over_mean"):
            got = sens[f"{measure}__{factor}"].values[k]
            assert got == pytest.approx(member.attrs[measure], rel=1e-9), (factor, measure)
    # per-face and 1-cell means coincide at 1 um cells; the finer grid resolves a sharper maximum
    mp = sens["hotspot_max_over_mean_pointwise__cell_um"].values
    mw = sens["hotspot_max_over_mean__cell_um"].values
    assert mp[0] == pytest.approx(mw[0]) and mp[1] >= mw[1]
    # more resistive boundaries: the flux concentrates more
    by_gb = sens["hotspot_max_over_mean__sigma_gb_S_cm"].values
    assert by_gb[1] >= by_gb[0]
    (tmp_path / "sensitivity.txt").write_text("s.nc\n")
    table = sensitivity_table(read_index(tmp_path / "sensitivity.txt"))
    assert len(table) == 10 and table.is_configured.sum() == 5
    assert set(table.factor) == {"width_um", "cell_um", "sigma_gb_S_cm", "hotspot_window_um", "hotspot_min_contact_um"}


def test_empty_index_only_where_allowed(tmp_path):
    (tmp_path / "none.txt").write_text("")
    assert read_index(tmp_path / "none.txt", allow_empty=True) == []
    with pytest.raises(ValueError, match="lists no ensemble members"):
        read_index(tmp_path / "none.txt")
