"""AFM map panels: Fig. 2a,b (height and current before/after penetration) and Fig. 3 (modulus, KPFM).

Images are drawn in pixel coordinates (row 0 at the top, as the instrument shows them) with a
scale bar; values in paper units (nm, nA, GPa, mV).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from llzo.analysis.maps import (
    PROPERTY,
    CurrentMap,
    MapsParams,
    PropertyMap,
    PropertySummary,
    gb_gi_values,
    mean_line_profile,
)
from llzo.figures.style import PAPER_UNITS, axis_label, bare_image, scale_bar

#: Colour of each property (profile lines and their mean).
PROPERTY_COLORS = {"modulus": "#8b4513", "kpfm": "#1f4e79"}
#: How each channel of a current map is drawn: colour map, colour-bar label, factor from SI.
CURRENT_MAP_CHANNELS = {"height_m": ("afmhot", PAPER_UNITS["height_nm"], 1e9),
                        "current_A": ("inferno", axis_label("Current", "nA"), 1e9)}


def plot_current_maps(axs: Sequence[plt.Axes], maps: Sequence[CurrentMap], bumps: pd.DataFrame, channel: str,
                      bar_nm: float = 200.0) -> None:
    """Fig. 2a (``channel="height_m"``) or 2b (``"current_A"``): one map per axes, top to bottom.

    Parameters
    ----------
    axs
        One axes per map.
    maps
        The current maps (levelled height, current as measured), pristine first.
    bumps
        Bump table (``map_id, x_nm, y_nm``): circled on the height maps.
    channel
        ``"height_m"`` or ``"current_A"``.
    bar_nm
        Scale bar length (nm; 200 nm in the paper).
    """
    cmap, label, scale = CURRENT_MAP_CHANNELS[channel]
    for ax, m in zip(axs, maps, strict=True):
        im = ax.imshow(getattr(m, channel) * scale, cmap=cmap)
        ax.figure.colorbar(im, ax=ax, fraction=0.046, label=label)
        bias = f", {m.bias_V:+g} V" if channel == "current_A" else ""
        bare_image(ax, m.stage.replace("_", " ") + bias)
        scale_bar(ax, bar_nm, m.dx_m * 1e9)
        b = bumps[bumps["map_id"] == m.map_id]
        if channel == "height_m" and len(b):
            ax.plot(b.x_nm / (m.dx_m * 1e9) - 0.5, b.y_nm / (m.dy_m * 1e9) - 0.5, "o", mfc="none", mec="c", ms=8)


def crop_around_line(m: PropertyMap, size_nm: float) -> tuple[slice, slice]:
    """Window (rows, cols) of ``size_nm`` centred on the map's first profile line (a straight boundary)."""
    n = max(int(size_nm / (m.dx_m * 1e9)), 8)
    ny, nx = m.values.shape
    if len(m.lines):
        cy = int(m.lines.y0_nm.iloc[0] / (m.dy_m * 1e9))
        cx = int(m.lines.x0_nm.iloc[0] / (m.dx_m * 1e9))
    else:
        cy, cx = ny // 2, nx // 2
    y0, x0 = np.clip(cy - n // 2, 0, ny - n), np.clip(cx - n // 2, 0, nx - n)
    return slice(y0, y0 + n), slice(x0, x0 + n)


def plot_property_maps(axs: Sequence[plt.Axes], summary: PropertySummary, params: MapsParams, *, bar_nm: float,
                       full_bar_nm: float, zoom_nm: float) -> None:
    """Fig. 3a-e or 3f-j on five axes: height, property (boundaries shaded), a zoom of both, the profile.

    Parameters
    ----------
    axs
        Five axes.
    summary
        All maps of the kind (the first is drawn); profile lines of every map.
    params
        GB band and GI distance (inset) of the analysis.
    bar_nm, full_bar_nm
        Scale bars of the zoomed and of the full images (nm).
    zoom_nm
        Side of the zoom window around the first profile line (nm).
    """
    kind, m = summary.kind, summary.maps[0]
    label = PAPER_UNITS["modulus"] if kind == "modulus" else PAPER_UNITS["potential"]
    fig = axs[0].figure
    im = axs[0].imshow(m.height_m * 1e9, cmap="afmhot")
    fig.colorbar(im, ax=axs[0], fraction=0.046, label=PAPER_UNITS["height_nm"])
    im = axs[1].imshow(m.values, cmap="viridis")
    axs[1].imshow(np.ma.masked_where(~m.boundary, m.boundary), cmap="gray", vmin=0, vmax=1, alpha=0.5,
                  interpolation="nearest")
    fig.colorbar(im, ax=axs[1], fraction=0.046, label=label)
    sy, sx = crop_around_line(m, zoom_nm)
    axs[2].imshow(m.height_m[sy, sx] * 1e9, cmap="afmhot")
    axs[3].imshow(m.values[sy, sx], cmap="viridis")
    for k, (ax, letter) in enumerate(zip(axs[:4], "abcd" if kind == "modulus" else "fghi", strict=True)):
        bare_image(ax)
        ax.set_title(letter, loc="left")
        scale_bar(ax, full_bar_nm if k < 2 else bar_nm, m.dx_m * 1e9)
    plot_profile(axs[4], summary, params)
    axs[4].set_title("e" if kind == "modulus" else "j", loc="left")


def plot_profile(ax: plt.Axes, summary: PropertySummary, params: MapsParams) -> None:
    """Fig. 3e/3j: the property along every line across a boundary, their mean +- sd, and a GB/GI inset.

    The potential is drawn relative to the grain-interior median (its absolute value is arbitrary).
    """
    kind, color = summary.kind, PROPERTY_COLORS[summary.kind]
    offset = 0.0 if kind == "modulus" else summary.stats["gi_median"]
    for _, s in summary.samples.groupby(["map_id", "line"]):
        ax.plot(s.distance_nm, s.value - offset, color=color, lw=0.5, alpha=0.35)
    mean = mean_line_profile(summary.samples)
    ax.fill_between(mean.distance_nm, mean["mean"] - offset - mean["sd"], mean["mean"] - offset + mean["sd"],
                    color=color, alpha=0.25, lw=0)
    ax.plot(mean.distance_nm, mean["mean"] - offset, color=color, lw=2)
    ax.set_xlabel(PAPER_UNITS["distance_nm"])
    ax.set_ylabel(PAPER_UNITS["modulus"] if kind == "modulus" else
                  axis_label("Potential - GI median", PROPERTY[kind][2]))
    ins = ax.inset_axes([0.64, 0.08, 0.33, 0.38])
    split = [gb_gi_values(m.values, m.distance_nm, params.gb_band_nm, params.gi_min_distance_nm) for m in summary.maps]
    gbv, giv = np.concatenate([g for g, _ in split]), np.concatenate([g for _, g in split])
    ins.boxplot([gbv - offset, giv - offset], showfliers=False, widths=0.6)
    ins.set_xticks([1, 2], ["GB", "GI"])
    ins.tick_params(labelsize=5)
