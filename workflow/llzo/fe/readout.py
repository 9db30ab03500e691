"""The Fig. 4 claims re-read from stored ensemble members with other read-out parameters (no re-solve).

The read-out of a solved member (:func:`llzo.fe.model.run_member`) has three parameters of its
own: the running-mean width ``hotspot_window_um``, the shortest grain contact that counts
``hotspot_min_contact_um`` and the homogenization tolerance ``homogenized_tolerance_pct``. A
member file stores what they act on:

* ``j_li_llzo_bare_A_cm2`` (the normal current density on every face of the plating Li|LLZO
  interface without HL, float64) and ``grain_bare`` (the grain label of every cell; its last row
  is the row behind that interface), with the cell size in the attribute ``param_cell_m``: the
  per-grain peaks and the max/mean are recomputed exactly as the member did
  (:func:`llzo.fe.postprocess.grain_peaks`, :func:`~llzo.fe.postprocess.max_over_mean`);
* ``hl_distance_um`` and ``hl_excess_pct`` (the excess of the maximum over the mean current
  density in the plating-side HL, row by row, after the running mean of the member's window): the
  homogenization distance is re-read at any tolerance
  (:func:`llzo.fe.postprocess.homogenized_distance`).

The HL rows are stored only after the member's running mean, not face by face, so
``fe_hl_homogenized_um`` cannot be re-read with another window: :func:`readout_table` keeps the
stored profile (the member's window) for it whatever ``window_um`` is.
"""

from __future__ import annotations

import pandas as pd
import xarray as xr

from llzo.claims import Claim
from llzo.fe.ensemble import fe_claims
from llzo.fe.model import window_cells
from llzo.fe.params import UM
from llzo.fe.postprocess import grain_peaks, homogenized_distance, max_over_mean, window_average

#: Columns of :func:`readout_table` (those of :func:`llzo.fe.ensemble.member_table` that the claims use).
READOUT_COLUMNS = ["seed", "hotspot_ratio", "hotspot_n_grains", "hotspot_max_over_mean", "hl_homogenized_um"]


def readout_table(members: list[xr.Dataset], window_um: float, min_contact_um: float,
                  tolerance_pct: float) -> pd.DataFrame:
    """Per seed: the read-outs of the Fig. 4 claims with the given read-out parameters.

    Parameters
    ----------
    members
        Ensemble members (:func:`llzo.fe.ensemble.read_index`).
    window_um
        Running-mean width along the interface (um; rounded to whole cells as in the member).
    min_contact_um
        A grain counts when it touches the plating Li over at least this length (um).
    tolerance_pct
        Homogenization tolerance (% of the mean current density).

    Returns
    -------
    pandas.DataFrame
        :data:`READOUT_COLUMNS`, one row per seed; with the members' own read-out parameters the
        values are those of their attributes.
    """
    rows = []
    for ds in members:
        cell_m = float(ds.attrs["param_cell_m"])
        j_A_m2 = ds["j_li_llzo_bare_A_cm2"].values * 1e4
        labels = ds["grain_bare"].values[-1]
        w = window_cells(cell_m, window_um * UM)
        peaks = grain_peaks(j_A_m2, labels, cell_m, w, min_contact_um * UM)
        rows.append({"seed": int(ds.attrs["seed"]), "hotspot_ratio": peaks.ratio,
                     "hotspot_n_grains": int(peaks.grain.size),
                     "hotspot_max_over_mean": max_over_mean(window_average(j_A_m2, w)),
                     "hl_homogenized_um": homogenized_distance(ds["hl_distance_um"].values, ds["hl_excess_pct"].values,
                                                               tolerance_pct)})
    return pd.DataFrame(rows, columns=READOUT_COLUMNS).sort_values("seed").reset_index(drop=True)


def readout_claims(members: list[xr.Dataset], window_um: float, min_contact_um: float,
                   tolerance_pct: float) -> list[Claim]:
    """Return the Fig. 4 claims (:func:`llzo.fe.ensemble.fe_claims`) with the given read-out parameters.

    Raises
    ------
    ValueError
        No members, or members solved with different HL thicknesses.
    """
    if not members:
        raise ValueError("no ensemble members")
    hl = {float(ds.attrs["param_hl_thickness_m"]) for ds in members}
    if len(hl) != 1:
        raise ValueError(f"members solved with different HL thicknesses {sorted(hl)} m")
    return fe_claims(readout_table(members, window_um, min_contact_um, tolerance_pct), hl.pop() / UM, tolerance_pct,
                     window_um, min_contact_um)

