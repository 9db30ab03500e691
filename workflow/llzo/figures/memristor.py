"""Memristor panels (Fig. 6e-i): I-V cycles, set/reset bias per cycle, on/off ratio per cycle."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from llzo.analysis.memristor import MemristorParams
from llzo.figures.style import PAPER_UNITS, axis_label


def device_label(device: pd.Series) -> str:
    """Legend label of a device: ``tip`` or ``<side> um pad``."""
    return "tip" if device["electrode"] == "tip" else f"{device['pad_side_um']:g} um pad"


def plot_iv_cycles(ax: plt.Axes, sweep: pd.DataFrame, cycles: Sequence[int], log: bool = False) -> None:
    """I-V curves of the given cycles of one device, coloured by cycle number (colour bar).

    Parameters
    ----------
    ax
        Target axes.
    sweep
        Samples of the device (``cycle, bias_V, current_A``).
    cycles
        Cycle numbers drawn.
    log
        |I| on a log axis (A) instead of I (uA).
    """
    cmap = plt.get_cmap("viridis")
    last = max(cycles) if len(cycles) else 1
    for c in cycles:
        g = sweep[sweep["cycle"] == c]
        y = np.abs(g["current_A"]) if log else g["current_A"] * 1e6
        ax.plot(g["bias_V"], y, color=cmap((c - 1) / max(last - 1, 1)), lw=0.5)
    ax.set_xlabel(PAPER_UNITS["bias"])
    if log:
        ax.set_yscale("log")
        ax.set_ylabel(PAPER_UNITS["abs_current"])
        ax.set_ylim(bottom=max(np.percentile(np.abs(sweep["current_A"]), 1), 1e-15))
    else:
        ax.set_ylabel(axis_label("Current", "uA"))
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(1, last))
    ax.figure.colorbar(sm, ax=ax, label="cycle")


def plot_switching_biases(ax: plt.Axes, cycles: pd.DataFrame, forming_cycles: int) -> None:
    """Fig. 6f (right): set and reset bias of every cycle of one device; crosses at 0 V for cycles without a set."""
    s = cycles[cycles["set_detected"]]
    r = cycles[cycles["reset_detected"]]
    ax.plot(s["cycle"], s["set_bias_V"].astype(float), ".", label="set")
    ax.plot(r["cycle"], r["reset_bias_V"].astype(float), ".", label="reset")
    ns = cycles[~cycles["set_detected"]]
    if len(ns):
        ax.plot(ns["cycle"], np.zeros(len(ns)), "x", color="k", label="no set")
    ax.axvline(forming_cycles + 0.5, color="0.6", ls="--", lw=0.7)
    ax.set_xlabel(PAPER_UNITS["cycle"])
    ax.set_ylabel(PAPER_UNITS["bias"])
    ax.legend()


def plot_on_off(ax: plt.Axes, cycles: pd.DataFrame, devices: pd.DataFrame, params: MemristorParams) -> None:
    """Fig. 6i: on/off ratio at the read bias vs cycle for every device, with its endurance in the legend."""
    for _, d in devices.iterrows():
        c = cycles[cycles["sweep_id"] == d["sweep_id"]]
        ax.plot(c["cycle"], c["on_off"], ".-", ms=2, lw=0.5,
                label=f"{device_label(d)} (endurance {d['endurance_cycles']}{'+' if d['endurance_censored'] else ''})")
    ax.axhline(params.endurance_on_off_min, color="0.6", ls="--", lw=0.7)
    ax.set_yscale("log")
    ax.set_xlabel(PAPER_UNITS["cycle"])
    ax.set_ylabel(f"On/off ratio at {params.read_bias_V:g} V")
    ax.legend(fontsize=5)
