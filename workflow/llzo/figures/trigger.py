"""Trigger-bias panels: Fig. 1e, 2c-f, S5 (GB vs GI) and 5c, S11b (HL vs LLZO).

Inputs are the per-sweep table of :func:`llzo.analysis.trigger.analyse_sweeps` (or
:class:`~llzo.analysis.trigger.TriggerAnalysis`), the long sweep table and the KM medians.
Biases are in V vs Li/Li+ (negative); magnitudes are drawn on log axes where the paper does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from llzo.analysis.survival import CensoredMedian, km_curve
from llzo.figures.style import PAPER_UNITS, axis_label, no_data

#: Colour of each site.
SITE_COLORS = {"GB": "C1", "GI": "C0", "HL": "C2"}
#: Smallest |current| drawn on a log axis (A): zero and noise below it are clipped.
CURRENT_FLOOR_A = 1e-15

#: One group of sweeps: ``(label, trigger_bias_V, censored)``.
Group = tuple[str, np.ndarray, np.ndarray]


def _reductive(sweep: pd.DataFrame) -> pd.DataFrame:
    """Return the samples from the start to the turnaround (most negative bias)."""
    return sweep.iloc[: int(np.argmin(sweep["bias_V"].to_numpy())) + 1]


def plot_reductive_scans(ax: plt.Axes, data: pd.DataFrame, table: pd.DataFrame, examples: Mapping[str, str | None],
                         labels: Mapping[str, str] | None = None, mark_trigger: bool = True) -> None:
    """Fig. 1e / 5c (left): abs(I) on the reductive scan of one typical sweep per site.

    Parameters
    ----------
    ax
        Target axes.
    data
        Long sweep table (``sweep_id, time_s, bias_V, current_A``).
    table
        Per-sweep analysis (``sweep_id, censored, trigger_bias_V``).
    examples
        ``{site: sweep_id}`` (``None``: no sweep for that site).
    labels
        Legend text per site (default: the site); the sweep id is appended.
    mark_trigger
        Draw a dotted line at each detected trigger bias.
    """
    rows = table.set_index("sweep_id")
    for site, sid in examples.items():
        if sid is None:
            continue
        g = _reductive(data[data["sweep_id"] == sid])
        color = SITE_COLORS.get(site, "k")
        ax.semilogy(g["bias_V"], g["current_A"].abs().clip(lower=CURRENT_FLOOR_A), color=color,
                    label=f"{(labels or {}).get(site, site)} ({sid})")
        if mark_trigger and not rows.loc[sid, "censored"]:
            ax.axvline(rows.loc[sid, "trigger_bias_V"], color=color, ls=":", lw=0.8)
    ax.invert_xaxis()
    ax.set_xlabel(PAPER_UNITS["bias"])
    ax.set_ylabel(PAPER_UNITS["abs_current"])
    ax.legend()


def plot_cyclic_sweep(ax: plt.Axes, sweep: pd.DataFrame | None, row: pd.Series | None, site: str) -> None:
    """Fig. 2c/2d: one cyclic sweep (reductive and back scan, mA) and an inset with the ohmic fit.

    Parameters
    ----------
    ax
        Target axes.
    sweep
        Samples of the sweep in time order (``None``: no sweep at this site).
    row
        Its row of the per-sweep table (``filament_resistance_ohm``, ``ohmic_r_squared``, ``compliance_A``).
    site
        Site label (title, colour).
    """
    color = SITE_COLORS.get(site, "k")
    if sweep is None or row is None:
        no_data(ax, f"no {site} tip sweeps")
    else:
        v, i = sweep["bias_V"].to_numpy(), sweep["current_A"].to_numpy()
        turn = int(np.argmin(v))
        ax.plot(v[: turn + 1], i[: turn + 1] * 1e3, color=color, label="reductive scan")
        ax.plot(v[turn:], i[turn:] * 1e3, color="k", ls="--", label="back scan")
        ax.set_title(f"{site}: {row.name}")
        if np.isfinite(row.filament_resistance_ohm):
            # inset: the unclipped electronic part of the back scan and the ohmic line through it
            r_ohm = row.filament_resistance_ohm
            v_lim = -min(abs(v.min()), 1.5 * r_ohm * row.compliance_A)
            ins = ax.inset_axes([0.12, 0.35, 0.4, 0.4])
            near = v[turn:] >= v_lim
            ins.plot(v[turn:][near], i[turn:][near] * 1e3, "k.", ms=1.5)
            x = np.linspace(v_lim, 0, 50)
            ins.plot(x, np.clip(x / r_ohm, -row.compliance_A, None) * 1e3, color=color, lw=0.8)
            ins.set_title(f"back scan: R = {r_ohm:.0f} $\\Omega$, $r^2$ = {row.ohmic_r_squared:.4f}", fontsize=6)
            ins.tick_params(labelsize=5)
    ax.set_xlabel(PAPER_UNITS["bias"])
    ax.set_ylabel(axis_label("Current", "mA"))
    if sweep is not None:
        ax.legend(loc="lower right")


def plot_bias_vs_distance(ax: plt.Axes, table: pd.DataFrame, bins: pd.DataFrame) -> None:
    """Fig. 2e: |trigger bias| of tip sweeps vs distance to the boundary, with per-bin median and IQR.

    Sweeps that never triggered are drawn as open triangles at their window limit (censored).
    The distance axis is d + 1 nm so that d = 0 shows on a log axis.
    """
    tips = table[(table.electrode == "tip") & table.distance_to_gb_nm.notna()]
    x = tips.distance_to_gb_nm + 1.0
    for cens, mk in ((False, "o"), (True, "v")):
        s = tips[tips.censored == cens]
        ax.scatter(x[s.index], s.trigger_bias_V.abs(), marker=mk, s=8, facecolors="none" if cens else "C0",
                   edgecolors="C0", alpha=0.6, label="never triggered (window)" if cens else "sweeps")
    if not bins.empty:
        ax.errorbar(bins.distance_median_nm + 1.0, bins.median_V.abs(),
                    yerr=[bins.q75_V - bins.median_V, bins.median_V - bins.q25_V], fmt="s", color="C1", ms=4,
                    capsize=2, label="bin median (IQR)")
    if tips.empty:
        no_data(ax, "no tip sweeps with a distance to GB")
    else:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(axis_label("Distance to GB + 1", "nm"))
    ax.set_ylabel(PAPER_UNITS["trigger_bias_abs"])
    ax.legend()


def plot_bias_vs_pad_side(ax: plt.Axes, table: pd.DataFrame) -> None:
    """Fig. 2f: |trigger bias| of Au-pad sweeps vs pad side, per site, with the median per side."""
    pads = table[table.electrode == "pad"]
    if pads.empty:
        no_data(ax, "no pad sweeps in this dataset")
    else:
        for site, g in pads.groupby("site"):
            color = SITE_COLORS.get(site, "k")
            for cens, mk in ((False, "o"), (True, "v")):
                s = g[g.censored == cens]
                ax.scatter(s.pad_side_um, s.trigger_bias_V.abs(), marker=mk, s=10, edgecolors=color,
                           facecolors="none" if cens else color,
                           label=f"{site}" + (" (never triggered)" if cens else ""))
        med = pads.groupby("pad_side_um")["trigger_bias_V"].median()
        ax.plot(med.index, np.abs(med.values), "k-", lw=0.7, label="median per side")
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(axis_label("Au pad side", "um"))
    ax.set_ylabel(PAPER_UNITS["trigger_bias_abs"])
    ax.legend()


def plot_not_triggered(ax: plt.Axes, groups: Sequence[Group]) -> None:
    """Fig. S5 (left): Kaplan-Meier fraction of sweeps not yet triggered vs |bias|, per group."""
    for k, (name, v, c) in enumerate(groups):
        t, surv = km_curve(np.abs(v), ~c)
        if t.size:
            ax.step(np.r_[min(t.min(), 1e-3), t, np.abs(v).max()], np.r_[1.0, surv, surv[-1]], where="post",
                    label=name, color=f"C{k}")
    ax.set_xscale("log")
    ax.set_xlabel(axis_label("|Bias|", "V"))
    ax.set_ylabel("Fraction not triggered (KM)")
    ax.legend()


def plot_group_biases(ax: plt.Axes, groups: Sequence[Group], medians: Mapping[str, CensoredMedian],
                      colors: Sequence[str] | None = None) -> None:
    """Fig. S5 (right) / 5c (right): every sweep's |trigger bias| per group with the KM median and its 95 % CI.

    Parameters
    ----------
    ax
        Target axes.
    groups
        ``(label, trigger_bias_V, censored)`` per group; censored sweeps get an open triangle.
    medians
        KM median per group label (groups without one get no median marker).
    colors
        One colour per group (default: the style's colour cycle).
    """
    for k, (name, v, c) in enumerate(groups):
        rng = np.random.default_rng(k)  # horizontal jitter only
        color = colors[k] if colors else f"C{k}"
        ax.scatter(k + rng.uniform(-0.2, 0.2, v.size), np.abs(v), s=5, alpha=0.5, color=color, marker="o")
        ax.scatter(k + rng.uniform(-0.2, 0.2, int(c.sum())), np.abs(v[c]), s=12, marker="v", facecolors="none",
                   edgecolors="k", lw=0.5)
        m = medians.get(name)
        if m is not None:
            yerr = [[m.ci_high_V - m.median_V], [m.median_V - m.ci_low_V]] if np.isfinite(m.ci_low_V) else None
            ax.errorbar(k + 0.35, -m.median_V, yerr=yerr, fmt="_", color="k", ms=10, capsize=2)
    ax.set_yscale("log")
    ax.set_xticks(range(len(groups)), [g[0] for g in groups], rotation=30)
    ax.set_xlim(-0.6, len(groups) - 0.4)
    ax.set_ylabel(PAPER_UNITS["trigger_bias_abs"])


def plot_bias_histogram(ax: plt.Axes, groups: Sequence[Group], spread_pct: Mapping[str, float],
                        colors: Sequence[str] | None = None) -> None:
    """Fig. S11b: histogram of the triggered sweeps' |trigger bias| per group, with the coefficient of variation."""
    for k, (name, v, c) in enumerate(groups):
        a = np.abs(v[~c])
        if a.size:
            color = colors[k] if colors else f"C{k}"
            ax.hist(a, bins=np.geomspace(max(a.min() * 0.8, 1e-3), a.max() * 1.25, 20), color=color, alpha=0.7,
                    label=f"{name}: CV {spread_pct.get(name, float('nan')):.0f} %")
    ax.set_xscale("log")
    ax.set_xlabel(PAPER_UNITS["trigger_bias_abs"])
    ax.set_ylabel("Sweeps")
    ax.legend()


def sweep_groups(table: pd.DataFrame, sites: Sequence[str], electrode: str = "tip",
                 labels: Mapping[str, str] | None = None) -> list[Group]:
    """Group the sweeps drawn in S5/5c/S11b: ``(label, trigger_bias_V, censored)`` per site that has sweeps.

    Labels default to ``"<electrode> <site>"``.
    """
    out = []
    for s in sites:
        g = table[(table["site"] == s) & (table["electrode"] == electrode)]
        if len(g):
            out.append(((labels or {}).get(s, f"{electrode} {s}"), g["trigger_bias_V"].to_numpy(),
                        g["censored"].to_numpy(dtype=bool)))
    return out
