"""Filament trigger bias of I-V sweeps (c-AFM tip or Au pad) and the ohmic back-scan fit.

A trigger sweep goes from 0 V toward the negative window limit (the reductive scan) and back
(the back scan). While the contact conducts ionically the current stays on a baseline (at a tip
it is below the instrument's noise floor); when a Li filament penetrates the pellet the contact
turns electronic and the current jumps by decades (often to the compliance limit) and stays
there; the back scan then follows the ohmic line of the filament. Nothing here knows the true
trigger bias: everything is computed from the measured bias and current.

Claims (``docs/claims.md``): ``trigger_bias_gb_V``, ``trigger_bias_gi_V`` and
``trigger_ratio_gi_over_gb`` from :func:`trigger_analysis` (Fig. 2), ``trigger_bias_hl_V`` from
:func:`hl_trigger_analysis` (Fig. 5c): tip sweeps grouped by the ``site`` the experimenter gave,
Kaplan-Meier medians with never-triggered sweeps censored at their window limit.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from llzo.analysis.params import ConfigParams
from llzo.analysis.survival import CensoredMedian, censored_median, ratio_with_ci
from llzo.claims import Claim

#: MAD -> standard deviation of a normal distribution.
_MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True)
class TriggerParams(ConfigParams):
    """Trigger detection and statistics (config block ``analysis.trigger``).

    Attributes
    ----------
    trigger_rise_decades
        Rise of abs(I) over the pre-trigger baseline that marks the trigger (decades).
    baseline_window_samples
        Samples of history defining the baseline (median + 3 MAD of abs(I)).
    min_baseline_samples
        History needed before a sample can be the trigger (samples).
    min_persist_samples
        The rise must last this many samples (rejects spikes at the turnaround).
    bootstrap_resamples
        Bootstrap resamples for the 95 % intervals of the KM medians and the ratio (0: none).
    bootstrap_seed
        Seed of the bootstrap.
    distance_bin_edges_nm
        Bin edges of trigger bias vs distance to the boundary (Fig. 2e; nm); ``None``: no bins.
    """

    trigger_rise_decades: float
    baseline_window_samples: int
    min_baseline_samples: int
    min_persist_samples: int
    bootstrap_resamples: int
    bootstrap_seed: int
    distance_bin_edges_nm: tuple[float, ...] | None = None


@dataclass(frozen=True)
class TriggerResult:
    """Trigger detection of one sweep.

    Attributes
    ----------
    trigger_bias_V
        Bias of the trigger sample (V vs Li/Li+); the window limit when censored.
    censored
        True when the sweep never triggered inside its window.
    window_V
        Most negative bias of the sweep (V), where the reductive scan turns around.
    index
        Sample index of the trigger in the sweep (-1 when censored).
    baseline_A
        Pre-trigger baseline level of abs(I) at the trigger (A); at the turnaround when censored.
    current_A
        Current at the trigger sample (A); NaN when censored.
    """

    trigger_bias_V: float
    censored: bool
    window_V: float
    index: int
    baseline_A: float
    current_A: float


@dataclass(frozen=True)
class OhmicFit:
    """Least-squares line ``I = V / R + I0`` through the electronic part of the back scan.

    Attributes
    ----------
    resistance_ohm
        R (ohm), the inverse slope; NaN when fewer than ``min_points`` samples qualify.
    intercept_A
        I0 (A).
    r_squared
        Coefficient of determination of the line.
    n_points
        Samples used.
    """

    resistance_ohm: float
    intercept_A: float
    r_squared: float
    n_points: int


def _baseline_levels(abs_i: np.ndarray, window: int) -> np.ndarray:
    """Robust upper baseline level of abs(I) over the ``window`` samples before each index.

    ``level[k] = median(w) + 3 * 1.4826 * MAD(w)`` with ``w = abs_i[max(0, k - window):k]``;
    ``level[0]`` is ``inf`` (no history).
    """
    n = abs_i.size
    level = np.full(n, np.inf)
    if n < 2:
        return level
    # the first `window` indices see a shorter history
    for k in range(1, min(window, n)):
        w = abs_i[:k]
        med = np.median(w)
        level[k] = med + 3.0 * _MAD_TO_SIGMA * np.median(np.abs(w - med))
    if n > window:
        w = sliding_window_view(abs_i[:-1], window)  # row j = abs_i[j:j+window], precedes index j+window
        med = np.median(w, axis=1)
        mad = np.median(np.abs(w - med[:, None]), axis=1)
        level[window:] = med + 3.0 * _MAD_TO_SIGMA * mad
    return level


def detect_trigger(
    bias_V: np.ndarray,
    current_A: np.ndarray,
    *,
    rise_decades: float,
    baseline_window: int = 15,
    min_baseline_samples: int = 5,
    min_persist_samples: int = 3,
    noise_floor_A: float = 0.0,
) -> TriggerResult:
    """Detect the filament trigger on the reductive scan of one sweep.

    Criterion (claims ``trigger_bias_*_V``): the trigger is the first sample k of the
    reductive scan (from the start to the turnaround, the most negative bias) where abs(I)
    exceeds the pre-trigger baseline by ``rise_decades`` decades and stays above that threshold
    at every later sample up to the turnaround. The baseline at k is a robust upper level of
    abs(I) over the ``baseline_window`` samples before k, median + 3 x 1.4826 x MAD (a single
    noise spike in the window barely moves it), and never below ``noise_floor_A``. Samples
    with fewer than ``min_baseline_samples`` of history are not candidates.

    Robustness: a noise spike exceeds the threshold for one or two samples and falls back, so it
    fails "stays above"; to keep a spike in the last samples before the turnaround from passing
    for a trigger, the rise must also persist for ``min_persist_samples`` samples, counted into
    the back scan when the trigger is that close to the turnaround (a filament persists in the
    back scan). An offset only shifts the baseline; a clipped (compliance) current stays above the
    threshold. A sweep with no such sample is censored at its window limit.

    Parameters
    ----------
    bias_V, current_A
        The sweep in acquisition order (V vs Li/Li+, A).
    rise_decades
        Required rise of abs(I) over the baseline, in decades (config ``trigger_rise_decades``).
    baseline_window
        Samples of history that define the baseline.
    min_baseline_samples
        Minimum history before a sample can be the trigger.
    min_persist_samples
        Minimum number of consecutive samples above the threshold.
    noise_floor_A
        Lower bound of the baseline level (A); 0 uses the data only.

    Returns
    -------
    TriggerResult
        Trigger bias (or the window limit, censored) and where it happened.
    """
    v = np.asarray(bias_V, dtype=float)
    a = np.abs(np.asarray(current_A, dtype=float))
    if v.size != a.size or v.size < 2:
        raise ValueError("bias_V and current_A must have the same length >= 2")
    turn = int(np.argmin(v))
    window_V = float(v[turn])
    factor = 10.0 ** float(rise_decades)
    level = np.maximum(_baseline_levels(a[: turn + 1], baseline_window), noise_floor_A)
    threshold = level * factor
    # stays above: min of abs(I) from k to the turnaround, and over k .. k + min_persist_samples - 1
    # (which reaches into the back scan when k is that close to the turnaround)
    m = max(1, int(min_persist_samples))
    to_turn = np.minimum.accumulate(a[: turn + 1][::-1])[::-1]
    padded = np.concatenate([a, np.full(m, -np.inf)])  # past the end: fails
    run_min = sliding_window_view(padded, m)[: turn + 1].min(axis=1)
    persist_min = np.minimum(to_turn, run_min)
    ok = (persist_min > threshold) & (np.arange(turn + 1) >= min_baseline_samples) & (v[: turn + 1] < 0)
    hits = np.nonzero(ok)[0]
    if hits.size == 0:
        return TriggerResult(window_V, True, window_V, -1, float(level[turn]), float("nan"))
    k = int(hits[0])
    return TriggerResult(float(v[k]), False, window_V, k, float(level[k]), float(current_A[k]))


def ohmic_back_scan_fit(
    bias_V: np.ndarray,
    current_A: np.ndarray,
    compliance_A: float,
    *,
    baseline_A: float,
    rise_decades: float,
    clip_fraction: float = 0.98,
    min_points: int = 5,
) -> OhmicFit:
    """Fit the ohmic line of the filament to the back scan.

    The back scan runs from the turnaround back to 0 V. Samples used: abs(I) below
    ``clip_fraction`` x compliance (not clipped) and above the trigger threshold (baseline x
    10^rise_decades: electronic, not ionic/noise). R is the inverse slope of the least-squares
    line I = V / R + I0; r^2 its coefficient of determination.

    Parameters
    ----------
    bias_V, current_A
        The whole sweep (V, A).
    compliance_A
        Current limit of the source (A).
    baseline_A
        Pre-trigger baseline level (A), from :func:`detect_trigger`.
    rise_decades
        As in :func:`detect_trigger`.
    clip_fraction
        Samples with abs(I) >= this fraction of the compliance are treated as clipped.
    min_points
        Minimum samples for a fit.

    Returns
    -------
    OhmicFit
        NaNs when fewer than ``min_points`` samples qualify.
    """
    v = np.asarray(bias_V, dtype=float)
    i = np.asarray(current_A, dtype=float)
    turn = int(np.argmin(v))
    vb, ib = v[turn:], i[turn:]
    use = (np.abs(ib) < clip_fraction * compliance_A) & (np.abs(ib) > baseline_A * 10.0 ** rise_decades) & (vb < 0)
    if use.sum() < min_points:
        return OhmicFit(float("nan"), float("nan"), float("nan"), int(use.sum()))
    x, y = vb[use], ib[use]
    slope, icpt = np.polyfit(x, y, 1)
    resid = y - (slope * x + icpt)
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(np.sum(resid**2)) / ss_tot if ss_tot > 0 else float("nan")
    r_ohm = 1.0 / slope if slope > 0 else float("nan")
    return OhmicFit(float(r_ohm), float(icpt), r2, int(use.sum()))


def _first_cycles(data: pd.DataFrame, sweep_ids: pd.Series) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{sweep_id: (bias_V, current_A)}`` of the first cycle of each of ``sweep_ids``, in time order.

    The sweep table holds each sweep's rows together, in time order (as the ingest writes it):
    those sweeps are cut out of the columns as slices (a lab's 10,000 sweeps in a second); a sweep
    whose rows are not so is taken with pandas, with the same result.
    """
    wanted = set(sweep_ids)
    codes, ids = pd.factorize(data["sweep_id"], sort=False)
    bounds = np.flatnonzero(np.diff(codes)) + 1
    starts, ends = np.r_[0, bounds], np.r_[bounds, codes.size]
    runs = pd.Series(ids[codes[starts]]).value_counts() if codes.size else pd.Series(dtype=int)
    cycle, time = data["cycle"].to_numpy(), data["time_s"].to_numpy()
    bias, cur = data["bias_V"].to_numpy(), data["current_A"].to_numpy()
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for a, b in zip(starts, ends, strict=True):
        sid = ids[codes[a]]
        if sid not in wanted or runs[sid] != 1:
            continue
        c, t = cycle[a:b], time[a:b]
        if (c == c[0]).all() and (np.diff(t) > 0).all():
            out[sid] = (bias[a:b], cur[a:b])
    for sid in wanted - set(out):  # not one run in time order: as before, with pandas
        g = data[data["sweep_id"] == sid]
        if len(g):
            g = g[g["cycle"] == g["cycle"].min()].sort_values("time_s")
            out[sid] = (g["bias_V"].to_numpy(), g["current_A"].to_numpy())
    return out


