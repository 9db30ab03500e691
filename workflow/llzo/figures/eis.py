"""Panels of Fig. 5d, e: Nyquist plots with fits, fit residuals, interface resistances.

Panel functions draw into a given matplotlib ``Axes`` (or ``Figure``) and do no I/O. Impedances are
drawn area-specific (ohm cm2: Z x electrode area), residuals in % of abs(Z).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from llzo.analysis.eis import GROUPS, SpectrumResult, fit_residuals_pct, predict

#: Axis labels in the paper's units. The primes are the Unicode characters (DejaVu Sans has them):
#: mathtext's ``$'$`` takes the prime from a Computer Modern font, whose embedding in the PDF makes
#: fontTools log a warning into the executed notebook.
LABELS = {
    "re": r"Z′ ($\Omega$ cm$^2$)",
    "im": r"$-$Z″ ($\Omega$ cm$^2$)",
    "f": "Frequency (Hz)",
    "resid": "Fit residual (%)",
    "r_int": r"R$_{int}$ ($\Omega$ cm$^2$)",
}


def _fit_curve(res: SpectrumResult, n: int = 300) -> tuple[np.ndarray, np.ndarray] | None:
    if res.fit is None or res.f_Hz.size < 2:
        return None
    ff = np.logspace(np.log10(res.f_Hz.min()), np.log10(res.f_Hz.max()), n)
    return ff, predict(res.fit, ff)


def nyquist(ax, res: SpectrumResult, *, label: str, color: str | None = None, fit: bool = True) -> None:
    """Measured spectrum (markers; hollow when the value is ambiguous or not fitted) and the fit (line)."""
    A = res.area_cm2
    Z = res.Z_ohm * A
    face = color if res.status == "ok" else "none"
    (pts,) = ax.plot(Z.real, -Z.imag, "o", ms=2.5, mfc=face, color=color, mew=0.6,
                     label=label if res.status == "ok" else f"{label} ({res.status})")
    curve = _fit_curve(res) if fit else None
    if curve is not None:
        Zf = curve[1] * A
        ax.plot(Zf.real, -Zf.imag, "-", color=pts.get_color(), lw=0.8)
    ax.set_xlabel(LABELS["re"])
    ax.set_ylabel(LABELS["im"])


def residuals(ax, res: SpectrumResult, *, color: str | None = None, label: str | None = None) -> None:
    """Relative residuals of the fit versus frequency: real part (circles), imaginary part (crosses)."""
    f, rr, ri = fit_residuals_pct(res)
    ax.plot(f, rr, "o-", ms=2, lw=0.5, color=color, label=label)
    ax.plot(f, ri, "x--", ms=2.5, lw=0.5, color=color)
    ax.axhline(0, color="0.6", lw=0.5)
    ax.set_xscale("log")
    ax.set_xlabel(LABELS["f"])
    ax.set_ylabel(LABELS["resid"])


def nyquist_with_residuals(fig, results: dict[str, SpectrumResult], table: pd.DataFrame) -> list[str]:
    """Fig. 5d: one spectrum per group (the first unambiguous one) with its fit, and the fit residuals.

    Spectra narrower than a fifth of the widest (the HL cells) are repeated in a zoomed panel.

    Returns
    -------
    list of str
        The run ids drawn.
    """
    import matplotlib as mpl

    chosen = []
    colors = mpl.rcParams["axes.prop_cycle"].by_key()["color"]
    for (il, st, _cid, label), color in zip(GROUPS, colors, strict=False):
        g = table[(table["interlayer"] == il) & (table["state"] == st)]
        if not g.empty:
            ok = g[g["status"] == "ok"]
            chosen.append(((ok if len(ok) else g)["run_id"].iloc[0], label, color))
    width = {run: float(np.ptp(results[run].Z_ohm.real * results[run].area_cm2)) if results[run].Z_ohm.size else 0.0
             for run, _, _ in chosen}
    small = [c for c in chosen if 0 < width[c[0]] < 0.2 * max(width.values(), default=0.0)]
    rows = [2.2, 1.3, 1.0] if small else [2.2, 1.0]
    gs = fig.add_gridspec(len(rows), 1, height_ratios=rows, hspace=0.45)
    ax = fig.add_subplot(gs[0])
    for run, label, color in chosen:
        nyquist(ax, results[run], label=label, color=color)
    ax.set_aspect("equal", adjustable="datalim")
    if chosen:
        ax.legend(loc="upper left")
    if small:
        axz = fig.add_subplot(gs[1])
        for run, label, color in small:
            nyquist(axz, results[run], label=label, color=color)
        axz.set_aspect("equal", adjustable="datalim")
        axz.set_title("zoom", fontsize=6)
    axr = fig.add_subplot(gs[-1])
    for run, _label, color in chosen:
        residuals(axr, results[run], color=color)
    axr.set_title("fit residuals: real (o), imaginary (x)", fontsize=6)
    return [run for run, _, _ in chosen]


def spectra_grid(fig, results: dict[str, SpectrumResult], ncols: int = 4) -> None:
    """Every spectrum: Nyquist with fit, titled with run id, status and KK verdict (supplementary)."""
    runs = list(results)
    nrows = max(1, int(np.ceil(len(runs) / ncols)))
    for i, run in enumerate(runs):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        res = results[run]
        nyquist(ax, res, label=run, color="#1f4e79")
        kk = {None: "KK n/a", True: "KK valid", False: "KK-invalid"}[res.kk_valid]
        r = f"{res.R_int_ohm_cm2:.3g}" if np.isfinite(res.R_int_ohm_cm2) else "-"
        ax.set_title(f"{run}\n{res.status}, {kk}, R_int {r}", fontsize=5)
        ax.tick_params(labelsize=5)
        ax.xaxis.label.set_size(5)
        ax.yaxis.label.set_size(5)


def r_int_bars(ax, cells: pd.DataFrame, claims: dict[str, float]) -> None:
    """Fig. 5e: median R_int per group (bars) over the unambiguous cells (dots); ambiguous cells as red x.

    An ambiguous cell is drawn at its flagged value when the analysis had one (never used for the
    bar) and counted at the bottom of the panel.

    Parameters
    ----------
    cells
        :func:`llzo.analysis.eis.cell_values` table.
    claims
        ``{claim_id: median}`` (NaN when no cell was unambiguous).
    """
    labels, x = [], 0
    for il, st, cid, label in GROUPS:
        g = cells[(cells["interlayer"] == il) & (cells["state"] == st)]
        if g.empty:
            continue
        m = claims.get(cid, np.nan)
        if np.isfinite(m):
            ax.bar(x, m, color="#1f4e79", alpha=0.8, width=0.6)
        ok = g[g["status"] == "ok"]
        jitter = np.linspace(-0.15, 0.15, max(len(ok), 1))[: len(ok)]
        ax.plot(x + jitter, ok["R_int_ohm_cm2"], "o", color="k", ms=3)
        bad = g[g["status"] != "ok"]
        if len(bad):
            flagged = bad["R_int_flagged_ohm_cm2"].to_numpy(float)
            ax.plot(np.full(len(bad), x + 0.25), flagged, "x", color="#c0392b", ms=4)
            ax.annotate(f"{len(bad)} ambiguous", (x, 0.02), xycoords=("data", "axes fraction"), ha="center",
                        fontsize=6, color="#c0392b")
        labels.append(label)
        x += 1
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels)
    ax.set_yscale("log")
    ax.set_ylabel(LABELS["r_int"])
