"""Aggregate the ensemble over Voronoi seeds: member table, the Fig. 4 claims, design maps.

The ensemble members are NetCDF files (NetCDF3, xarray engine ``scipy``), one per seed, listed in
an index file; :func:`read_index` reads them. The claims are finished
:class:`llzo.claims.Claim` objects (:func:`fe_claims`): the notebook only writes them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from llzo.claims import Claim
from llzo.fe.postprocess import homogenized_distance

TOLERANCES_PCT = (5.0, 10.0, 20.0, 50.0)


def read_netcdf(path: str | Path) -> xr.Dataset:
    """Read a member file fully into memory."""
    with xr.open_dataset(path, engine="scipy") as ds:
        return ds.load()


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
    rows = []
    for ds in members:
        a = ds.attrs
        row = {
            "seed": int(a["seed"]),
            "hotspot_ratio": float(a["hotspot_ratio"]),
            "hotspot_n_grains": int(a["hotspot_n_grains"]),
            "hotspot_max_over_mean": float(a["hotspot_max_over_mean"]),
            "hotspot_max_over_mean_li_hl": float(a["hotspot_max_over_mean_li_hl"]),
            "hotspot_max_over_mean_hl_llzo": float(a["hotspot_max_over_mean_hl_llzo"]),
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


def grain_peak_table(members: list[xr.Dataset]) -> pd.DataFrame:
    """One row per (seed, grain touching the plating Li|LLZO interface): contact, peak, peak / median peak."""
    rows = []
    for ds in members:
        peak = ds["peak_j_A_cm2"].values
        med = float(np.median(peak)) if peak.size else float("nan")
        for k in range(peak.size):
            rows.append({"seed": int(ds.attrs["seed"]), "grain": int(ds["peak_grain"].values[k]),
                         "contact_um": float(ds["peak_contact_um"].values[k]),
                         "peak_x_um": float(ds["peak_x_um"].values[k]),
                         "peak_j_A_cm2": float(peak[k]), "peak_over_median": float(peak[k] / med)})
    cols = ["seed", "grain", "contact_um", "peak_x_um", "peak_j_A_cm2", "peak_over_median"]
    return pd.DataFrame(rows, columns=cols).sort_values(["seed", "grain"]).reset_index(drop=True)


def median_with_range(values: np.ndarray) -> tuple[float, float, float, int]:
    """Ensemble median, min and max of the finite values, and their number."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return float("nan"), float("nan"), float("nan"), 0
    return float(np.median(v)), float(v.min()), float(v.max()), int(v.size)


def ensemble_claim(claim_id: str, per_seed: np.ndarray, note: str) -> Claim:
    """Make a claim whose value is the median over seeds, with the min-max spread over seeds as its interval."""
    med, lo, hi, n = median_with_range(per_seed)
    per = ", ".join(f"{v:.3g}" for v in np.asarray(per_seed, dtype=float))
    return Claim(claim_id, med, ci_low=lo, ci_high=hi, n=n, note=f"{note}; median (min-max) over seeds [{per}]")


def hotspot_claims(table: pd.DataFrame, window_um: float, min_contact_um: float) -> list[Claim]:
    """Claims ``fe_hotspot_ratio`` (per-grain peaks) and ``fe_hotspot_max_over_mean`` (context).

    ``table`` is :func:`member_table`; the window and minimum contact go into the notes.
    """
    return [
        ensemble_claim("fe_hotspot_ratio", table["hotspot_ratio"].to_numpy(),
                       f"largest per-grain peak / median per-grain peak of the normal current density at the "
                       f"plating Li|LLZO interface, no HL; grains touching the Li over >= {min_contact_um:g} um; "
                       f"{window_um:g} um running means"),
        ensemble_claim("fe_hotspot_max_over_mean", table["hotspot_max_over_mean"].to_numpy(),
                       f"max / mean of the normal current density at the plating Li|LLZO interface, no HL; "
                       f"{window_um:g} um running means"),
    ]