def analyse_sweeps(meta: pd.DataFrame, data: pd.DataFrame, params: TriggerParams) -> pd.DataFrame:
    """Trigger bias and ohmic back-scan fit of every trigger sweep.

    Parameters
    ----------
    meta
        The sweeps sheet (``llzo.interim.load_sweeps``); only ``protocol == "trigger"`` rows are used.
    data
        The long sweep table (``sweep_id, cycle, time_s, bias_V, current_A``); trigger files have
        one cycle (the first is used).
    params
        Detection parameters (see :func:`detect_trigger`).

    Returns
    -------
    pandas.DataFrame
        One row per trigger sweep: the sheet columns ``sweep_id, site, electrode,
        distance_to_gb_nm, pad_side_um, compliance_A`` plus ``trigger_bias_V, censored, window_V,
        baseline_current_A, trigger_current_A, filament_resistance_ohm, ohmic_r_squared,
        ohmic_points``.
    """
    trig = meta[meta["protocol"] == "trigger"].copy()
    for col in ("distance_to_gb_nm", "pad_side_um", "tip_radius_nm", "tip_force_nN"):
        if col not in trig:
            trig[col] = np.nan
    samples = _first_cycles(data, trig["sweep_id"])
    out = []
    for row in trig.itertuples(index=False):
        if row.sweep_id not in samples:
            raise ValueError(f"sweep {row.sweep_id!r} has no samples in the sweep table")
        v, i = samples[row.sweep_id]
        t = detect_trigger(v, i, rise_decades=params.trigger_rise_decades,
                           baseline_window=params.baseline_window_samples,
                           min_baseline_samples=params.min_baseline_samples,
                           min_persist_samples=params.min_persist_samples)
        if t.censored:
            fit = OhmicFit(float("nan"), float("nan"), float("nan"), 0)
        else:
            fit = ohmic_back_scan_fit(v, i, float(row.compliance_A), baseline_A=t.baseline_A,
                                      rise_decades=params.trigger_rise_decades)
        out.append({
            "sweep_id": row.sweep_id, "site": row.site, "electrode": row.electrode,
            "distance_to_gb_nm": row.distance_to_gb_nm, "pad_side_um": row.pad_side_um,
            "tip_radius_nm": row.tip_radius_nm, "tip_force_nN": row.tip_force_nN,
            "compliance_A": row.compliance_A, "trigger_bias_V": t.trigger_bias_V, "censored": t.censored,
            "window_V": t.window_V, "baseline_current_A": t.baseline_A, "trigger_current_A": t.current_A,
            "filament_resistance_ohm": fit.resistance_ohm, "ohmic_r_squared": fit.r_squared,
            "ohmic_points": fit.n_points,
        })
    return pd.DataFrame(out)


