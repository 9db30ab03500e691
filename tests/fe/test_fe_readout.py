"""The Fig. 4 claims re-read from stored members equal those of a member solved with the same read-out."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from llzo.fe.ensemble import member_table, read_netcdf
from llzo.fe.model import run_member
from llzo.fe.params import FEParams, FEReadoutParams
from llzo.fe.readout import readout_claims, readout_table
from llzo.pipeline.fe_jobs import write_netcdf


@pytest.fixture(scope="module")
def small(config):
    fe = copy.deepcopy(config["fe"])
    fe.update(width_um=40.0, llzo_thickness_um=30.0, grain_size_um=8.0, cell_um=0.5, hl_thickness_um=6.0)
    return fe


def _stored(fe: dict, seed: int, tmp_path) -> object:
    path = tmp_path / f"member_seed{seed}.nc"
    write_netcdf(run_member(FEParams.from_config(fe), seed, FEReadoutParams.from_config(fe)), path)
    return read_netcdf(path)


def test_configured_read_out_equals_the_members_own(small, tmp_path):
    members = [_stored(small, s, tmp_path) for s in (1, 2)]
    mine = readout_table(members, small["hotspot_window_um"], small["hotspot_min_contact_um"],
                         small["homogenized_tolerance_pct"])
    theirs = member_table(members)
    for col in ("hotspot_ratio", "hotspot_max_over_mean", "hl_homogenized_um", "hotspot_n_grains"):
        np.testing.assert_allclose(mine[col], theirs[col], rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize(("window_um", "min_contact_um", "tolerance_pct"), [(2.0, 1.0, 50.0), (1.0, 3.0, 25.0)])
def test_other_read_outs_equal_a_member_solved_with_them(small, tmp_path, window_um, min_contact_um, tolerance_pct):
    stored = _stored(small, 3, tmp_path)
    other = {**small, "hotspot_window_um": window_um, "hotspot_min_contact_um": min_contact_um,
             "homogenized_tolerance_pct": tolerance_pct}
    (tmp_path / "other").mkdir()
    solved = member_table([_stored(other, 3, tmp_path / "other")])
    got = readout_table([stored], window_um, min_contact_um, tolerance_pct)
    for col in ("hotspot_ratio", "hotspot_max_over_mean"):
        np.testing.assert_allclose(got[col], solved[col], rtol=1e-12)
    if window_um == small["hotspot_window_um"]:  # the stored HL profile is that of the member's window
        np.testing.assert_allclose(got["hl_homogenized_um"], solved["hl_homogenized_um"], rtol=1e-12, equal_nan=True)


def test_readout_claims_are_the_three_fig4_claims(small, tmp_path):
    members = [_stored(small, 1, tmp_path)]
    claims = readout_claims(members, 1.0, 1.0, 50.0)
    assert [c.claim_id for c in claims] == ["fe_hotspot_ratio", "fe_hotspot_max_over_mean", "fe_hl_homogenized_um"]
    with pytest.raises(ValueError, match="no ensemble members"):
        readout_claims([], 1.0, 1.0, 50.0)
