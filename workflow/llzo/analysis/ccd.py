"""Galvanostatic segments, short-circuit detection and critical current density (Fig. 5f, 5g).

A log of a Li|LLZO|Li cell is split into galvanostatic segments (runs of constant current).
A short circuit is the abrupt collapse of abs(Ewe) below ``short_voltage_fraction`` of the
segment's overpotential that lasts ``short_min_points`` samples (docs/claims.md). The segment's
overpotential reference is the running maximum of abs(Ewe) since the segment started, or, for the
first samples of a segment, the previous segment's median abs(Ewe) scaled by the current ratio
(ohmic), so a cell that collapses right after a current step is still caught.

CCD (docs/claims.md, ``ccd_*_mA_cm2``): the current density of the last step completed in both
directions (plating and stripping) before the step in which the cell shorts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def segments(time_s: np.ndarray, I_mA: np.ndarray, rel_tol: float = 0.01) -> pd.DataFrame:
    """Galvanostatic segments of a log.

    Returns
    -------
    DataFrame
        ``segment, start, stop`` (row slice), ``I_mA`` (median), ``t_start_s``, ``t_stop_s``;
        rest segments (I = 0) are included with ``I_mA`` 0.
    """
    I_mA = np.asarray(I_mA, float)
    scale = max(float(np.nanmax(np.abs(I_mA))), 1e-12)
    sign = np.sign(np.where(np.abs(I_mA) < 1e-6 * scale, 0.0, I_mA))
    mag = np.abs(I_mA)
    brk = np.r_[True, (sign[1:] != sign[:-1]) | (np.abs(mag[1:] - mag[:-1]) > rel_tol * np.maximum(mag[1:], mag[:-1]))]
    starts = np.nonzero(brk)[0]
    stops = np.r_[starts[1:], I_mA.size]
    rows = [{"segment": k, "start": int(a), "stop": int(b), "I_mA": float(np.median(I_mA[a:b])),
             "t_start_s": float(time_s[a]), "t_stop_s": float(time_s[b - 1])}
            for k, (a, b) in enumerate(zip(starts, stops, strict=True))]
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Short:
    """Where a cell shorted: row index, time (s) and segment; ``None`` fields when it did not."""

    row: int | None
    time_s: float | None
    segment: int | None


def find_short(time_s: np.ndarray, Ewe_V: np.ndarray, I_mA: np.ndarray, segs: pd.DataFrame, *,
               short_voltage_fraction: float, short_min_points: int) -> Short:
    """First abrupt, sustained collapse of abs(Ewe) during current flow (see module doc)."""
    v = np.abs(np.asarray(Ewe_V, float))
    prev_eta, prev_I = None, None
    for s in segs.itertuples(index=False):
        if s.I_mA == 0:
            continue
        seg_v = v[s.start: s.stop]
        ref = np.maximum.accumulate(seg_v)
        if prev_eta is not None:
            ref = np.maximum(ref, prev_eta * abs(s.I_mA) / abs(prev_I))
        low = seg_v < short_voltage_fraction * ref
        if low.any():
            # first run of >= short_min_points consecutive low samples (or until the segment ends)
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
                return Short(row, float(time_s[row]), int(s.segment))
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
        Per step: ``j_mA_cm2``, ``eta_plating_V``, ``eta_stripping_V`` (median abs(Ewe)),
        ``completed`` (both directions without short).
    """

    ccd_mA_cm2: float
    bound: str | None
    short_step_mA_cm2: float
    short_time_h: float
    steps: pd.DataFrame


def critical_current_density(time_s: np.ndarray, Ewe_V: np.ndarray, I_mA: np.ndarray, area_cm2: float, *,
                             short_voltage_fraction: float, short_min_points: int,
                             step_rel_tol: float = 0.02) -> CCDResult:
    """CCD of a step-ramp log (plating and stripping at each current density).

    Parameters
    ----------
    time_s, Ewe_V, I_mA
        The log (s, V, mA).
    area_cm2
        Electrode area (> 0), cm2.
    short_voltage_fraction, short_min_points
        Short criterion (config ``analysis.echem``).
    """
    if not area_cm2 > 0:
        raise ValueError(f"area_cm2 must be > 0, got {area_cm2}")
    time_s = np.asarray(time_s, float)
    segs = segments(time_s, I_mA)
    short = find_short(time_s, Ewe_V, I_mA, segs, short_voltage_fraction=short_voltage_fraction,
                       short_min_points=short_min_points)
    v = np.abs(np.asarray(Ewe_V, float))
    flow = segs[segs["I_mA"] != 0].copy()
    flow["j_mA_cm2"] = np.abs(flow["I_mA"]) / area_cm2
    # group segments into steps of equal |j|
    step_id = np.r_[0, np.cumsum(np.abs(np.diff(flow["j_mA_cm2"].to_numpy()))
                                  > step_rel_tol * flow["j_mA_cm2"].to_numpy()[1:])]
    flow["step"] = step_id
    rows = []
    for k, g in flow.groupby("step", sort=True):
        eta = {np.sign(r.I_mA): float(np.median(v[r.start: r.stop])) for r in g.itertuples()}
        rows.append({"step": int(k), "j_mA_cm2": float(g["j_mA_cm2"].median()),
                     "eta_plating_V": eta.get(-1.0, np.nan), "eta_stripping_V": eta.get(1.0, np.nan),
                     "completed": bool(len(eta) == 2 and
                                       (short.segment is None or g["segment"].max() < short.segment)),
                     "shorted": bool(short.segment is not None and short.segment in set(g["segment"]))})
    steps = pd.DataFrame(rows)
    if short.segment is None:
        done = steps[steps["completed"]]
        ccd = float(done["j_mA_cm2"].max()) if len(done) else 0.0
        return CCDResult(ccd, "gt", np.nan, np.nan, steps)
    k_short = int(steps.loc[steps["shorted"], "step"].iloc[0])
    before = steps[(steps["step"] < k_short) & steps["completed"]]
    j_short = float(steps.loc[steps["step"] == k_short, "j_mA_cm2"].iloc[0])
    if before.empty:
        return CCDResult(j_short, "lt", j_short, short.time_s / 3600, steps)
    return CCDResult(float(before["j_mA_cm2"].iloc[-1]), None, j_short, short.time_s / 3600, steps)