def electrode_area_cm2(table: pd.DataFrame, contact: pd.DataFrame) -> np.ndarray:
    """Electrode area of each row: the Eq. 1 Hertz area for tips, side^2 for pads (cm2).

    Parameters
    ----------
    table
        Rows with ``sweep_id``, ``electrode`` and ``pad_side_um``.
    contact
        The Eq. 1 table (``results/<dataset>/tables/contact_area.csv``, from
        :func:`llzo.analysis.contact.tip_contact_table`) with ``sweep_id`` and ``contact_area_nm2``
        for every tip row.

    Returns
    -------
    numpy.ndarray
        Area in cm2 (NaN for a tip row missing from ``contact``).
    """
    area = np.full(len(table), np.nan)
    tip = (table["electrode"] == "tip").to_numpy()
    if tip.any():
        by_id = contact.set_index("sweep_id")["contact_area_nm2"]
        area[tip] = table.loc[tip, "sweep_id"].map(by_id).to_numpy(dtype=float) * 1e-14
    pad = (table["electrode"] == "pad").to_numpy()
    area[pad] = (table["pad_side_um"].to_numpy()[pad] * 1e-4) ** 2
    return area


def distance_bins(table: pd.DataFrame, edges_nm: list[float]) -> pd.DataFrame:
    """Trigger bias of tip sweeps binned by distance to the boundary.

    Parameters
    ----------
    table
        Output of :func:`analyse_sweeps` (tip rows with a distance are used).
    edges_nm
        Bin edges (nm); a sweep at distance d falls in [edge_i, edge_i+1).

    Returns
    -------
    pandas.DataFrame
        ``bin_low_nm, bin_high_nm, distance_median_nm, n, n_censored, median_V, q25_V, q75_V`` (simple quantiles of the
        detected biases with censored sweeps at their window limit; the median is then an upper bound
        when more than half are censored, column ``median_is_bound``).
    """
    tips = table[(table["electrode"] == "tip") & table["distance_to_gb_nm"].notna()]
    rows = []
    for lo, hi in itertools.pairwise(edges_nm):
        g = tips[(tips["distance_to_gb_nm"] >= lo) & (tips["distance_to_gb_nm"] < hi)]
        if g.empty:
            continue
        v = g["trigger_bias_V"].to_numpy()
        rows.append({"bin_low_nm": lo, "bin_high_nm": hi, "distance_median_nm": float(g["distance_to_gb_nm"].median()),
                     "n": len(g), "n_censored": int(g["censored"].sum()),
                     "median_V": float(np.median(v)), "q25_V": float(np.quantile(v, 0.25)),
                     "q75_V": float(np.quantile(v, 0.75)), "median_is_bound": bool(g["censored"].mean() > 0.5)})
    return pd.DataFrame(rows)


