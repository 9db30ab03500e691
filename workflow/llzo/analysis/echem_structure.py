"""Structure of a cycling log: steps (galvanostatic, potentiostatic, rest) and half cycles.

Real EC-Lab files hold several sequences (``Ns``) with rests, open-circuit periods, loops and
impedance steps in one file. The structure is taken from the instrument's own columns where the
file has them, and only found from the current where it has none:

* ``mode`` (1 galvanostatic, 2 potentiostatic, 3 rest/open circuit) says what each row is;
* a new step starts where ``Ns``, ``mode`` or the sign of the current changes (and, in
  galvanostatic rows, where ``half cycle`` changes);
* half cycles are the runs of one current direction over the current-carrying rows; rests and
  open-circuit rows belong to no half cycle. ``half cycle`` and ``ox/red`` of EC-Lab count the
  same way (a new half cycle at each change of direction).

Without ``mode`` (a text export without the flag columns, or another instrument), steps are
found from the current alone, robust to a measured (noisy) current: rows whose running median
(``smooth_points`` samples) is below ``rest_fraction`` of the largest current are rests, and a
new step starts where the medians of the samples before and after a row differ by more than
``rel_tol`` of the level, or by more than four times what the current's own noise makes such a
difference scatter (whichever is larger).

Input: the tidy frame of :func:`llzo.io.eclab.columns.cycling_table` (``time_s, Ewe_V,
Ecell_V, I_mA, Ns, mode, half_cycle, cycle_number, Q_mAh, Qo_mAh``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

MODE_GALVANOSTATIC, MODE_POTENTIOSTATIC, MODE_REST = 1, 2, 3
KINDS = {MODE_GALVANOSTATIC: "galvanostatic", MODE_POTENTIOSTATIC: "potentiostatic", MODE_REST: "rest"}


def has_modes(d: pd.DataFrame) -> bool:
    """Whether the frame carries EC-Lab's ``mode`` column (values 1-3)."""
    return "mode" in d.columns and bool(np.isin(d["mode"].to_numpy(), (1, 2, 3)).all()) and len(d) > 0