def homogenized_claim(distances_um: np.ndarray, hl_thickness_um: float, tolerance_pct: float) -> Claim:
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
    cid = "fe_hl_homogenized_um"
    d = np.asarray(distances_um, dtype=float)
    n = int(d.size)
    if n == 0:
        return Claim(cid, float("nan"), n=0, note="no seeds")
    never = ~np.isfinite(d)
    n_never = int(never.sum())
    if n_never * 2 >= n:
        return Claim(cid, float(hl_thickness_um), n=n, bound="gt",
                     note=f"{n_never}/{n} seeds not within {tolerance_pct:g} % inside the HL")
    fin = d[~never]
    med = float(np.median(np.where(never, np.inf, d)))
    return Claim(cid, med, ci_low=float(fin.min()), ci_high=float(fin.max()) if n_never == 0 else float("nan"), n=n,
                 note=f"tolerance {tolerance_pct:g} %; range over seeds; {n_never} seeds not within the HL")


def fe_claims(table: pd.DataFrame, hl_thickness_um: float, tolerance_pct: float, window_um: float,
              min_contact_um: float) -> list[Claim]:
    """Return the Fig. 4 claims from :func:`member_table`: hot-spot ratios and HL homogenization distance."""
    return [*hotspot_claims(table, window_um, min_contact_um),
            homogenized_claim(table["hl_homogenized_um"].to_numpy(), hl_thickness_um, tolerance_pct)]


DESIGN_COLUMNS = ["R_int_ohm_cm2", "sigma_hl_S_cm", "hl_needed_um", "hl_needed_min_um", "hl_needed_max_um",
                  "n_seeds_homogenized", "n_seeds", "hl_thickness_solved_um"]


def design_table(designs: list[xr.Dataset]) -> pd.DataFrame:
    """Per (interface resistance, HL conductivity): median (over seeds) HL thickness needed, with min and max.

    No designs (a study with ``n_seeds: 0``): an empty table with the same columns.
    """
    if not designs:
        return pd.DataFrame(columns=DESIGN_COLUMNS)
    stack = np.array([d["hl_homogenized_um"].values for d in designs])  # (seed, R_int, sigma)
    r_axis = designs[0]["R_int_ohm_cm2"].values
    sig = designs[0]["sigma_hl_S_cm"].values
    out = []
    for i, r in enumerate(r_axis):
        for k, s in enumerate(sig):
            med, lo, hi, n = median_with_range(stack[:, i, k])
            out.append({"R_int_ohm_cm2": float(r), "sigma_hl_S_cm": float(s), "hl_needed_um": med,
                        "hl_needed_min_um": lo, "hl_needed_max_um": hi, "n_seeds_homogenized": n,
                        "n_seeds": len(designs), "hl_thickness_solved_um": float(designs[0].attrs["hl_thickness_um"])})
    return pd.DataFrame(out, columns=DESIGN_COLUMNS)


def interface_hotspot_table(designs: list[xr.Dataset]) -> pd.DataFrame:
    """Per interface resistance: bare hot-spot ratios (median, min, max over seeds) and the mean current density.

    No designs: an empty table with the same columns.
    """
    names = ("hotspot_ratio", "hotspot_max_over_mean", "total_current_bare_A_cm2")
    cols = ["R_int_ohm_cm2", "n_seeds", *[f"{n}{s}" for n in names for s in ("", "_min", "_max")]]
    out = []
    r_axis = designs[0]["R_int_ohm_cm2"].values if designs else []
    for i, r in enumerate(r_axis):
        row = {"R_int_ohm_cm2": float(r), "n_seeds": len(designs)}
        for name in names:
            med, lo, hi, _ = median_with_range(np.array([d[name].values[i] for d in designs]))
            row.update({name: med, f"{name}_min": lo, f"{name}_max": hi})
        out.append(row)
    return pd.DataFrame(out, columns=cols)