def site_medians(
    table: pd.DataFrame,
    *,
    electrode: str = "tip",
    n_boot: int = 0,
    seed: int = 0,
) -> dict[str, CensoredMedian]:
    """Kaplan-Meier median trigger bias per site (claims ``trigger_bias_<site>_V``).

    Parameters
    ----------
    table
        Output of :func:`analyse_sweeps`.
    electrode
        Only rows with this ``electrode`` are used (the claims use ``tip``).
    n_boot, seed
        Bootstrap resamples and seed for the 95 % intervals.

    Returns
    -------
    dict
        ``{site: CensoredMedian}`` for every site present (``GB``, ``GI``, ``HL``); sweeps that
        never triggered are censored at their window limit, and when more than half are censored
        the median is the window limit with ``bound="lt"``.
    """
    rows = table[table["electrode"] == electrode]
    return {
        site: censored_median(g["trigger_bias_V"].to_numpy(), g["censored"].to_numpy(dtype=bool),
                              n_boot=n_boot, seed=seed + k)
        for k, (site, g) in enumerate(sorted(rows.groupby("site"), key=lambda kv: kv[0]))
    }


def typical_sweep(table: pd.DataFrame, site: str, electrode: str = "tip") -> str | None:
    """Id of the sweep whose trigger bias is closest to its group's median (triggered sweeps preferred).

    Parameters
    ----------
    table
        Output of :func:`analyse_sweeps`.
    site, electrode
        The group.

    Returns
    -------
    str or None
        The sweep id, None when the group is empty.
    """
    g = table[(table["site"] == site) & (table["electrode"] == electrode)]
    if g.empty:
        return None
    trig = g[~g["censored"]]
    pool = trig if not trig.empty else g
    med = float(np.median(pool["trigger_bias_V"]))
    return str(pool.iloc[int(np.argmin(np.abs(pool["trigger_bias_V"].to_numpy() - med)))]["sweep_id"])


