"""Design map: how thick must the HL be to homogenize the Li+ flux, as a function of its conductivity.

For each HL conductivity the polycrystal of a seed is solved with a thick HL (``hl_thickness_um``
of the ``design`` config) and the homogenization distance is read from the max/mean profile in
the plating-side HL (same definition as the claim ``fe_hl_homogenized_um``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from llzo.fe.model import hl_profile, solve_case, window_cells
from llzo.fe.params import S_PER_CM, UM, FEParams
from llzo.fe.postprocess import excess_profile_pct, homogenized_distance, window_average


def design_map(p: FEParams, seed: int, hl_sigma_S_cm: Sequence[float], hl_thickness_um: float,
               homogenized_tolerance_pct: float, window_m: float) -> xr.Dataset:
    """Homogenization distance (um) and max/mean excess profile per HL conductivity for one seed.

    Returns
    -------
    xarray.Dataset
        ``hl_homogenized_um`` (NaN: not homogenized within the HL) and ``hl_excess_pct`` over
        (``hl_sigma_S_cm``, ``hl_distance_um``).
    """
    d_um, prof = [], []
    dist = None
    for s in hl_sigma_S_cm:
        r = solve_case(p, seed, "hl", hl_thickness_m=hl_thickness_um * UM, sigma_hl_S_m=float(s) * S_PER_CM)
        dist, rows = hl_profile(r)
        e = excess_profile_pct(window_average(rows, window_cells(p, window_m)))
        prof.append(e)
        d_um.append(homogenized_distance(dist, e, homogenized_tolerance_pct) / UM)
    return xr.Dataset(
        {
            "hl_homogenized_um": ("hl_sigma_S_cm", np.asarray(d_um), {"units": "um"}),
            "hl_excess_pct": (("hl_sigma_S_cm", "hl_distance_um"), np.asarray(prof), {"units": "%"}),
        },
        coords={"hl_sigma_S_cm": np.asarray(hl_sigma_S_cm, dtype=float), "hl_distance_um": dist / UM},
        attrs={"seed": int(seed), "homogenized_tolerance_pct": float(homogenized_tolerance_pct),
               "hl_thickness_um": float(hl_thickness_um)},
    )
