"""Write and read ensemble members as NetCDF (xarray, engine ``scipy``: NetCDF3, deterministic bytes)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import xarray as xr

from llzo.atomic import atomic_path
from llzo.fe.design import design_map
from llzo.fe.model import run_member
from llzo.fe.params import UM, fe_params
from llzo.fe.sensitivity import FACTORS, hotspot_sensitivity


def write_netcdf(ds: xr.Dataset, path: str | Path) -> None:
    """Write ``ds`` atomically as NetCDF3 (scipy engine)."""
    with atomic_path(path) as tmp:
        ds.to_netcdf(tmp, engine="scipy")


def read_netcdf(path: str | Path) -> xr.Dataset:
    """Read a member file fully into memory."""
    with xr.open_dataset(path, engine="scipy") as ds:
        return ds.load()


def solve_member_to_file(fe_cfg: Mapping[str, Any], seed: int, out: str | Path) -> xr.Dataset:
    """Solve both cases of one Voronoi seed with the ``fe`` config and write them to ``out``."""
    p = fe_params(fe_cfg)
    ds = run_member(p, seed, float(fe_cfg["homogenized_tolerance_pct"]), float(fe_cfg["hotspot_window_um"]) * UM)
    write_netcdf(ds, out)
    return ds


def design_to_file(fe_cfg: Mapping[str, Any], seed: int, out: str | Path) -> xr.Dataset:
    """Compute the design map (HL thickness needed vs HL conductivity) of one seed and write it."""
    p = fe_params(fe_cfg)
    d = fe_cfg["design"]
    ds = design_map(p, seed, d["hl_sigma_S_cm"], float(d["hl_thickness_um"]),
                    float(fe_cfg["homogenized_tolerance_pct"]), float(fe_cfg["hotspot_window_um"]) * UM)
    write_netcdf(ds, out)
    return ds


def sensitivity_to_file(fe_cfg: Mapping[str, Any], seed: int, out: str | Path) -> xr.Dataset:
    """Compute the hot-spot sensitivity (``fe.sensitivity`` config) of one seed and write it."""
    p = fe_params(fe_cfg)
    sens = fe_cfg["sensitivity"]
    ds = hotspot_sensitivity(p, seed, {f: sens[f] for f in FACTORS if f in sens},
                             float(fe_cfg["hotspot_window_um"]) * UM)
    write_netcdf(ds, out)
    return ds
