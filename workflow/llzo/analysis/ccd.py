"""Short-circuit detection and critical current density (Fig. 5f; the short criterion also Fig. 5g).

A log is split into steps from the instrument's own columns (:mod:`llzo.analysis.echem_structure`):
rests and open-circuit periods carry no current and are never tested for a short; potentiostatic
steps are not current steps. The voltage is the cell voltage ``Ecell_V`` (``Ewe`` in a
two-electrode cell; ``Ewe - Ece`` with a reference electrode, because a short collapses the
voltage between the two electrodes; :func:`llzo.io.eclab.columns.cell_voltage`).

A short circuit is the abrupt collapse of abs(Ecell) below ``short_voltage_fraction`` of the
step's overpotential that lasts ``short_min_points`` samples. The step's overpotential
reference is the running maximum of abs(Ecell) since the step started, or, for the first samples
of a step, the previous galvanostatic step's median abs(Ecell) scaled by the current ratio
(ohmic), so a cell that collapses right after a current step is still caught.

CCD (claims ``ccd_none_mA_cm2``, ``ccd_au_mA_cm2``, ``ccd_hl_mA_cm2``): the current density
(I / ``area_cm2``) of the last step completed in both directions (plating and stripping)
before the step in which the cell shorts; per interlayer the median over cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from llzo.analysis.echem_structure import analyse_each_run, steps
from llzo.claims import Claim, median_over_cells


@dataclass(frozen=True)
class CCDParams:
    """Parameters of the short criterion and of the CCD step grouping (config ``analysis.echem``).

    Attributes
    ----------
    short_voltage_fraction
        A short is abs(Ecell) below this fraction of the step's overpotential.
    short_min_points
        ... for at least this many samples.
    step_rel_tol
        Galvanostatic steps whose current densities differ by less than this (relative) are one
        current-density step (plating and stripping of one step of the ramp).
    """

    short_voltage_fraction: float
    short_min_points: int
    step_rel_tol: float = 0.02

    @classmethod
    def from_config(cls, block: dict) -> CCDParams:
        """From the ``analysis.echem`` config block (``ccd_step_rel_tol`` optional, default 0.02)."""
        return cls(float(block["short_voltage_fraction"]), int(block["short_min_points"]),
                   float(block.get("ccd_step_rel_tol", 0.02)))


@dataclass(frozen=True)
class Short:
    """Where a cell shorted: row index, time (s) and step; ``None`` fields when it did not."""

    row: int | None
    time_s: float | None
    segment: int | None


def find_short(time_s: np.ndarray, V: np.ndarray, st: pd.DataFrame, *, short_voltage_fraction: float,
               short_min_points: int) -> Short:
    """First abrupt, sustained collapse of abs(V) during a galvanostatic step (see module doc).

    Parameters
    ----------
    time_s, V
        Time (s) and cell voltage (V) of the log.
    st
        Its steps (:func:`llzo.analysis.echem_structure.steps`).
    """
    v = np.abs(np.asarray(V, float))
    prev_eta, prev_I = None, None
    for s in st.itertuples(index=False):
        if s.kind != "galvanostatic" or s.I_mA == 0:
            continue
        seg_v = v[s.start: s.stop]
        ref = np.maximum.accumulate(seg_v)
        if prev_eta is not None:
            ref = np.maximum(ref, prev_eta * abs(s.I_mA) / abs(prev_I))
        low = seg_v < short_voltage_fraction * ref
        if low.any():
            # first run of >= short_min_points consecutive low samples (or until the step ends)
            run = np.convolve(low.astype(int), np.ones(short_min_points, int), mode="full")[: low.size]
            n_left = low.size - np.arange(low.size)
            ok = (run >= short_min_points) | ((n_left < short_min_points) & low[::-1].cumsum()[::-1].astype(bool)
                                               & (np.cumsum(~low[::-1])[::-1] == 0))
            if ok.any():
                i_end = int(np.argmax(ok))
                i0 = max(i_end - short_min_points + 1, 0) if run[i_end] >= short_min_points else i_end
                while i0 > 0 and low[i0 - 1]:
                    i0 -= 1
                row = s.start + i0
                return Short(row, float(time_s[row]), int(s.step))
        prev_eta, prev_I = float(np.median(seg_v)), s.I_mA
    return Short(None, None, None)


@dataclass(frozen=True)
class CCDResult:
    """Critical current density of one cell.

    Attributes
    ----------
    ccd_mA_cm2
        Current density of the last step held in both directions (0 if it shorted in the first).
    bound
        ``"gt"`` when the cell never shorted (the CCD is above the last step), ``"lt"`` when it
        shorted in the first step (CCD below that step), else ``None``.
    short_step_mA_cm2
        Current density of the step in which it shorted (``nan`` if none).
    short_time_h
        Time of the short from the start of the log, h.
    steps
        Per current-density step: ``j_mA_cm2``, ``eta_plating_V``, ``eta_stripping_V`` (median
        abs(Ecell)), ``completed`` (both directions without short), ``shorted``.
    """

    ccd_mA_cm2: float
    bound: str | None
    short_step_mA_cm2: float
    short_time_h: float
    steps: pd.DataFrame


def critical_current_density(d: pd.DataFrame, area_cm2: float, params: CCDParams) -> CCDResult:
    """CCD of a step-ramp log (plating and stripping at each current density).

    Parameters
    ----------
    d
        Tidy cycling frame (:func:`llzo.io.eclab.columns.cycling_table`).
    area_cm2
        Electrode area (> 0), cm2.
    params
        :class:`CCDParams`.

    Raises
    ------
    ValueError
        Non-positive area, or no galvanostatic step in the log.
    """
    if not area_cm2 > 0:
        raise ValueError(f"area_cm2 must be > 0, got {area_cm2}")
    time_s = d["time_s"].to_numpy(np.float64)
    V = d["Ecell_V"].to_numpy(np.float64)
    st = steps(d)
    short = find_short(time_s, V, st, short_voltage_fraction=params.short_voltage_fraction,
                       short_min_points=params.short_min_points)
    v = np.abs(V)
    flow = st[(st["kind"] == "galvanostatic") & (st["I_mA"] != 0)].copy()
    if flow.empty:
        raise ValueError("no galvanostatic current step in this log")
    flow["j_mA_cm2"] = np.abs(flow["I_mA"]) / area_cm2
    j = flow["j_mA_cm2"].to_numpy()
    flow["group"] = np.r_[0, np.cumsum(np.abs(np.diff(j)) > params.step_rel_tol * j[1:])]
    rows = []
    for k, g in flow.groupby("group", sort=True):
        eta = {np.sign(r.I_mA): float(np.median(v[r.start: r.stop])) for r in g.itertuples()}
        rows.append({"step": int(k), "j_mA_cm2": float(g["j_mA_cm2"].median()),
                     "eta_plating_V": eta.get(-1.0, np.nan), "eta_stripping_V": eta.get(1.0, np.nan),
                     "completed": bool(len(eta) == 2 and (short.segment is None or g["step"].max() < short.segment)),
                     "shorted": bool(short.segment is not None and short.segment in set(g["step"]))})
    table = pd.DataFrame(rows)
    if short.segment is None:
        done = table[table["completed"]]
        ccd = float(done["j_mA_cm2"].max()) if len(done) else 0.0
        return CCDResult(ccd, "gt", np.nan, np.nan, table)
    k_short = int(table.loc[table["shorted"], "step"].iloc[0])
    before = table[(table["step"] < k_short) & table["completed"]]
    j_short = float(table.loc[table["step"] == k_short, "j_mA_cm2"].iloc[0])
    if before.empty:
        return CCDResult(j_short, "lt", j_short, short.time_s / 3600, table)
    return CCDResult(float(before["j_mA_cm2"].iloc[-1]), None, j_short, short.time_s / 3600, table)


CCD_CLAIMS = (("none", "ccd_none_mA_cm2"), ("Au", "ccd_au_mA_cm2"), ("HL", "ccd_hl_mA_cm2"))


def ccd_claims(results: pd.DataFrame) -> list[Claim]:
    """Return the CCD claims per interlayer from per-cell results.

    Parameters
    ----------
    results
        One row per CCD run: ``interlayer``, ``cell``, ``ccd_mA_cm2``, ``bound`` (None/"gt"/"lt"),
        ``error`` (why the run gave no CCD; empty when it did).

    Returns
    -------
    list of Claim
        Per interlayer with runs: the median over its cells (spread min..max, ``n`` cells,
        ``bound`` when all cells share it); a claim whose runs all failed has no value and says why.
    """
    claims = []
    for il, cid in CCD_CLAIMS:
        sel = results[results["interlayer"] == il]
        if sel.empty:
            continue
        claims.append(median_over_cells(
            cid, sel, "ccd_mA_cm2", lambda b: "last step held in both directions" + (f" (bound {b})" if b else "")))
    return claims


def analyse_ccd_runs(meta: pd.DataFrame, cycling: pd.DataFrame, params: CCDParams
                     ) -> tuple[pd.DataFrame, dict[str, CCDResult]]:
    """CCD of every CCD run of ``echem_meta`` (a run that cannot be analysed gets its ``error``).

    Returns
    -------
    results, per_run
        ``results``: ``run_id, cell, interlayer, ccd_mA_cm2, bound, short_time_h, error``;
        ``per_run``: the :class:`CCDResult` of each analysed run.
    """
    return analyse_each_run(
        meta, cycling, "CCD", ("cell", "interlayer"), {"ccd_mA_cm2": np.nan, "bound": None, "short_time_h": np.nan},
        lambda r, d: critical_current_density(d, float(r.area_cm2), params),
        lambda res: {"ccd_mA_cm2": res.ccd_mA_cm2, "bound": res.bound, "short_time_h": res.short_time_h})
