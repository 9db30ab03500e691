"""Long-term cycling: symmetric Li|LLZO|Li cells (Fig. 5g) and full cells (Fig. 5h, S12).

Half cycles come from the instrument's own columns (``Ns``, ``mode``, ``half cycle``, the
current's direction; :mod:`llzo.analysis.echem_structure`); rests and open-circuit periods are
excluded. EC-Lab's ``cycle number`` is not used: many binaries lack it, and it restarts in files
that chain several techniques; a cycle is counted from the half cycles themselves.

SYM (claims ``sym_hl_hours_stable``, ``sym_none_hours_to_short``, ``sym_au_hours_to_short``):
overpotential per galvanostatic half cycle (median and max of abs(Ecell), the cell voltage:
both interfaces of the symmetric cell) vs time, and the time from the start of cycling (the
first galvanostatic step) to the short (criterion of :mod:`llzo.analysis.ccd`); with no short,
the log's duration and bound ``gt``. Per interlayer the median over cells.

FULL (claims ``full_lfp_cycles``, ``full_ncm523_cycles``, ``full_*_retention_pct``): per
complete cycle (a charge, I > 0 at the working electrode, followed by a discharge) the charge
and discharge capacities, specific capacities (mAh g-1 of active material), coulombic
efficiency (config ``coulombic_efficiency``; battery tools disagree) and retention vs cycle
``retention_reference_cycle``. A half cycle's capacity is the instrument's own charge where the
file has it (``Q charge/discharge``, reset by EC-Lab at each half cycle; else the change of
``(Q-Qo)``), and always also the integral of abs(I) dt (EC-Lab's rectangle rule: each row's
current over the interval ending at it); both are tabulated and their difference reported. The
last half cycle of the file is complete only if it ends within ``cutoff_tolerance_V`` of the
median end potential of the earlier half cycles of its direction (``Ewe``, the potential the
instrument's limits act on). Per cathode the median over cells.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from llzo.analysis.ccd import find_short
from llzo.analysis.echem_structure import analyse_each_run, half_cycles, step_rows, steps
from llzo.claims import Claim, median_over_cells


@dataclass(frozen=True)
class SymParams:
    """Short criterion of the symmetric-cell analysis (config ``analysis.echem``)."""

    short_voltage_fraction: float
    short_min_points: int

    @classmethod
    def from_config(cls, block: dict) -> SymParams:
        """From the ``analysis.echem`` config block."""
        return cls(float(block["short_voltage_fraction"]), int(block["short_min_points"]))


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
    t0_s
        Start of cycling (first galvanostatic step), s.
    """

    hours: float
    bound: str | None
    half_cycles: pd.DataFrame
    t0_s: float = 0.0


def symmetric_cycling(d: pd.DataFrame, area_cm2: float, params: SymParams) -> SymResult:
    """Overpotential per half cycle and time to short of a symmetric cell.

    Raises
    ------
    ValueError
        Non-positive area, or no galvanostatic half cycle in the log.
    """
    if not area_cm2 > 0:
        raise ValueError(f"area_cm2 must be > 0, got {area_cm2}")
    time_s = d["time_s"].to_numpy(np.float64)
    V = d["Ecell_V"].to_numpy(np.float64)
    v = np.abs(V)
    st = steps(d)
    hc = half_cycles(d, st, galvanostatic_only=True)
    if hc.empty:
        kinds = sorted(set(st["kind"]))
        raise ValueError(f"no galvanostatic half cycle in this log (steps: {', '.join(kinds) or 'none'})")
    t0 = float(hc["t_start_s"].iloc[0])
    short = find_short(time_s, V, st, short_voltage_fraction=params.short_voltage_fraction,
                       short_min_points=params.short_min_points)
    med, mx, shorted = [], [], []
    for r in hc.itertuples(index=False):
        rows = step_rows(st, r.steps, "galvanostatic")
        med.append(float(np.median(v[rows])))
        mx.append(float(np.max(v[rows])))
        shorted.append(short.segment is not None and max(r.steps) >= short.segment)
    half = pd.DataFrame({
        "half_cycle": hc["half"].to_numpy(),
        "t_mid_h": (0.5 * (hc["t_start_s"].to_numpy() + hc["t_stop_s"].to_numpy()) - t0) / 3600,
        "j_mA_cm2": hc["I_mA"].to_numpy() / area_cm2,
        "eta_median_mV": 1e3 * np.array(med), "eta_max_mV": 1e3 * np.array(mx),
        "shorted": np.array(shorted, bool),
    })
    if short.time_s is None:
        return SymResult((float(time_s[-1]) - t0) / 3600, "gt", half, t0)
    return SymResult((short.time_s - t0) / 3600, None, half, t0)