def site_sweeps(table: pd.DataFrame, site: str, electrode: str = "tip") -> tuple[np.ndarray, np.ndarray]:
    """``(trigger_bias_V, censored)`` of the sweeps of one site and electrode, in table order."""
    g = table[(table["site"] == site) & (table["electrode"] == electrode)]
    return g["trigger_bias_V"].to_numpy(), g["censored"].to_numpy(dtype=bool)


@dataclass(frozen=True)
class TriggerAnalysis:
    """Fig. 1e, 2c-f, S5: every trigger sweep, the per-site medians and the claims.

    Attributes
    ----------
    table
        :func:`analyse_sweeps` plus ``electrode_area_cm2`` (Eq. 1 area for tips, side^2 for pads),
        ``j_baseline_A_cm2`` and ``j_trigger_A_cm2``.
    medians
        KM median per site of the tip sweeps (:func:`site_medians`).
    bins
        :func:`distance_bins` of the tip sweeps (empty without ``distance_bin_edges_nm``).
    claims
        ``trigger_bias_gb_V``, ``trigger_bias_gi_V``, ``trigger_ratio_gi_over_gb``.
    """

    table: pd.DataFrame
    medians: dict[str, CensoredMedian]
    bins: pd.DataFrame
    claims: list[Claim]


def trigger_analysis(meta: pd.DataFrame, data: pd.DataFrame, params: TriggerParams,
                     contact: pd.DataFrame) -> TriggerAnalysis:
    """Analyse the trigger sweeps of a dataset and compute the GB/GI claims.

    Parameters
    ----------
    meta, data
        The sweeps (``llzo.interim.load_sweeps``).
    params
        Detection and bootstrap parameters.
    contact
        Eq. 1 table of the tip rows (``llzo.analysis.contact.contact_area(...).table``) for the
        current density at the trigger.

    Returns
    -------
    TriggerAnalysis
        Per site: the KM median with its bootstrap 95 % interval, ``bound="lt"`` when more than
        half of the sweeps never triggered; the ratio is a lower bound (``gt``) when the GI median
        is. A site without tip sweeps gives a NaN claim with ``n = 0``.
    """
    table = analyse_sweeps(meta, data, params)
    area = electrode_area_cm2(table, contact)
    table["electrode_area_cm2"] = area
    table["j_baseline_A_cm2"] = table["baseline_current_A"] / area
    table["j_trigger_A_cm2"] = table["trigger_current_A"].abs() / area
    med = site_medians(table, electrode="tip", n_boot=params.bootstrap_resamples, seed=params.bootstrap_seed)
    bins = distance_bins(table, list(params.distance_bin_edges_nm or ()))
    claims = []
    for site in ("GB", "GI"):
        cid = f"trigger_bias_{site.lower()}_V"
        if site not in med:
            claims.append(Claim(cid, float("nan"), n=0, note=f"no tip sweeps at {site}"))
            continue
        m = med[site]
        j = table[(table.electrode == "tip") & (table.site == site) & ~table.censored]["j_trigger_A_cm2"]
        j_txt = f"; median j at trigger {j.median():.3g} A/cm2 (Eq. 1 area)" if len(j) else ""
        note = f"KM median of tip sweeps, {m.n_censored} of {m.n} censored at the window{j_txt}"
        claims.append(m.to_claim(cid, note))
    claims.append(_ratio_claim(table, med, params))
    return TriggerAnalysis(table, med, bins, claims)


