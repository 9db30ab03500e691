"""Aggregate the ensemble over Voronoi seeds: member table, claims with spread, design map."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from llzo.fe.store import read_netcdf

TOLERANCES_PCT = (5.0, 10.0, 20.0, 50.0)


def read_index(index_path: str | Path, allow_empty: bool = False) -> list[xr.Dataset]:
    """Read every NetCDF listed (relative to the index file) in ``index_path``.

    An empty index is an error unless ``allow_empty`` (optional studies with ``n_seeds: 0``).
    """
    index_path = Path(index_path)
    names = [ln.strip() for ln in index_path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    if not names and not allow_empty:
        raise ValueError(f"{index_path}: lists no ensemble members")
    return [read_netcdf(index_path.parent / n) for n in names]


def member_table(members: list[xr.Dataset]) -> pd.DataFrame:
    """One row per seed: hot-spot ratios, homogenization distance (at several tolerances), totals."""
    from llzo.fe.postprocess import homogenized_distance

    rows = []
    for ds in members:
        a = ds.attrs
        row = {
            "seed": int(a["seed"]),
            "hotspot_ratio": float(a["hotspot_ratio"]),
            "hotspot_ratio_li_hl": float(a["hotspot_ratio_hl"]),
            "hotspot_ratio_hl_llzo": float(a["hotspot_ratio_hl_llzo"]),
            "hl_homogenized_um": float(a["hl_homogenized_um"]),
            "hl_excess_at_li_pct": float(ds["hl_excess_pct"].values[-1]),
            "total_current_bare_A_cm2": float(ds["j_li_llzo_bare_A_cm2"].mean()),
            "total_current_hl_A_cm2": float(ds["j_li_hl_A_cm2"].mean()),
            "conservation_bare": float(a["conservation_bare"]),
            "conservation_hl": float(a["conservation_hl"]),
            "unknowns_bare": int(a["unknowns_bare"]),
            "unknowns_hl": int(a["unknowns_hl"]),
        }
        d = ds["hl_distance_um"].values
        e = ds["hl_excess_pct"].values
        for tol in TOLERANCES_PCT:
            row[f"hl_homogenized_um_at_{tol:g}pct"] = homogenized_distance(d, e, tol)
        rows.append(row)
    return pd.DataFrame(rows).sort_values("seed").reset_index(drop=True)


def median_with_range(values: np.ndarray) -> tuple[float, float, float, int]:
    """Ensemble median, min and max of the finite values, and their number."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return float("nan"), float("nan"), float("nan"), 0
    return float(np.median(v)), float(v.min()), float(v.max()), int(v.size)


@dataclass(frozen=True)
class EnsembleValue:
    """An ensemble statistic ready for a claim.

    Attributes
    ----------
    value
        Median over seeds (or, with ``bound``, the bound).
    ci_low, ci_high
        Spread over seeds (min and max; NaN where not finite).
    n
        Number of seeds.
    bound
        ``None``, or ``"gt"`` when the value is only a lower bound.
    note
        Short text for the scorecard.
    """

    value: float
    ci_low: float
    ci_high: float
    n: int
    bound: str | None
    note: str


def hotspot_value(ratios: np.ndarray) -> EnsembleValue:
    """Claim ``fe_hotspot_ratio``: median (min-max) over seeds of the per-seed hot-spot ratio."""
    med, lo, hi, n = median_with_range(ratios)
    return EnsembleValue(med, lo, hi, n, None,
                         "max/mean normal current density at the plating Li|LLZO interface without HL; "
                         "median (min-max) over seeds")


def homogenized_value(distances_um: np.ndarray, hl_thickness_um: float, tolerance_pct: float) -> EnsembleValue:
    """Claim ``fe_hl_homogenized_um`` from the per-seed distances (NaN: not within tolerance inside the HL).

    A seed whose HL never gets within ``tolerance_pct`` has a distance beyond the HL, so it counts
    as +inf in the median. When half of the seeds or more are such, the median is beyond the
    HL and only the lower bound ``> hl_thickness_um`` is known (``bound="gt"``).

    Parameters
    ----------
    distances_um
        Per seed, :func:`llzo.fe.postprocess.homogenized_distance` in um (NaN = never).
    hl_thickness_um
        Thickness of the HL the distances were measured in (um).
    tolerance_pct
        The tolerance used (for the note).
    """
    d = np.asarray(distances_um, dtype=float)
    n = int(d.size)
    if n == 0:
        return EnsembleValue(float("nan"), float("nan"), float("nan"), 0, None, "no seeds")
    never = ~np.isfinite(d)
    n_never = int(never.sum())
    if n_never * 2 >= n:
        return EnsembleValue(float(hl_thickness_um), float("nan"), float("nan"), n, "gt",
                             f"{n_never}/{n} seeds not within {tolerance_pct:g} % inside the HL")
    fin = d[~never]
    med = float(np.median(np.where(never, np.inf, d)))
    return EnsembleValue(med, float(fin.min()), float(fin.max()) if n_never == 0 else float("nan"), n, None,
                         f"tolerance {tolerance_pct:g} %; range over seeds; {n_never} seeds not within the HL")


def design_table(designs: list[xr.Dataset]) -> pd.DataFrame:
    """Per HL conductivity: median (over seeds) HL thickness needed, with min and max."""
    stack = np.array([d["hl_homogenized_um"].values for d in designs])
    sig = designs[0]["hl_sigma_S_cm"].values
    out = []
    for k, s in enumerate(sig):
        med, lo, hi, n = median_with_range(stack[:, k])
        out.append({"hl_sigma_S_cm": float(s), "hl_needed_um": med, "hl_needed_min_um": lo, "hl_needed_max_um": hi,
                    "n_seeds_homogenized": n, "n_seeds": len(designs),
                    "hl_thickness_solved_um": float(designs[0].attrs["hl_thickness_um"])})
    return pd.DataFrame(out)