SYM_CLAIMS = (("HL", "sym_hl_hours_stable"), ("none", "sym_none_hours_to_short"), ("Au", "sym_au_hours_to_short"))


def sym_claims(results: pd.DataFrame) -> list[Claim]:
    """Symmetric-cell claims per interlayer from per-cell results.

    Parameters
    ----------
    results
        One row per SYM run: ``interlayer``, ``cell``, ``hours``, ``bound``, ``error`` (empty
        when the run was analysed).
    """
    claims = []
    for il, cid in SYM_CLAIMS:
        sel = results[results["interlayer"] == il]
        if sel.empty:
            continue
        claims.append(median_over_cells(
            cid, sel, "hours",
            lambda b: "no short: log duration (lower bound)" if b == "gt" else "time from start to short"))
    return claims


@dataclass(frozen=True)
class FullCellParams:
    """Parameters of the full-cell analysis (config ``analysis.echem``).

    Attributes
    ----------
    coulombic_efficiency
        ``discharge_over_charge`` or ``charge_over_discharge``.
    retention_reference_cycle
        Retention = Q_dis(last complete cycle) / Q_dis(this cycle).
    cutoff_tolerance_V
        The file's last half cycle is complete if it ends within this of the cut-off.
    capacity_check_rel_tol
        Largest relative difference between the instrument's charge and the integrated current
        accepted without a warning.
    """

    coulombic_efficiency: str = "discharge_over_charge"
    retention_reference_cycle: int = 1
    cutoff_tolerance_V: float = 0.02
    capacity_check_rel_tol: float = 0.02

    @classmethod
    def from_config(cls, block: dict) -> FullCellParams:
        """From the ``analysis.echem`` config block."""
        return cls(str(block["coulombic_efficiency"]), int(block["retention_reference_cycle"]),
                   float(block["cutoff_tolerance_V"]), float(block.get("capacity_check_rel_tol", 0.02)))


def half_cycle_capacities(d: pd.DataFrame) -> pd.DataFrame:
    """Per half cycle (rests excluded): direction, capacities and end potential.

    Returns
    -------
    DataFrame
        ``half, sign, start, stop, q_mAh`` (the instrument's charge where present, else the
        integral), ``q_integrated_mAh``, ``q_source``, ``v_end_V`` (Ewe at its last row),
        ``followed``.
    """
    t = d["time_s"].to_numpy(np.float64)
    i = d["I_mA"].to_numpy(np.float64)
    ewe = d["Ewe_V"].to_numpy(np.float64)
    q_half = d["Q_mAh"].to_numpy(np.float64) if "Q_mAh" in d else np.full(len(d), np.nan)
    q_tot = d["Qo_mAh"].to_numpy(np.float64) if "Qo_mAh" in d else np.full(len(d), np.nan)
    dt = np.diff(t, prepend=t[0] if len(t) else 0.0)
    st = steps(d)
    hc = half_cycles(d, st)
    rows = []
    for r in hc.itertuples(index=False):
        rw = step_rows(st, r.steps)
        q_int = float(np.sum(np.abs(i[rw]) * dt[rw]) / 3600)
        last = int(rw[-1])
        if np.isfinite(q_half[rw]).all() and _one_instrument_half(d, rw):
            q, src = float(abs(q_half[last])), "Q charge/discharge"
        elif np.isfinite(q_tot[rw]).all():
            before = q_tot[int(rw[0]) - 1] if rw[0] > 0 else 0.0
            q, src = float(abs(q_tot[last] - before)), "(Q-Qo)"
        else:
            q, src = q_int, "integral of I"
        rows.append({"half": r.half, "sign": r.sign, "start": r.start, "stop": r.stop, "q_mAh": q,
                     "q_integrated_mAh": q_int, "q_source": src, "v_end_V": float(ewe[last]),
                     "followed": bool(r.followed)})
    return pd.DataFrame(rows, columns=["half", "sign", "start", "stop", "q_mAh", "q_integrated_mAh", "q_source",
                                       "v_end_V", "followed"])


