"""Design map: how thick must the HL be to homogenize the Li+ flux, vs its conductivity and the interface resistance.

For each interface resistance R_int of the Li contacts (a Robin condition, see
:mod:`llzo.fe.assembly`; 0 = the paper's ideal contacts) and each HL conductivity, the
polycrystal of a seed is solved with a thick HL (``hl_thickness_m``) and the homogenization
distance is read from the max/mean profile in the plating-side HL (same definition as the claim
``fe_hl_homogenized_um``). For each R_int the bare polycrystal (no HL) is solved too, and its
hot-spot ratios at the plating Li|LLZO interface are kept (same definitions as the claims
``fe_hotspot_ratio`` and ``fe_hotspot_max_over_mean``).

Why R_int matters: a contact resistance R_int in series with the electrolyte spreads the current
over the electrode on the length scale sigma R_int (the Wagner number of current distribution;
Newman & Thomas-Alyea, Electrochemical Systems, 3rd ed., Wiley 2004). For sigma_grain = 1e-3 S/cm
and the R_int of a bare Li|LLZO contact measured by impedance (~1000 ohm cm2) that length is ~1 cm,
far above the grain size, so the interface resistance levels out the grain-scale hot spots that
ideal contacts show. R_int sits on the Li contact only (Li|LLZO, or Li|HL with an HL); the HL|LLZO
interface stays ideal.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from llzo.fe.model import hl_profile, plating_grain_peaks, solve_case, window_cells
from llzo.fe.params import OHM_CM2, S_PER_CM, UM, FEParams, FEReadoutParams
from llzo.fe.postprocess import excess_profile_pct, homogenized_distance, max_over_mean, window_average


def design_map(p: FEParams, seed: int, sigma_hl_S_cm: Sequence[float], hl_thickness_um: float,
               readout: FEReadoutParams, R_int_ohm_cm2: Sequence[float] | None = None) -> xr.Dataset:
    """Homogenization distance vs HL conductivity and interface resistance, and bare hot spots vs R_int, for one seed.

    Parameters
    ----------
    p
        The model (its own ``r_int_ohm_m2`` is the default R_int axis).
    seed
        Voronoi seed.
    sigma_hl_S_cm
        HL conductivities (S/cm).
    hl_thickness_um
        Thickness of the HL solved (um); distances beyond it are "not homogenized".
    readout
        Window, minimum grain contact and homogenization tolerance.
    R_int_ohm_cm2
        Interface resistances of the Li contacts (ohm cm2); default: ``[p.r_int_ohm_m2]``.

    Returns
    -------
    xarray.Dataset
        ``hl_homogenized_um`` (NaN: not homogenized within the HL) over (``R_int_ohm_cm2``,
        ``sigma_hl_S_cm``); ``hl_excess_pct`` over those and ``hl_distance_um``;
        ``hotspot_ratio``, ``hotspot_max_over_mean`` and ``hotspot_n_grains`` (bare case) and
        ``total_current_bare_A_cm2`` over ``R_int_ohm_cm2``.
    """
    r_axis = np.asarray([p.r_int_ohm_m2 / OHM_CM2] if R_int_ohm_cm2 is None else R_int_ohm_cm2, dtype=float)
    if np.any(r_axis < 0) or np.unique(r_axis).size != r_axis.size:
        raise ValueError(f"R_int_ohm_cm2 must be distinct values >= 0, got {list(r_axis)}")
    sig_axis = np.asarray(sigma_hl_S_cm, dtype=float)
    w = window_cells(p.cell_m, readout.window_m)
    d_um = np.full((r_axis.size, sig_axis.size), np.nan)
    prof = []
    ratio, mom, n_grains, j_mean = [], [], [], []
    dist = None
    for i, r_int in enumerate(r_axis):
        bare = solve_case(p, seed, "bare", r_int_ohm_m2=r_int * OHM_CM2)
        peaks = plating_grain_peaks(bare, readout)
        ratio.append(peaks.ratio)
        n_grains.append(peaks.grain.size)
        mom.append(max_over_mean(window_average(bare.cur.jy_faces_A_m2[-1], w)))
        j_mean.append(bare.cur.total_out_A_m / (bare.micro.shape[1] * p.cell_m) * 1e-4)
        row = []
        for k, s in enumerate(sig_axis):
            r = solve_case(p, seed, "hl", hl_thickness_m=hl_thickness_um * UM, sigma_hl_S_m=float(s) * S_PER_CM,
                           r_int_ohm_m2=r_int * OHM_CM2)
            dist, rows = hl_profile(r)
            e = excess_profile_pct(window_average(rows, w))
            row.append(e)
            d_um[i, k] = homogenized_distance(dist, e, readout.homogenized_tolerance_pct) / UM
        prof.append(row)
    dims = ("R_int_ohm_cm2", "sigma_hl_S_cm")
    return xr.Dataset(
        {
            "hl_homogenized_um": (dims, d_um, {"units": "um"}),
            "hl_excess_pct": ((*dims, "hl_distance_um"), np.asarray(prof), {"units": "%"}),
            "hotspot_ratio": ("R_int_ohm_cm2", np.asarray(ratio),
                              {"description": "bare Li|LLZO: largest per-grain peak / median peak"}),
            "hotspot_max_over_mean": ("R_int_ohm_cm2", np.asarray(mom),
                                      {"description": "bare Li|LLZO: max / mean of running means"}),
            "hotspot_n_grains": ("R_int_ohm_cm2", np.asarray(n_grains, dtype=np.int32)),
            "total_current_bare_A_cm2": ("R_int_ohm_cm2", np.asarray(j_mean), {"units": "A cm-2",
                                         "description": "mean current density through the bare cell"}),
        },
        coords={"R_int_ohm_cm2": r_axis, "sigma_hl_S_cm": sig_axis, "hl_distance_um": dist / UM},
        attrs={"seed": int(seed), "homogenized_tolerance_pct": float(readout.homogenized_tolerance_pct),
               "hl_thickness_um": float(hl_thickness_um), "hotspot_window_um": w * p.cell_m / UM,
               "hotspot_min_contact_um": readout.min_contact_m / UM},
    )