def _ratio_claim(table: pd.DataFrame, med: dict[str, CensoredMedian], params: TriggerParams) -> Claim:
    """``trigger_ratio_gi_over_gb``: GI / GB KM medians, bootstrap interval; a lower bound when GI is censored."""
    if "GB" not in med or "GI" not in med:
        return Claim("trigger_ratio_gi_over_gb", float("nan"), n=0, note="needs GB and GI tip sweeps")
    bound = "gt" if med["GI"].bound == "lt" else None  # GI beyond the window: the ratio is a lower bound
    n = med["GI"].n + med["GB"].n
    if params.bootstrap_resamples > 0:
        ratio, lo, hi = ratio_with_ci(site_sweeps(table, "GI"), site_sweeps(table, "GB"),
                                      n_boot=params.bootstrap_resamples, seed=params.bootstrap_seed + 100)
        return Claim("trigger_ratio_gi_over_gb", ratio, ci_low=lo, ci_high=hi, n=n, bound=bound,
                     note="ratio of the KM medians; bootstrap 95% CI")
    return Claim("trigger_ratio_gi_over_gb", med["GI"].median_V / med["GB"].median_V, n=n, bound=bound,
                 note="ratio of the KM medians")


def trigger_spread(table: pd.DataFrame, site: str) -> tuple[float, float]:
    """Coefficient of variation (%) and interquartile range (V) of the triggered sweeps of a site (NaN below 2)."""
    v = table[(table.site == site) & ~table.censored]["trigger_bias_V"].to_numpy()
    if v.size < 2:
        return float("nan"), float("nan")
    return float(100 * np.std(v, ddof=1) / abs(np.mean(v))), float(np.subtract(*np.quantile(v, [0.75, 0.25])))


@dataclass(frozen=True)
class HLTriggerAnalysis:
    """Fig. 5c, S11b: tip trigger sweeps on the homogenizing layer (HL) and on LLZO.

    Attributes
    ----------
    table
        :func:`analyse_sweeps` of the tip trigger sweeps at GB, GI and HL.
    medians
        KM median per site.
    summary
        Per site ``site, n, n_censored, km_median_V, bound, ci_low_V, ci_high_V, cv_pct, iqr_V``.
    claims
        ``trigger_bias_hl_V``.
    """

    table: pd.DataFrame
    medians: dict[str, CensoredMedian]
    summary: pd.DataFrame
    claims: list[Claim]


def hl_trigger_analysis(meta: pd.DataFrame, data: pd.DataFrame, params: TriggerParams) -> HLTriggerAnalysis:
    """Trigger bias on the HL vs LLZO (tip sweeps) and the claim ``trigger_bias_hl_V``.

    The spread (coefficient of variation, interquartile range of the triggered sweeps) measures
    the homogeneity the paper reports for the HL.
    """
    keep = meta["protocol"].eq("trigger") & meta["electrode"].eq("tip") & meta["site"].isin(["GB", "GI", "HL"])
    meta = meta[keep]
    data = data[data["sweep_id"].isin(meta["sweep_id"])]
    table = analyse_sweeps(meta, data, params)
    med = site_medians(table, electrode="tip", n_boot=params.bootstrap_resamples, seed=params.bootstrap_seed)
    summary = pd.DataFrame([
        {"site": s, "n": m.n, "n_censored": m.n_censored, "km_median_V": m.median_V, "bound": m.bound or "",
         "ci_low_V": m.ci_low_V, "ci_high_V": m.ci_high_V, "cv_pct": trigger_spread(table, s)[0],
         "iqr_V": trigger_spread(table, s)[1]}
        for s, m in med.items()
    ])
    if "HL" in med:
        m = med["HL"]
        gb_txt = f"; {m.median_V / med['GB'].median_V:.1f}x the LLZO GB median" if "GB" in med else ""
        claims = [m.to_claim("trigger_bias_hl_V", f"KM median of HL tip sweeps, {m.n_censored} censored; "
                                                  f"CV {trigger_spread(table, 'HL')[0]:.1f} %{gb_txt}")]
    else:
        claims = [Claim("trigger_bias_hl_V", float("nan"), n=0, note="no HL tip sweeps in this dataset")]
    return HLTriggerAnalysis(table, med, summary, claims)
