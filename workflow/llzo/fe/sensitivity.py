"""How the hot-spot ratio depends on what the paper does not state: domain width, mesh, boundary conductivity.

The claim ``fe_hotspot_ratio`` (paper: "> 10") is computed on the configured model. This module
re-solves the bare (no HL) polycrystal of one Voronoi seed while varying one input at a time
around that model, so the report shows, every run, how far the number moves with inputs the
paper leaves open (Fig. S15 and Table S1 are not available):

* ``width_um``: the maximum over a longer interface is larger (extreme-value statistics);
* ``cell_um``: the pointwise maximum is singular where a boundary meets the Li at an obtuse grain
  corner, so it grows under refinement, while the ratio of ``hotspot_window_um`` running means
  converges (see :func:`llzo.fe.postprocess.window_average`);
* ``sigma_gb_S_cm``: the ratio saturates once the boundaries dominate the resistance.

Nothing here feeds a claim: it is the context for the one the paper makes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
import xarray as xr

from llzo.fe.model import solve_case, window_cells
from llzo.fe.params import S_PER_CM, UM, FEParams, check
from llzo.fe.postprocess import hotspot_ratio, window_average

FACTORS = ("width_um", "cell_um", "sigma_gb_S_cm")


def _ratios(p: FEParams, seed: int, window_m: float) -> tuple[float, float]:
    """Windowed and pointwise hot-spot ratio at the plating Li|LLZO interface, no HL."""
    j = solve_case(p, seed, "bare").cur.jy_faces_A_m2[-1]
    return hotspot_ratio(window_average(j, window_cells(p, window_m))), hotspot_ratio(j)


def _variant(p: FEParams, factor: str, value: float) -> FEParams:
    if factor == "width_um":
        return check(replace(p, width_m=value * UM))
    if factor == "cell_um":
        return p.with_cell(value * UM)
    if factor == "sigma_gb_S_cm":
        return check(replace(p, sigma_gb_S_m=value * S_PER_CM))
    raise ValueError(f"unknown factor {factor!r}; choose from {FACTORS}")


def hotspot_sensitivity(p: FEParams, seed: int, values: dict[str, Sequence[float]], window_m: float) -> xr.Dataset:
    """Hot-spot ratio of seed ``seed`` with one input of ``p`` varied at a time.

    Parameters
    ----------
    p
        The configured model (its other inputs are kept).
    seed
        Voronoi seed. A different ``width_um`` draws a different polycrystal (the seed density is
        fixed), so across widths the seeds are independent samples.
    values
        Per factor of :data:`FACTORS`, the values to solve (in the factor's unit).
    window_m
        Width of the running mean of the windowed ratio (m), as for the claim.

    Returns
    -------
    xarray.Dataset
        Per factor ``f``: ``hotspot_ratio_<f>`` (windowed) and ``hotspot_ratio_pointwise_<f>`` over
        the coordinate ``f``; attrs ``seed``, ``hotspot_window_um`` and the configured value of
        each factor (``base_<f>``).
    """
    ds = xr.Dataset(attrs={"seed": int(seed), "hotspot_window_um": window_m / UM,
                           "base_width_um": p.width_m / UM, "base_cell_um": p.cell_m / UM,
                           "base_sigma_gb_S_cm": p.sigma_gb_S_m / S_PER_CM})
    for factor in FACTORS:
        vals = [float(v) for v in values.get(factor, [])]
        if not vals:
            continue
        r = np.array([_ratios(_variant(p, factor, v), seed, window_m) for v in vals])
        ds = ds.assign_coords({factor: (factor, np.asarray(vals))})
        ds[f"hotspot_ratio_{factor}"] = (factor, r[:, 0], {"description": "max/mean of running means"})
        ds[f"hotspot_ratio_pointwise_{factor}"] = (factor, r[:, 1], {"description": "max/mean per face"})
    return ds


def sensitivity_table(members: list[xr.Dataset]) -> pd.DataFrame:
    """Long table over seeds: factor, value, seed, windowed and pointwise ratio."""
    rows = []
    for ds in members:
        for factor in FACTORS:
            if factor not in ds.coords:
                continue
            for k, v in enumerate(ds[factor].values):
                rows.append({"factor": factor, "value": float(v), "seed": int(ds.attrs["seed"]),
                             "is_configured": bool(np.isclose(v, ds.attrs[f"base_{factor}"], rtol=1e-9, atol=0.0)),
                             "hotspot_ratio": float(ds[f"hotspot_ratio_{factor}"].values[k]),
                             "hotspot_ratio_pointwise": float(ds[f"hotspot_ratio_pointwise_{factor}"].values[k])})
    cols = ["factor", "value", "seed", "is_configured", "hotspot_ratio", "hotspot_ratio_pointwise"]
    return pd.DataFrame(rows, columns=cols).sort_values(["factor", "value", "seed"]).reset_index(drop=True)
