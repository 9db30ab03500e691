"""Panels of the electrochemistry figures (Fig. 5f CCD, 5g symmetric cycling, 5h/S12 full cells).

Every run is labelled by its cell (:func:`run_label`); time in h, current density in mA cm-2,
voltage in V, specific capacity in mAh g-1 (paper units). No I/O here: the notebooks save.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Most points drawn per run (long logs are thinned evenly for the plot only).
MAX_POINTS = 20000


def run_label(cell: str, run_id: str, interlayer: str | None = None) -> str:
    """``"<cell> (<interlayer>)"``, with the run id when it differs from the cell name."""
    base = f"{cell} / {run_id}" if run_id != cell else str(cell)
    return f"{base} ({interlayer})" if interlayer else base


def _thin(n: int) -> slice:
    return slice(None, None, max(n // MAX_POINTS, 1))


def ccd_panel(ax, d: pd.DataFrame, area_cm2: float, label: str, ccd_mA_cm2: float | None,
              short_time_h: float | None, note: str = "") -> None:
    """Cell voltage and current density vs time of one CCD run; the short marked."""
    k = _thin(len(d))
    t_h = d["time_s"].to_numpy()[k] / 3600
    ax.plot(t_h, d["Ecell_V"].to_numpy()[k], lw=0.5)
    ax2 = ax.twinx()
    ax2.plot(t_h, d["I_mA"].to_numpy()[k] / area_cm2, lw=0.5, color="#c0392b")
    ax2.set_ylabel("j (mA cm$^{-2}$)", fontsize=6)
    if short_time_h is not None and np.isfinite(short_time_h):
        ax.axvline(short_time_h, color="k", ls=":", lw=0.8)
    ax.set_ylabel("Ecell (V)")
    value = f"CCD {ccd_mA_cm2:.2f} mA cm$^{{-2}}$" if ccd_mA_cm2 is not None and np.isfinite(ccd_mA_cm2) else note
    ax.set_title(f"{label}: {value}", fontsize=7)


def sym_overview(ax, runs: list[tuple[str, pd.DataFrame]]) -> None:
    """Cell voltage vs time of every symmetric run, one line per cell."""
    for label, d in runs:
        k = _thin(len(d))
        ax.plot(d["time_s"].to_numpy()[k] / 3600, d["Ecell_V"].to_numpy()[k], lw=0.3, label=label)
    ax.set_xlabel("Time (h)")
    ax.set_ylabel("Ecell (V)")
    if runs:
        ax.legend(loc="upper right", fontsize=5)


def zoom_window_h(t_h: np.ndarray, t_event_h: float | None, before_h: float = 3.0, after_h: float = 1.0,
                  min_points: int = 20) -> tuple[float, float]:
    """Time window around an event (the short) or the end of the log, holding at least ``min_points``."""
    centre = float(t_event_h) if t_event_h is not None and np.isfinite(t_event_h) else float(t_h[-1])
    lo, hi = centre - before_h, centre + after_h
    inside = (t_h >= lo) & (t_h <= hi)
    if inside.sum() < min(min_points, t_h.size):
        k = int(np.searchsorted(t_h, centre))
        a, b = max(k - min_points, 0), min(k + min_points // 4, t_h.size - 1)
        lo, hi = min(lo, float(t_h[a])), max(hi, float(t_h[b]))
    return lo, hi


def sym_zoom(ax, d: pd.DataFrame, label: str, short_abs_h: float | None) -> None:
    """Cell voltage around the short (absolute time, h) or the end of the log."""
    t_h = d["time_s"].to_numpy() / 3600
    lo, hi = zoom_window_h(t_h, short_abs_h)
    m = (t_h >= lo) & (t_h <= hi)
    ax.plot(t_h[m], d["Ecell_V"].to_numpy()[m], lw=0.5)
    if short_abs_h is not None and np.isfinite(short_abs_h):
        ax.axvline(short_abs_h, color="k", ls=":", lw=0.8)
    ax.set_title(f"zoom {label}", fontsize=6)


def full_panel(ax, cycles: list[tuple[str, pd.DataFrame]], title: str) -> None:
    """Specific charge/discharge capacity and coulombic efficiency per cycle, one series per cell."""
    ax2 = ax.twinx()
    for k, (label, c) in enumerate(cycles):
        colour = f"C{k % 10}"
        ax.plot(c["cycle"], c["q_charge_mAh_g"], "^", ms=1.8, color=colour, mfc="none", label=f"{label} charge")
        ax.plot(c["cycle"], c["q_discharge_mAh_g"], "o", ms=1.5, color=colour, label=f"{label} discharge")
        ax2.plot(c["cycle"], c["ce_pct"], "-", lw=0.6, color=colour, alpha=0.6)
    ax.set_xlabel("Cycle number")
    ax.set_ylabel("Specific capacity (mAh g$^{-1}$)")
    top = max((float(np.nanmax(c[["q_charge_mAh_g", "q_discharge_mAh_g"]].to_numpy())) for _, c in cycles
               if len(c)), default=0.0)
    ax.set_ylim(0, 1.1 * top if top > 0 else None)
    ax2.set_ylim(50, 105)
    ax2.set_ylabel("Coulombic efficiency (%)")
    ax.set_title(title)
    if cycles:
        ax.legend(loc="lower left", fontsize=5)
