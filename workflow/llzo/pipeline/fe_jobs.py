"""FE job entry points: solve one Voronoi seed of the ``fe`` config and write it as NetCDF.

What the FE rules run (through ``python -m llzo.pipeline.cli fe-solve``). The library (:mod:`llzo.fe`)
computes; these functions read the config block, call it and write the result atomically as
NetCDF3 (xarray engine ``scipy``: deterministic bytes), which :func:`llzo.fe.ensemble.read_index`
reads back.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from llzo.atomic import atomic_path
from llzo.claims import claim_value
from llzo.fe.design import design_map
from llzo.fe.model import run_member
from llzo.fe.params import OHM_CM2, FEParams, FEReadoutParams
from llzo.fe.sensitivity import FACTORS, hotspot_sensitivity

#: The EIS claims whose interface resistance joins the R_int axis of a design map (bare, HL).
EIS_R_INT_CLAIMS = ("r_int_none_ohm_cm2", "r_int_hl_ohm_cm2")


def write_netcdf(ds: xr.Dataset, path: str | Path) -> None:
    """Write ``ds`` atomically as NetCDF3 (scipy engine)."""
    with atomic_path(path) as tmp:
        ds.to_netcdf(tmp, engine="scipy")


def solve_member_to_file(fe_cfg: Mapping[str, Any], seed: int, out: str | Path) -> xr.Dataset:
    """Solve both cases of one Voronoi seed with the ``fe`` config and write them to ``out``."""
    ds = run_member(FEParams.from_config(fe_cfg), seed, FEReadoutParams.from_config(fe_cfg))
    write_netcdf(ds, out)
    return ds


def r_int_axis(design_cfg: Mapping[str, Any], default_ohm_cm2: float) -> tuple[list[float], dict[str, float]]:
    """Interface resistances of a design map: the block's list and the EIS claims it names.

    Parameters
    ----------
    design_cfg
        A design block: optional ``R_int_ohm_cm2`` (list, ohm cm2) and ``eis_claims`` (path of a
        claims JSON, or None/absent; its ``r_int_none_ohm_cm2`` and ``r_int_hl_ohm_cm2``, where
        produced, are added to the axis).
    default_ohm_cm2
        The axis when the block names neither (the model's ``R_int_ohm_cm2``).

    Returns
    -------
    (list of float, dict)
        The sorted distinct values, and the EIS values used ({claim id: ohm cm2}).
    """
    values = [float(v) for v in design_cfg.get("R_int_ohm_cm2", [])]
    eis = {}
    if design_cfg.get("eis_claims"):
        for cid in EIS_R_INT_CLAIMS:
            v = claim_value(design_cfg["eis_claims"], cid)
            if v is not None and np.isfinite(v) and v >= 0:
                eis[cid] = v
    values += list(eis.values())
    if not values:
        values = [default_ohm_cm2]
    return sorted(set(values)), eis


def design_to_file(fe_cfg: Mapping[str, Any], seed: int, out: str | Path) -> xr.Dataset:
    """Compute the design map of one seed (HL thickness needed vs HL conductivity and R_int) and write it.

    The map is that of ``fe_cfg["design"]``: ``sigma_hl_S_cm``, ``hl_thickness_um`` and the R_int
    axis of :func:`r_int_axis` (the EIS values used are kept in the attrs ``eis_<claim id>``).
    """
    p = FEParams.from_config(fe_cfg)
    d = fe_cfg["design"]
    axis, eis = r_int_axis(d, p.r_int_ohm_m2 / OHM_CM2)
    ds = design_map(p, seed, d["sigma_hl_S_cm"], float(d["hl_thickness_um"]), FEReadoutParams.from_config(fe_cfg),
                    R_int_ohm_cm2=axis)
    ds.attrs.update({f"eis_{k}": v for k, v in eis.items()})
    write_netcdf(ds, out)
    return ds


def sensitivity_to_file(fe_cfg: Mapping[str, Any], seed: int, out: str | Path) -> xr.Dataset:
    """Compute the hot-spot sensitivity (``fe.sensitivity`` config) of one seed and write it."""
    sens = fe_cfg["sensitivity"]
    ds = hotspot_sensitivity(FEParams.from_config(fe_cfg), seed, {f: sens[f] for f in FACTORS if f in sens},
                             FEReadoutParams.from_config(fe_cfg))
    write_netcdf(ds, out)
    return ds
