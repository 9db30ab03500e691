"""Long-term cycling: symmetric Li|LLZO|Li cells (Fig. 5g) and full cells (Fig. 5h, S12).

SYM: overpotential per half cycle (median and max of abs(Ewe)) vs time and the time to short
(same criterion as :mod:`llzo.analysis.ccd`); with no short, the log's duration as a lower bound.

FULL: per complete cycle the charge and discharge capacities (integral of abs(I) dt per half
cycle), the specific capacities (mAh g-1 of active material), the coulombic efficiency
(config ``coulombic_efficiency``: ``discharge_over_charge`` by default; battery tools disagree) and
the retention vs cycle ``retention_reference_cycle``. A cycle is complete when its charge and its
discharge are complete; the last half cycle of the file is complete only if it ends within
``cutoff_tolerance_V`` of the median end voltage of the earlier half cycles of that direction.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from llzo.analysis.ccd import find_short, segments


@dataclass(frozen=True)
class SymResult:
    """Symmetric-cell cycling summary.

    Attributes
    ----------
    hours
        Time to short from the start of cycling, h; the log's duration when it never shorted.
    bound
        ``"gt"`` when the cell never shorted.
    half_cycles
        ``half_cycle, t_mid_h, j_mA_cm2, eta_median_mV, eta_max_mV, shorted``.
    """

    hours: float
    bound: str | None
    half_cycles: pd.DataFrame


def symmetric_cycling(time_s: np.ndarray, Ewe_V: np.ndarray, I_mA: np.ndarray, area_cm2: float, *,
                      short_voltage_fraction: float, short_min_points: int) -> SymResult:
    """Overpotential per half cycle and time to short of a symmetric cell."""
    if not area_cm2 > 0:
        raise ValueError(f"area_cm2 must be > 0, got {area_cm2}")
    time_s = np.asarray(time_s, float)
    v = np.abs(np.asarray(Ewe_V, float))
    segs = segments(time_s, I_mA)
    flow = segs[segs["I_mA"] != 0]
    if flow.empty:
        raise ValueError("no current flows in this log")
    t0 = float(time_s[int(flow["start"].iloc[0])])
    short = find_short(time_s, Ewe_V, I_mA, segs, short_voltage_fraction=short_voltage_fraction,
                       short_min_points=short_min_points)
    starts, stops = flow["start"].to_numpy(), flow["stop"].to_numpy()
    med = np.array([np.median(v[a:b]) for a, b in zip(starts, stops, strict=True)])
    mx = np.array([np.max(v[a:b]) for a, b in zip(starts, stops, strict=True)])
    half = pd.DataFrame({
        "half_cycle": np.arange(1, len(flow) + 1),
        "t_mid_h": (0.5 * (flow["t_start_s"].to_numpy() + flow["t_stop_s"].to_numpy()) - t0) / 3600,
        "j_mA_cm2": flow["I_mA"].to_numpy() / area_cm2,
        "eta_median_mV": 1e3 * med, "eta_max_mV": 1e3 * mx,
        "shorted": (flow["segment"].to_numpy() >= short.segment) if short.segment is not None else False,
    })
    if short.time_s is None:
        return SymResult((float(time_s[-1]) - t0) / 3600, "gt", half)
    return SymResult((short.time_s - t0) / 3600, None, half)


def _half_cycles(time_s: np.ndarray, Ewe_V: np.ndarray, I_mA: np.ndarray) -> pd.DataFrame:
    segs = segments(time_s, I_mA, rel_tol=0.5)
    sign = np.sign(segs["I_mA"].to_numpy())
    # merge consecutive segments of one sign (CC steps of different size within one half cycle)
    grp = np.r_[0, np.cumsum(sign[1:] != sign[:-1])]
    rows = []
    for _, g in segs.groupby(grp, sort=True):
        a, b = int(g["start"].iloc[0]), int(g["stop"].iloc[-1])
        sg = float(np.sign(g["I_mA"].iloc[0]))
        if sg == 0:
            continue
        t = time_s[max(a - 1, 0): b]
        i = np.abs(I_mA[max(a - 1, 0): b])
        i[0] = i[min(1, i.size - 1)]
        q = float(np.sum(0.5 * (i[1:] + i[:-1]) * np.diff(t)) / 3600) if i.size > 1 else 0.0
        rows.append({"sign": sg, "start": a, "stop": b, "q_mAh": q, "v_end_V": float(Ewe_V[b - 1]),
                     "followed": b < len(time_s)})
    return pd.DataFrame(rows)


def full_cell_cycles(time_s: np.ndarray, Ewe_V: np.ndarray, I_mA: np.ndarray, active_mass_mg: float, *,
                     coulombic_efficiency: str = "discharge_over_charge", cutoff_tolerance_V: float = 0.02
                     ) -> pd.DataFrame:
    """Per complete cycle: capacities, specific capacities and coulombic efficiency.

    Returns
    -------
    DataFrame
        ``cycle, q_charge_mAh, q_discharge_mAh, q_charge_mAh_g, q_discharge_mAh_g, ce_pct``.
    """
    if not active_mass_mg > 0:
        raise ValueError(f"active_mass_mg must be > 0, got {active_mass_mg}")
    time_s = np.asarray(time_s, float)
    h = _half_cycles(time_s, np.asarray(Ewe_V, float), np.asarray(I_mA, float))
    if h.empty:
        return pd.DataFrame(columns=["cycle", "q_charge_mAh", "q_discharge_mAh", "q_charge_mAh_g",
                                     "q_discharge_mAh_g", "ce_pct"])
    complete = h["followed"].to_numpy().copy()
    last = len(h) - 1
    same = h[(h["sign"] == h["sign"].iloc[last]) & h["followed"]]
    if len(same):
        complete[last] = abs(h["v_end_V"].iloc[last] - same["v_end_V"].median()) <= cutoff_tolerance_V
    h["complete"] = complete
    rows = []
    k = 0
    while k < len(h) - 1:
        if h["sign"].iloc[k] > 0 and h["sign"].iloc[k + 1] < 0:
            if h["complete"].iloc[k] and h["complete"].iloc[k + 1]:
                rows.append((h["q_mAh"].iloc[k], h["q_mAh"].iloc[k + 1]))
            k += 2
        else:
            k += 1
    df = pd.DataFrame(rows, columns=["q_charge_mAh", "q_discharge_mAh"])
    df.insert(0, "cycle", np.arange(1, len(df) + 1))
    m_g = active_mass_mg * 1e-3
    df["q_charge_mAh_g"] = df["q_charge_mAh"] / m_g
    df["q_discharge_mAh_g"] = df["q_discharge_mAh"] / m_g
    if coulombic_efficiency == "discharge_over_charge":
        df["ce_pct"] = 100 * df["q_discharge_mAh"] / df["q_charge_mAh"]
    elif coulombic_efficiency == "charge_over_discharge":
        df["ce_pct"] = 100 * df["q_charge_mAh"] / df["q_discharge_mAh"]
    else:
        raise ValueError(f"unknown coulombic_efficiency definition {coulombic_efficiency!r}")
    return df


def retention_pct(cycles: pd.DataFrame, reference_cycle: int) -> float:
    """Last complete cycle's discharge capacity / that of ``reference_cycle``, in %.

    Returns NaN (with a warning, never a silent fallback) when the reference cycle is missing.
    """
    if reference_cycle < 1 or reference_cycle > len(cycles):
        warnings.warn(f"retention reference cycle {reference_cycle} not in the {len(cycles)} complete cycles",
                      stacklevel=2)
        return float("nan")
    q = cycles["q_discharge_mAh"].to_numpy()
    return float(100 * q[-1] / q[reference_cycle - 1])
