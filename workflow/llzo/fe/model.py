"""One ensemble member: build, solve and post-process the bare and HL cases of a Voronoi seed.

:func:`run_member` returns an :class:`xarray.Dataset` (SI units in ``attrs``), which the rule
writes as NetCDF and the Fig. 4 notebook aggregates over seeds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
import xarray as xr

from llzo.fe.assembly import assemble, sigma_field
from llzo.fe.geometry import Microstructure, make_microstructure
from llzo.fe.params import UM, FEParams, FEReadoutParams
from llzo.fe.postprocess import (
    Currents,
    GrainPeaks,
    currents,
    excess_profile_pct,
    grain_peaks,
    homogenized_distance,
    max_over_mean,
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
               sigma_hl_S_m: float | None = None, r_int_ohm_m2: float | None = None) -> CaseResult:
    """Solve the polycrystal of ``seed`` without (``bare``) or with (``hl``) homogenizing layers.

    ``hl_thickness_m``, ``sigma_hl_S_m`` and ``r_int_ohm_m2`` (interface resistance of the Li
    contacts) override the values of ``p``.
    """
    if case not in CASES:
        raise ValueError(f"case must be one of {CASES}, not {case!r}")
    p = replace(p, hl_thickness_m=p.hl_thickness_m if hl_thickness_m is None else hl_thickness_m,
                sigma_hl_S_m=p.sigma_hl_S_m if sigma_hl_S_m is None else sigma_hl_S_m,
                r_int_ohm_m2=p.r_int_ohm_m2 if r_int_ohm_m2 is None else r_int_ohm_m2)
    m = make_microstructure(p, seed, with_hl=case == "hl")
    sig = sigma_field(m, p.sigma_grain_S_m, p.sigma_hl_S_m)
    s = assemble(m, sig, p.gb_area_resistance_ohm_m2, p.bias_high_V, p.bias_low_V,
                 interface_resistance_ohm_m2=p.r_int_ohm_m2)
    sol = solve(s.A, s.b, method=method, red=s.red)
    return CaseResult(m, sol.phi_V.reshape(m.shape), currents(s, sol.phi_V), sol)


def plating_grain_peaks(r: CaseResult, readout: FEReadoutParams) -> GrainPeaks:
    """Per-grain peaks at the plating interface (y = top) of a ``bare`` case (:func:`grain_peaks`)."""
    if r.micro.n_hl_rows:
        raise ValueError("per-grain peaks are defined at the Li|LLZO interface of the bare case")
    return grain_peaks(r.cur.jy_faces_A_m2[-1], r.micro.labels[-1], r.micro.cell_m,
                       window_cells(r.micro.cell_m, readout.window_m), readout.min_contact_m)


def hl_profile(r: CaseResult) -> tuple[np.ndarray, np.ndarray]:
    """Distance from the HL/LLZO interface (m) and normal current density rows (A/m2) in the plating-side HL.

    Row 0 is the HL/LLZO interface itself, the last row the Li|HL interface.
    """
    nhl = r.micro.n_hl_rows
    ny = r.micro.shape[0]
    rows = np.arange(ny - nhl, ny + 1)  # y-face rows from the HL/LLZO interface to the Li face
    return (rows - (ny - nhl)) * r.micro.cell_m, r.cur.jy_faces_A_m2[rows]


def window_cells(cell_m: float, window_m: float) -> int:
    """Return the number of faces of width ``cell_m`` in the averaging window (at least 1)."""
    return max(1, round(window_m / cell_m))


def run_member(p: FEParams, seed: int, readout: FEReadoutParams, method: str = "amg") -> xr.Dataset:
    """Solve both cases of one seed and collect fields, interface profiles and scalars.

    Scalars (``attrs``), all at the plating interface and on running means over
    ``readout.window_m`` unless named ``pointwise``:

    * ``hotspot_ratio``: bare Li|LLZO, the largest per-grain peak over the median per-grain peak
      (:func:`llzo.fe.postprocess.grain_peaks`; claim ``fe_hotspot_ratio``);
    * ``hotspot_max_over_mean``: bare Li|LLZO, max / mean (claim ``fe_hotspot_max_over_mean``);
      ``hotspot_max_over_mean_li_hl`` and ``_hl_llzo`` the same at the Li|HL and HL|LLZO
      interfaces of the ``hl`` case;
    * ``hl_homogenized_um``: :func:`llzo.fe.postprocess.homogenized_distance` on the window-averaged
      rows of the plating-side HL (claim ``fe_hl_homogenized_um``);

    plus totals and solver statistics. The per-grain peaks are stored as variables over the
    dimension ``contact_grain``.
    """
    bare = solve_case(p, seed, "bare", method)
    hl = solve_case(p, seed, "hl", method)
    h = p.cell_m
    nhl = hl.micro.n_hl_rows
    w = window_cells(h, readout.window_m)
    dist_m, rows = hl_profile(hl)
    rows = window_average(rows, w)
    excess = excess_profile_pct(rows)
    d_h = homogenized_distance(dist_m, excess, readout.homogenized_tolerance_pct)
    j_bare_top = bare.cur.jy_faces_A_m2[-1]
    j_hl_top = hl.cur.jy_faces_A_m2[-1]
    j_hl_llzo = hl.cur.jy_faces_A_m2[-1 - nhl]
    peaks = plating_grain_peaks(bare, readout)
    peaks_pointwise = grain_peaks(j_bare_top, bare.micro.labels[-1], h, 1, readout.min_contact_m)

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
    ds["peak_grain"] = ("contact_grain", peaks.grain.astype(np.int32),
                        {"description": "grains touching the plating Li|LLZO interface (bare) that qualify"})
    ds["peak_contact_um"] = ("contact_grain", peaks.contact_m / UM, {"units": "um"})
    ds["peak_j_A_cm2"] = ("contact_grain", peaks.peak_A_m2 * 1e-4, {"units": "A cm-2",
                          "description": "the grain's peak of the running-mean normal current density"})
    ds["peak_x_um"] = ("contact_grain", peaks.peak_x_m / UM, {"units": "um"})
    attrs = {f"param_{k}": v for k, v in asdict(p).items()}
    attrs.update(
        seed=int(seed),
        homogenized_tolerance_pct=float(readout.homogenized_tolerance_pct),
        hotspot_window_um=w * h / UM,
        hotspot_min_contact_um=readout.min_contact_m / UM,
        hotspot_ratio=peaks.ratio,
        hotspot_ratio_pointwise=peaks_pointwise.ratio,
        hotspot_n_grains=int(peaks.grain.size),
        hotspot_max_over_mean=max_over_mean(window_average(j_bare_top, w)),
        hotspot_max_over_mean_li_hl=max_over_mean(window_average(j_hl_top, w)),
        hotspot_max_over_mean_hl_llzo=max_over_mean(window_average(j_hl_llzo, w)),
        hotspot_max_over_mean_pointwise=max_over_mean(j_bare_top),
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
