"""How the hot-spot ratios depend on what the paper does not state: domain width, mesh, boundary conductivity, read-out.

The claims ``fe_hotspot_ratio`` (paper: "> 10") and ``fe_hotspot_max_over_mean`` (context) are
computed on the configured model. This module re-solves the bare (no HL) polycrystal of one
Voronoi seed while varying one input at a time around that model, so the report shows, every
run, how far the numbers move with inputs the paper leaves open (Fig. S15 and Table S1 are not
available):

* ``width_um``: the maximum over a longer interface is larger (extreme-value statistics);
* ``cell_um``: the pointwise maximum is singular where a boundary meets the Li at an obtuse grain
  corner, so it grows under refinement, while the ratios of ``hotspot_window_um`` running means
  converge (see :func:`llzo.fe.postprocess.window_average`);
* ``sigma_gb_S_cm``: the ratios saturate once the boundaries dominate the resistance;
* ``hotspot_window_um`` and ``hotspot_min_contact_um``: the read-out of the configured solution
  (no re-solve): the averaging width, and which grains count as touching the Li.

Nothing here feeds a claim: it is the context for the one the paper makes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
import xarray as xr

from llzo.fe.model import CaseResult, solve_case, window_cells
from llzo.fe.params import S_PER_CM, UM, FEParams, FEReadoutParams, check
from llzo.fe.postprocess import grain_peaks, max_over_mean, window_average

MODEL_FACTORS = ("width_um", "cell_um", "sigma_gb_S_cm")
READOUT_FACTORS = ("hotspot_window_um", "hotspot_min_contact_um")
FACTORS = MODEL_FACTORS + READOUT_FACTORS
#: What is measured for every value of a factor (windowed, and per face).
MEASURES = ("hotspot_ratio", "hotspot_ratio_pointwise", "hotspot_max_over_mean", "hotspot_max_over_mean_pointwise")


def _measures(r: CaseResult, readout: FEReadoutParams) -> list[float]:
    """Return the :data:`MEASURES` at the plating Li|LLZO interface of a solved bare case."""
    h = r.micro.cell_m
    j = r.cur.jy_faces_A_m2[-1]
    lab = r.micro.labels[-1]
    w = window_cells(h, readout.window_m)
    return [grain_peaks(j, lab, h, w, readout.min_contact_m).ratio,
            grain_peaks(j, lab, h, 1, readout.min_contact_m).ratio,
            max_over_mean(window_average(j, w)), max_over_mean(j)]


def _variant(p: FEParams, readout: FEReadoutParams, factor: str, value: float) -> tuple[FEParams, FEReadoutParams]:
    if factor == "width_um":
        return check(replace(p, width_m=value * UM)), readout
    if factor == "cell_um":
        return p.with_cell(value * UM), readout
    if factor == "sigma_gb_S_cm":
        return check(replace(p, sigma_gb_S_m=value * S_PER_CM)), readout
    if factor == "hotspot_window_um":
        return p, replace(readout, window_m=value * UM)
    if factor == "hotspot_min_contact_um":
        return p, replace(readout, min_contact_m=value * UM)
    raise ValueError(f"unknown factor {factor!r}; choose from {FACTORS}")


def hotspot_sensitivity(p: FEParams, seed: int, values: dict[str, Sequence[float]],
                        readout: FEReadoutParams) -> xr.Dataset:
    """Hot-spot ratios of seed ``seed`` with one input varied at a time.

    Parameters
    ----------
    p
        The configured model (its other inputs are kept).
    seed
        Voronoi seed. A different ``width_um`` draws a different polycrystal (the seed density is
        fixed), so across widths the seeds are independent samples.
    values
        Per factor of :data:`FACTORS`, the values to use (in the factor's unit).
    readout
        The configured read-out (window, minimum grain contact).

    Returns
    -------
    xarray.Dataset
        Per factor ``f`` and measure ``m`` of :data:`MEASURES`: ``<m>__<f>`` over the coordinate
        ``f``; attrs ``seed`` and the configured value of each factor (``base_<f>``).
    """
    base = {"width_um": p.width_m / UM, "cell_um": p.cell_m / UM, "sigma_gb_S_cm": p.sigma_gb_S_m / S_PER_CM,
            "hotspot_window_um": readout.window_m / UM, "hotspot_min_contact_um": readout.min_contact_m / UM}
    ds = xr.Dataset(attrs={"seed": int(seed), **{f"base_{k}": v for k, v in base.items()}})
    configured = None
    for factor in FACTORS:
        vals = [float(v) for v in values.get(factor, [])]
        if not vals:
            continue
        rows = []
        for v in vals:
            q, ro = _variant(p, readout, factor, v)
            if factor in READOUT_FACTORS:
                if configured is None:
                    configured = solve_case(p, seed, "bare")
                rows.append(_measures(configured, ro))
            else:
                rows.append(_measures(solve_case(q, seed, "bare"), ro))
        r = np.asarray(rows)
        ds = ds.assign_coords({factor: (factor, np.asarray(vals))})
        for k, m in enumerate(MEASURES):
            ds[f"{m}__{factor}"] = (factor, r[:, k])
    return ds


def sensitivity_table(members: list[xr.Dataset]) -> pd.DataFrame:
    """Long table over seeds: factor, value, seed, whether it is the configured value, and the :data:`MEASURES`."""
    rows = []
    for ds in members:
        for factor in FACTORS:
            if factor not in ds.coords:
                continue
            for k, v in enumerate(ds[factor].values):
                row = {"factor": factor, "value": float(v), "seed": int(ds.attrs["seed"]),
                       "is_configured": bool(np.isclose(v, ds.attrs[f"base_{factor}"], rtol=1e-9, atol=0.0))}
                row.update({m: float(ds[f"{m}__{factor}"].values[k]) for m in MEASURES})
                rows.append(row)
    cols = ["factor", "value", "seed", "is_configured", *MEASURES]
    return pd.DataFrame(rows, columns=cols).sort_values(["factor", "value", "seed"]).reset_index(drop=True)
