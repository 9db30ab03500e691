"""One ensemble member: build, solve and post-process the bare and HL cases of a Voronoi seed.

:func:`run_member` returns an :class:`xarray.Dataset` (SI units in ``attrs``), which the rule
writes as NetCDF and the Fig. 4 notebook aggregates over seeds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import xarray as xr

from llzo.fe.assembly import assemble, sigma_field
from llzo.fe.geometry import Microstructure, make_microstructure
from llzo.fe.params import UM, FEParams
from llzo.fe.postprocess import (
    Currents,
    currents,
    excess_profile_pct,
    homogenized_distance,
    hotspot_ratio,
    window_average,
)
from llzo.fe.solve import Solution, solve

CASES = ("bare", "hl")


@dataclass(frozen=True)
class CaseResult:
    """A solved case: geometry, potential (ny, nx) in V, currents and solver statistics."""

    micro: Microstructure
    phi_V: np.ndarray
    cur: Currents
    sol: Solution


def solve_case(p: FEParams, seed: int, case: str, method: str = "amg", hl_thickness_m: float | None = None,
               sigma_hl_S_m: float | None = None) -> CaseResult:
    """Solve the polycrystal of ``seed`` without (``bare``) or with (``hl``) homogenizing layers."""
    if case not in CASES:
        raise ValueError(f"case must be one of {CASES}, not {case!r}")
    if hl_thickness_m is not None or sigma_hl_S_m is not None:
        from dataclasses import replace

        p = replace(p, hl_thickness_m=p.hl_thickness_m if hl_thickness_m is None else hl_thickness_m,
                    sigma_hl_S_m=p.sigma_hl_S_m if sigma_hl_S_m is None else sigma_hl_S_m)
    m = make_microstructure(p, seed, with_hl=case == "hl")
    sig = sigma_field(m, p.sigma_grain_S_m, p.sigma_hl_S_m)
    s = assemble(m, sig, p.gb_area_resistance_ohm_m2, p.bias_high_V, p.bias_low_V)
    sol = solve(s.A, s.b, method=method, red=s.red)
    return CaseResult(m, sol.phi_V.reshape(m.shape), currents(s, sol.phi_V), sol)


def hl_profile(r: CaseResult) -> tuple[np.ndarray, np.ndarray]:
    """Distance from the HL/LLZO interface (m) and normal current density rows (A/m2) in the plating-side HL.

    Row 0 is the HL/LLZO interface itself, the last row the Li|HL interface.
    """
    nhl = r.micro.n_hl_rows
    ny = r.micro.shape[0]
    rows = np.arange(ny - nhl, ny + 1)  # y-face rows from the HL/LLZO interface to the Li face
    return (rows - (ny - nhl)) * r.micro.cell_m, r.cur.jy_faces_A_m2[rows]


def window_cells(p: FEParams, window_m: float) -> int:
    """Return the number of faces in the averaging window (at least 1)."""
    return max(1, round(window_m / p.cell_m))


def run_member(p: FEParams, seed: int, homogenized_tolerance_pct: float, hotspot_window_m: float,
               method: str = "amg") -> xr.Dataset:
    """Solve both cases of one seed and collect fields, interface profiles and scalars.

    Scalars (``attrs``): ``hotspot_ratio`` (bare, plating Li|LLZO interface: max / mean of the
    normal current density averaged over ``hotspot_window_m``), ``hotspot_ratio_hl`` (same at
    the Li|HL interface), ``hl_homogenized_um`` (:func:`llzo.fe.postprocess.homogenized_distance`
    on the window-averaged rows of the plating-side HL), totals and solver statistics.
    """
    bare = solve_case(p, seed, "bare", method)
    hl = solve_case(p, seed, "hl", method)
    h = p.cell_m
    nhl = hl.micro.n_hl_rows
    w = window_cells(p, hotspot_window_m)
    dist_m, rows = hl_profile(hl)
    rows = window_average(rows, w)
    excess = excess_profile_pct(rows)
    d_h = homogenized_distance(dist_m, excess, homogenized_tolerance_pct)
    j_bare_top = bare.cur.jy_faces_A_m2[-1]
    j_hl_top = hl.cur.jy_faces_A_m2[-1]
    j_hl_llzo = hl.cur.jy_faces_A_m2[-1 - nhl]

    ds = xr.Dataset()
    for name, r in (("bare", bare), ("hl", hl)):
        ny, _nx = r.micro.shape
        y = f"y_{name}_um"
        ds = ds.assign_coords({y: (y, (np.arange(ny) + 0.5) * h / UM)})
        jx, jy = r.cur.cell_fields()
        ds[f"phi_{name}_V"] = ((y, "x_um"), r.phi_V.astype(np.float32), {"units": "V"})
        ds[f"jx_{name}_A_cm2"] = ((y, "x_um"), (jx * 1e-4).astype(np.float32), {"units": "A cm-2"})
        ds[f"jy_{name}_A_cm2"] = ((y, "x_um"), (jy * 1e-4).astype(np.float32), {"units": "A cm-2"})
        ds[f"grain_{name}"] = ((y, "x_um"), r.micro.labels, {"description": "grain id; -1 = HL"})
    ds = ds.assign_coords(x_um=("x_um", bare.micro.x_m / UM))
    ds = ds.assign_coords(hl_distance_um=("hl_distance_um", dist_m / UM))
    ds["j_li_llzo_bare_A_cm2"] = ("x_um", j_bare_top * 1e-4, {"units": "A cm-2",
                                  "description": "normal current density at the plating Li|LLZO interface, no HL"})
    ds["j_li_hl_A_cm2"] = ("x_um", j_hl_top * 1e-4, {"units": "A cm-2",
                           "description": "normal current density at the plating Li|HL interface"})
    ds["j_hl_llzo_A_cm2"] = ("x_um", j_hl_llzo * 1e-4, {"units": "A cm-2",
                             "description": "normal current density at the HL|LLZO interface (plating side)"})
    ds["hl_jmax_A_cm2"] = ("hl_distance_um", rows.max(axis=1) * 1e-4, {"units": "A cm-2"})
    ds["hl_jmean_A_cm2"] = ("hl_distance_um", rows.mean(axis=1) * 1e-4, {"units": "A cm-2"})
    ds["hl_excess_pct"] = ("hl_distance_um", excess, {"units": "%", "description": "100 (max/mean - 1)"})
    ds["seeds_x_um"] = ("grain", bare.micro.seeds_m[:, 0] / UM)
    ds["seeds_y_um"] = ("grain", bare.micro.seeds_m[:, 1] / UM)
    attrs = {f"param_{k}": v for k, v in asdict(p).items()}
    attrs.update(
        seed=int(seed),
        homogenized_tolerance_pct=float(homogenized_tolerance_pct),
        hotspot_window_um=w * h / UM,
        hotspot_ratio=hotspot_ratio(window_average(j_bare_top, w)),
        hotspot_ratio_hl=hotspot_ratio(window_average(j_hl_top, w)),
        hotspot_ratio_hl_llzo=hotspot_ratio(window_average(j_hl_llzo, w)),
        hotspot_ratio_pointwise=hotspot_ratio(j_bare_top),
        hl_homogenized_um=d_h / UM,
        total_current_bare_A_m=bare.cur.total_out_A_m,
        total_current_hl_A_m=hl.cur.total_out_A_m,
        conservation_bare=abs(bare.cur.total_in_A_m - bare.cur.total_out_A_m) / abs(bare.cur.total_out_A_m),
        conservation_hl=abs(hl.cur.total_in_A_m - hl.cur.total_out_A_m) / abs(hl.cur.total_out_A_m),
        solver=bare.sol.method,
        iterations_bare=bare.sol.iterations,
        iterations_hl=hl.sol.iterations,
        unknowns_bare=int(bare.phi_V.size),
        unknowns_hl=int(hl.phi_V.size),
        convention="y = 0: Li at bias_high_V; y = top: plating Li at bias_low_V; no-flux sides",
    )
    ds.attrs = {k: (float(v) if isinstance(v, (np.floating,)) else v) for k, v in attrs.items()}
    return ds