def _one_instrument_half(d: pd.DataFrame, rows: np.ndarray) -> bool:
    """Whether EC-Lab counted these rows as one half cycle (its ``Q charge/discharge`` then spans them)."""
    if "half_cycle" not in d or (d["half_cycle"].to_numpy()[rows] < 0).any():
        return False
    return len(np.unique(d["half_cycle"].to_numpy()[rows])) == 1


CYCLE_COLUMNS = ["cycle", "q_charge_mAh", "q_discharge_mAh", "q_charge_mAh_g", "q_discharge_mAh_g", "ce_pct",
                 "q_charge_integrated_mAh", "q_discharge_integrated_mAh", "q_source"]


def full_cell_cycles(d: pd.DataFrame, active_mass_mg: float, params: FullCellParams) -> pd.DataFrame:
    """Per complete cycle: capacities, specific capacities and coulombic efficiency.

    Returns
    -------
    DataFrame
        :data:`CYCLE_COLUMNS`; ``q_*_integrated_mAh`` are the integrals of the current, for the
        check against the instrument's charge (a warning when they differ by more than
        ``capacity_check_rel_tol``).
    """
    if not active_mass_mg > 0:
        raise ValueError(f"active_mass_mg must be > 0, got {active_mass_mg}")
    h = half_cycle_capacities(d)
    if h.empty:
        return pd.DataFrame(columns=CYCLE_COLUMNS)
    complete = h["followed"].to_numpy().copy()
    last = len(h) - 1
    same = h[(h["sign"] == h["sign"].iloc[last]) & h["followed"]]
    if len(same):
        complete[last] = abs(h["v_end_V"].iloc[last] - same["v_end_V"].median()) <= params.cutoff_tolerance_V
    h["complete"] = complete
    rows = []
    k = 0
    while k < len(h) - 1:
        if h["sign"].iloc[k] > 0 and h["sign"].iloc[k + 1] < 0:
            if h["complete"].iloc[k] and h["complete"].iloc[k + 1]:
                rows.append((h["q_mAh"].iloc[k], h["q_mAh"].iloc[k + 1], h["q_integrated_mAh"].iloc[k],
                             h["q_integrated_mAh"].iloc[k + 1], h["q_source"].iloc[k]))
            k += 2
        else:
            k += 1
    df = pd.DataFrame(rows, columns=["q_charge_mAh", "q_discharge_mAh", "q_charge_integrated_mAh",
                                     "q_discharge_integrated_mAh", "q_source"])
    df.insert(0, "cycle", np.arange(1, len(df) + 1))
    m_g = active_mass_mg * 1e-3
    df["q_charge_mAh_g"] = df["q_charge_mAh"] / m_g
    df["q_discharge_mAh_g"] = df["q_discharge_mAh"] / m_g
    if params.coulombic_efficiency == "discharge_over_charge":
        df["ce_pct"] = 100 * df["q_discharge_mAh"] / df["q_charge_mAh"]
    elif params.coulombic_efficiency == "charge_over_discharge":
        df["ce_pct"] = 100 * df["q_charge_mAh"] / df["q_discharge_mAh"]
    else:
        raise ValueError(f"unknown coulombic_efficiency definition {params.coulombic_efficiency!r}")
    for a, b in (("q_charge_mAh", "q_charge_integrated_mAh"), ("q_discharge_mAh", "q_discharge_integrated_mAh")):
        dev = np.abs(df[b] - df[a]) / df[a].where(df[a] > 0)
        if (dev > params.capacity_check_rel_tol).any():
            warnings.warn(f"{a}: the instrument's charge and the integrated current differ by up to "
                          f"{100 * float(dev.max()):.2g} % (> {100 * params.capacity_check_rel_tol:g} %)", stacklevel=2)
    return df[CYCLE_COLUMNS]