def _runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and stop (exclusive) of runs of equal rows of ``keys`` (2-D: rows x fields)."""
    change = np.r_[True, (keys[1:] != keys[:-1]).any(axis=1)] if len(keys) else np.zeros(0, bool)
    starts = np.nonzero(change)[0]
    return starts, np.r_[starts[1:], len(keys)]


def _smoothed_level(i_mA: np.ndarray, smooth_points: int) -> np.ndarray:
    if smooth_points <= 1 or i_mA.size < smooth_points:
        return i_mA
    return pd.Series(i_mA).rolling(smooth_points, center=True, min_periods=1).median().to_numpy()


def _current_kinds(i_mA: np.ndarray, rest_fraction: float, rel_tol: float, smooth_points: int) -> np.ndarray:
    """Step id per row from the current alone (see module doc).

    A step boundary is where the medians of the ``smooth_points`` samples before and after a
    row differ by more than ``max(rel_tol, 4 sd)`` of the level (sd: the spread of such a
    difference from the current's own sample-to-sample noise), at the largest difference
    nearby, or where the direction changes.
    """
    n = i_mA.size
    w = max(int(smooth_points), 1)
    level = _smoothed_level(i_mA, w)
    scale = max(float(np.nanmax(np.abs(level))) if n else 0.0, 1e-300)
    sign = np.sign(np.where(np.abs(level) < rest_fraction * scale, 0.0, level))
    brk = np.r_[True, sign[1:] != sign[:-1]]
    if w > 1 and n > 2 * w:
        s = pd.Series(np.abs(i_mA))  # magnitudes: a change of direction is a boundary already
        left = s.rolling(w).median().shift(1).to_numpy()
        right = s.rolling(w).median().shift(-(w - 1)).to_numpy()
        base = np.maximum(np.abs(left), np.abs(right))
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(base > rest_fraction * scale, np.abs(right - left) / base, 0.0)
        flow = np.abs(i_mA) > rest_fraction * scale
        d = np.abs(np.diff(i_mA))[flow[1:] & flow[:-1]]
        lv = np.abs(i_mA[flow])
        noise_rel = 1.4826 * float(np.median(d)) / np.sqrt(2) / float(np.median(lv)) if d.size and lv.size else 0.0
        thr = max(rel_tol, 4 * 1.2533 * noise_rel * np.sqrt(2 / w))
        rel = np.nan_to_num(rel)
        peak = rel >= pd.Series(rel).rolling(w, center=True, min_periods=1).max().to_numpy()
        near_flip = pd.Series(brk.astype(float)).rolling(2 * w + 1, center=True, min_periods=1).max().to_numpy() > 0
        brk |= (rel > thr) & peak & ~near_flip
    elif n > 1:
        mag = np.abs(level)
        brk |= np.r_[False, np.abs(np.diff(mag)) > rel_tol * np.maximum(mag[1:], mag[:-1])]
    return np.cumsum(brk) - 1


def steps(d: pd.DataFrame, *, rest_fraction: float = 1e-3, rel_tol: float = 0.02, smooth_points: int = 9
          ) -> pd.DataFrame:
    """Split a log into steps (see module doc).

    Parameters
    ----------
    d
        Tidy cycling frame (``time_s, I_mA`` and, where present, ``Ns, mode, half_cycle``).
    rest_fraction, rel_tol, smooth_points
        Only for files without ``mode``: rest threshold as a fraction of the largest current,
        relative change of the current that starts a new step, running-median length.

    Returns
    -------
    DataFrame
        One row per step: ``step, start, stop`` (row slice), ``kind`` (``galvanostatic``,
        ``potentiostatic``, ``rest``), ``I_mA`` (median; 0 for rests), ``Ns`` (-1 when
        absent), ``t_start_s``, ``t_stop_s``, ``source`` (``"mode"`` or ``"current"``).
    """
    t = d["time_s"].to_numpy(np.float64)
    i = d["I_mA"].to_numpy(np.float64)
    n = len(d)
    ns = d["Ns"].to_numpy() if "Ns" in d.columns else np.full(n, -1)
    if has_modes(d):
        mode = d["mode"].to_numpy()
        half = d["half_cycle"].to_numpy() if "half_cycle" in d.columns else np.full(n, -1)
        # direction of each row; a galvanostatic row whose measured current is ~0 (the first
        # sample of a step, averaged over the switching instant) takes the direction of the next
        small = np.abs(i) < 1e-3 * max(float(np.nanmax(np.abs(i))) if n else 0.0, 1e-300)
        sgn = pd.Series(np.where(small, np.nan, np.sign(i))).bfill().ffill().fillna(0).to_numpy()
        sgn = np.where(mode == MODE_REST, 0, sgn).astype(np.int64)
        galv_half = np.where(mode == MODE_GALVANOSTATIC, half, -1)
        starts, stops = _runs(np.c_[ns, mode, galv_half, np.where(mode == MODE_GALVANOSTATIC, sgn, 0)])
        kinds = [KINDS[int(mode[a])] for a in starts]
        source = "mode"
    else:
        ids = _current_kinds(i, rest_fraction, rel_tol, smooth_points)
        starts, stops = _runs(ids[:, None])
        level = _smoothed_level(i, smooth_points)
        scale = max(float(np.nanmax(np.abs(level))) if n else 0.0, 1e-300)
        kinds = ["rest" if abs(np.median(level[a:b])) < rest_fraction * scale else "galvanostatic"
                 for a, b in zip(starts, stops, strict=True)]
        source = "current"
    rows = []
    for k, (a, b, kind) in enumerate(zip(starts, stops, kinds, strict=True)):
        rows.append({"step": k, "start": int(a), "stop": int(b), "kind": kind,
                     "I_mA": 0.0 if kind == "rest" else float(np.median(i[a:b])), "Ns": int(ns[a]),
                     "t_start_s": float(t[a]), "t_stop_s": float(t[b - 1]), "source": source})
    return pd.DataFrame(rows, columns=["step", "start", "stop", "kind", "I_mA", "Ns", "t_start_s", "t_stop_s",
                                       "source"])


def half_cycles(d: pd.DataFrame, st: pd.DataFrame | None = None, *, galvanostatic_only: bool = False,
                **step_kw) -> pd.DataFrame:
    """Half cycles: runs of one current direction over the current-carrying steps.

    Parameters
    ----------
    d
        Tidy cycling frame.
    st
        Its :func:`steps` (computed when ``None``).
    galvanostatic_only
        Use galvanostatic steps only (potentiostatic holds then split half cycles too).

    Returns
    -------
    DataFrame
        ``half, sign`` (+1 oxidation at the working electrode, -1 reduction), ``steps`` (list of
        step ids), ``start, stop`` (rows of its first and last step), ``t_start_s, t_stop_s``,
        ``I_mA`` (median over its galvanostatic rows, NaN if none), ``followed`` (another
        current-carrying step comes after it).
    """
    st = steps(d, **step_kw) if st is None else st
    use = st["kind"] == "galvanostatic" if galvanostatic_only else st["kind"] != "rest"
    flow = st[use & (st["I_mA"] != 0)]
    i = d["I_mA"].to_numpy(np.float64)
    rows: list[dict] = []
    for s in flow.itertuples(index=False):
        sg = 1 if s.I_mA > 0 else -1
        contiguous = rows and rows[-1]["sign"] == sg and (not galvanostatic_only or rows[-1]["_last"] == s.step - 1
                                                          or _only_rests_between(st, rows[-1]["_last"], s.step))
        if contiguous:
            rows[-1]["steps"].append(s.step)
            rows[-1]["stop"], rows[-1]["t_stop_s"], rows[-1]["_last"] = s.stop, s.t_stop_s, s.step
        else:
            rows.append({"sign": sg, "steps": [s.step], "start": s.start, "stop": s.stop, "t_start_s": s.t_start_s,
                         "t_stop_s": s.t_stop_s, "_last": s.step})
    out = pd.DataFrame(rows, columns=["sign", "steps", "start", "stop", "t_start_s", "t_stop_s", "_last"])
    out.insert(0, "half", np.arange(1, len(out) + 1))
    last_flow = int(flow["step"].max()) if len(flow) else -1
    out["followed"] = out["_last"] < last_flow
    med = []
    for r in out.itertuples(index=False):
        rws = np.concatenate([np.arange(st.at[k, "start"], st.at[k, "stop"]) for k in r.steps
                              if st.at[k, "kind"] == "galvanostatic"] or [np.zeros(0, int)])
        med.append(float(np.median(i[rws])) if rws.size else np.nan)
    out["I_mA"] = med
    return out.drop(columns="_last")


def _only_rests_between(st: pd.DataFrame, a: int, b: int) -> bool:
    between = st.iloc[a + 1: b]
    return bool((between["kind"] == "rest").all())


def step_rows(st: pd.DataFrame, step_ids: list[int], kind: str | None = None) -> np.ndarray:
    """Row indices of the given steps (optionally only those of one kind)."""
    parts = [np.arange(st.at[k, "start"], st.at[k, "stop"]) for k in step_ids
             if kind is None or st.at[k, "kind"] == kind]
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def stack_per_run(tables: dict[str, pd.DataFrame], runs: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Stack per-run result tables into one, each row labelled by its run and sheet columns.

    Parameters
    ----------
    tables
        ``{run_id: table}`` (e.g. the CCD steps or half cycles of each analysed run).
    runs
        The sheet rows of the runs (``run_id`` and ``columns``).
    columns
        Sheet columns appended after ``run_id`` (e.g. ``("cell", "interlayer")``).

    Returns
    -------
    pandas.DataFrame
        The tables in the order of ``tables``, with ``run_id`` and ``columns`` appended; empty (no
        columns) when there is none.
    """
    if not tables:
        return pd.DataFrame()
    sheet = runs.set_index("run_id")
    return pd.concat([t.assign(run_id=rid, **{c: sheet.at[rid, c] for c in columns}) for rid, t in tables.items()],
                     ignore_index=True)


def analyse_each_run(meta: pd.DataFrame, cycling: pd.DataFrame, technique: str, labels: Sequence[str],
                     defaults: dict, analyse, fill) -> tuple[pd.DataFrame, dict]:
    """Analyse every run of one technique; a run that cannot be analysed gets its ``error``, the others go on.

    Parameters
    ----------
    meta, cycling
        ``echem_meta`` and ``echem_cycling``.
    technique
        ``"CCD"``, ``"SYM"`` or ``"FULL"``.
    labels
        Sheet columns copied into each row after ``run_id`` (e.g. ``("cell", "interlayer")``).
    defaults
        The result columns and their values for a run that was not analysed (NaN, None).
    analyse
        ``analyse(sheet_row, data) -> result``; raises ``ValueError`` when the run cannot be analysed.
    fill
        ``fill(result) -> dict`` of result columns (may set ``error``).

    Returns
    -------
    results, per_run
        One row per run (``run_id, *labels, *defaults, error``) and ``{run_id: result}`` of the
        runs analysed.
    """
    rows, per_run = [], {}
    for r in meta[meta["technique"] == technique].itertuples(index=False):
        d = cycling[cycling["run_id"] == r.run_id].reset_index(drop=True)
        rec = {"run_id": r.run_id, **{c: getattr(r, c) for c in labels}, **defaults, "error": ""}
        try:
            res = analyse(r, d)
        except ValueError as exc:
            rec["error"] = str(exc)
        else:
            per_run[r.run_id] = res
            rec.update(fill(res))
        rows.append(rec)
    return pd.DataFrame(rows, columns=["run_id", *labels, *defaults, "error"]), per_run
