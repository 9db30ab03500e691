"""The robustness figure: claims x analysis parameters, how far each claim moves and where its verdict flips.

Input is the summary of the robustness study (one row per claim and varied parameter: columns
``claim_id, analysis, parameter, max_rel_change_pct, verdict``; made by
:func:`llzo.pipeline.robustness.summarize`). ``docs/claims.md`` ("robustness") defines it.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import LogNorm
from matplotlib.patches import Rectangle

#: Colour scale of the relative change (%): below the lower end the cell is white, above the upper
#: end (and for a change from 0) the darkest colour.
CHANGE_RANGE_PCT = (0.1, 100.0)
#: Edge colour of a cell whose verdict flips for some plausible value.
FRAGILE_COLOR = "#c0392b"


def change_matrix(summary: pd.DataFrame, claims: Sequence[str], params: Sequence[tuple[str, str]]
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the relative change (%), the fragile and the not-computed flags as (claims x parameters) arrays.

    Cells of a parameter that does not act on the claim are NaN (change) and False (flags).
    """
    change = np.full((len(claims), len(params)), np.nan)
    fragile = np.zeros((len(claims), len(params)), bool)
    not_computed = np.zeros((len(claims), len(params)), bool)
    row = {c: i for i, c in enumerate(claims)}
    col = {p: j for j, p in enumerate(params)}
    for r in summary.itertuples(index=False):
        i, j = row.get(r.claim_id), col.get((r.analysis, r.parameter))
        if i is None or j is None:
            continue
        change[i, j] = r.max_rel_change_pct
        fragile[i, j] = r.verdict == "fragile"
        not_computed[i, j] = r.n_not_computed > 0
    return change, fragile, not_computed


def plot_robustness(ax: plt.Axes, summary: pd.DataFrame, claims: Sequence[str],
                    params: Sequence[tuple[str, str]]) -> None:
    """Heat map of the largest relative change of each claim over each parameter's plausible values.

    Parameters
    ----------
    ax
        Target axes (a colour bar is added beside it).
    summary
        The robustness summary (see the module docstring).
    claims
        Row order (claim ids).
    params
        Column order: ``(analysis, parameter)`` pairs.

    Notes
    -----
    Grey: the parameter does not act on the claim (not varied for it). The colour is
    max abs(value - configured) / abs(configured) on a log scale (white below 0.1 %; a change from
    a configured 0, ``inf``, and a claim that cannot be computed for some value, ``n/a``, are drawn
    at the top of the scale; numbers: the change in % where it is at least 1 %). A red
    frame marks a fragile cell: for some plausible value the claim's status (pass/fail/missing)
    differs from the configured one.
    """
    change, fragile, not_computed = change_matrix(summary, claims, params)
    lo, hi = CHANGE_RANGE_PCT
    shown = np.where(np.isinf(change), hi * 10, change)
    base = plt.get_cmap("YlOrBr")
    cmap = base.with_extremes(under="white", over=base(1.0), bad="#d9d9d9")
    masked = np.ma.masked_invalid(np.where(shown <= 0, lo / 10, shown))
    im = ax.imshow(masked, cmap=cmap, norm=LogNorm(lo, hi), aspect="auto", interpolation="nearest")
    for i, j in zip(*np.nonzero(fragile), strict=True):
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor=FRAGILE_COLOR, linewidth=1.6))
    for i, j in zip(*np.nonzero(np.isfinite(change) | np.isinf(change)), strict=True):
        v = change[i, j]
        if np.isinf(v) or v >= 0.95:
            text = "n/a" if not_computed[i, j] else "inf" if np.isinf(v) else f"{v:.0f}"
            ax.text(j, i, text, ha="center", va="center", fontsize=4.5, color="white" if v > 30 else "black")
    ax.set_xticks(range(len(params)), [f"{a}: {p}" for a, p in params], rotation=90, fontsize=6)
    ax.set_yticks(range(len(claims)), list(claims), fontsize=6)
    ax.tick_params(top=False, right=False, length=0)
    # separators between the analyses
    studies = [a for a, _ in params]
    for j in range(1, len(params)):
        if studies[j] != studies[j - 1]:
            ax.axvline(j - 0.5, color="black", linewidth=0.5)
    cb = ax.figure.colorbar(im, ax=ax, extend="both", shrink=0.6, pad=0.01)
    cb.set_label("largest relative change over the plausible values (%)", fontsize=6)
    cb.ax.tick_params(labelsize=6)
    ax.set_title("Robustness: each analysis parameter varied alone over its plausible range; "
                 "red frame = verdict flips", fontsize=7)