#: Claim ids of each cathode of ``echem.tsv`` (its schema allows these two): complete cycles, retention.
FULL_CLAIM_IDS = {"LFP": ("full_lfp_cycles", "full_lfp_retention_pct"),
                  "NCM523": ("full_ncm523_cycles", "full_ncm523_retention_pct")}


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


def full_claims(results: pd.DataFrame, params: FullCellParams) -> list[Claim]:
    """Full-cell claims per cathode from per-cell results.

    Parameters
    ----------
    results
        One row per FULL run: ``cathode``, ``cell``, ``cycles`` (complete cycles),
        ``retention_pct``, ``error`` (empty when analysed).

    Returns
    -------
    list of Claim
        ``full_<cathode>_cycles`` and ``full_<cathode>_retention_pct``: with one cell its
        values; with several the median over cells (spread min..max).
    """
    claims = []
    notes = {"cycles": "complete charge+discharge cycles",
             "retention_pct": (f"Q_dis(last complete) / Q_dis(cycle {params.retention_reference_cycle}); "
                               f"CE = {params.coulombic_efficiency}")}
    for cathode in sorted(set(results["cathode"])):
        sel = results[results["cathode"] == cathode]
        ok = sel[sel["error"] == ""]
        for what, cid in zip(("cycles", "retention_pct"), FULL_CLAIM_IDS[str(cathode)], strict=True):
            if ok.empty:
                claims.append(Claim(cid, float("nan"), n=0, note="no usable run: " + "; ".join(
                    f"{c}: {e}" for c, e in zip(sel["cell"], sel["error"], strict=True))))
                continue
            vals = ok[what].to_numpy(np.float64)
            if len(ok) == 1:
                claims.append(Claim(cid, float(vals[0]), n=1, note=notes[what]))
            else:
                claims.append(Claim(cid, float(np.nanmedian(vals)), ci_low=float(np.nanmin(vals)),
                                    ci_high=float(np.nanmax(vals)), n=len(ok),
                                    note=f"median over {len(ok)} cells; {notes[what]}"))
    return claims


def analyse_sym_runs(meta: pd.DataFrame, cycling: pd.DataFrame, params: SymParams
                     ) -> tuple[pd.DataFrame, dict[str, SymResult]]:
    """Every SYM run of ``echem_meta``: ``run_id, cell, interlayer, hours, bound, short_abs_h, error``."""
    return analyse_each_run(
        meta, cycling, "SYM", ("cell", "interlayer"), {"hours": np.nan, "bound": None, "short_abs_h": np.nan},
        lambda r, d: symmetric_cycling(d, float(r.area_cm2), params),
        lambda res: {"hours": res.hours, "bound": res.bound,
                     "short_abs_h": (res.t0_s / 3600 + res.hours) if res.bound is None else np.nan})


def analyse_full_runs(meta: pd.DataFrame, cycling: pd.DataFrame, params: FullCellParams
                      ) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Every FULL run of ``echem_meta``: ``run_id, cell, cathode, cycles, retention_pct, error`` and its cycles."""
    def fill(c: pd.DataFrame) -> dict:
        if c.empty:
            return {"error": "no complete charge+discharge cycle"}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ret = retention_pct(c, params.retention_reference_cycle)
        return {"cycles": float(len(c)), "retention_pct": ret}

    return analyse_each_run(meta, cycling, "FULL", ("cell", "cathode"), {"cycles": np.nan, "retention_pct": np.nan},
                            lambda r, d: full_cell_cycles(d, float(r.active_mass_mg), params), fill)
