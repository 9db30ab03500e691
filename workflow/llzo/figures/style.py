"""Figure style, paper-unit axis labels, shared drawing helpers and the provenance-carrying save."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt

#: How units are written on axes (keys as in column names: ``um``, ``nm2``, ``mA_cm2``).
UNIT_TEXT = {
    "um": "µm", "uA": "$\\mu$A", "nm2": "nm$^2$", "um2": "µm$^2$", "cm2": "cm$^2$", "ohm": "$\\Omega$",
    "ohm_cm2": "$\\Omega$ cm$^2$", "A_cm2": "A cm$^{-2}$", "mA_cm2": "mA cm$^{-2}$", "S_cm": "S cm$^{-1}$",
    "V_vs_Li": "V vs Li/Li$^+$", "mAh_g": "mAh g$^{-1}$",
}


def axis_label(quantity: str, unit: str | None = None) -> str:
    """Axis label ``"<quantity> (<unit>)"`` with the unit written as in the paper.

    ``axis_label("x", "um")`` gives ``"x (µm)"``; ``unit`` is a unit suffix as used in column
    names (see :data:`UNIT_TEXT`); units not listed there are written as given.
    """
    return quantity if unit is None else f"{quantity} ({UNIT_TEXT.get(unit, unit)})"


#: Axis labels in the paper's units (SI inside the library, paper units on axes).
PAPER_UNITS = {
    "bias": axis_label("Bias", "V_vs_Li"),
    "current": axis_label("Current", "A"),
    "abs_current": axis_label("|Current|", "A"),
    "current_density": axis_label("Current density", "A_cm2"),
    "distance_nm": axis_label("Distance to GB", "nm"),
    "modulus": axis_label("DMT modulus", "GPa"),
    "potential": axis_label("Surface potential", "mV"),
    "height_nm": axis_label("Height", "nm"),
    "time_h": axis_label("Time", "h"),
    "x_um": axis_label("x", "um"),
    "y_um": axis_label("y", "um"),
    "trigger_bias_abs": axis_label("|Trigger bias|", "V"),
    "cycle": "Cycle",
}

STYLE = {
    "figure.figsize": (3.4, 2.6),
    "figure.dpi": 110,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    "font.size": 8,
    "axes.titlesize": 8,
    "axes.labelsize": 8,
    "legend.fontsize": 7,
    "legend.frameon": False,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "xtick.direction": "in",
    "ytick.direction": "in",
    "xtick.top": True,
    "ytick.right": True,
    "axes.linewidth": 0.8,
    "lines.linewidth": 1.0,
    "lines.markersize": 3,
    "image.cmap": "viridis",
    "axes.prop_cycle": mpl.cycler(color=["#1f4e79", "#c0392b", "#2e8b57", "#e69f00", "#6a3d9a", "#555555"]),
    "pdf.fonttype": 42,
    "svg.hashsalt": "llzo",
}


def scale_bar(ax: plt.Axes, length_nm: float, pixel_nm: float, label: str | None = None,
              color: str = "w") -> None:
    """Draw a scale bar in the lower left corner of an image drawn in pixel coordinates (``imshow``).

    Parameters
    ----------
    ax
        Axes holding the image (row 0 at the top).
    length_nm
        Bar length (nm).
    pixel_nm
        Pixel size along x (nm).
    label
        Text under the bar; default ``"<length> nm"``.
    color
        Bar and text colour.
    """
    x0, y1 = ax.get_xlim()[0], ax.get_ylim()[0]
    span = abs(ax.get_xlim()[1] - x0)
    w = length_nm / pixel_nm
    ax.plot([x0 + 0.05 * span, x0 + 0.05 * span + w], [y1 - 0.07 * span] * 2, color=color, lw=2)
    ax.text(x0 + 0.05 * span + w / 2, y1 - 0.1 * span, label or f"{length_nm:g} nm", color=color, ha="center",
            va="bottom", fontsize=6)


def no_data(ax: plt.Axes, text: str) -> None:
    """Say in an empty panel why it is empty (e.g. ``"no pad sweeps in this dataset"``)."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)


def bare_image(ax: plt.Axes, title: str | None = None) -> None:
    """Remove the ticks of an image panel and set its (small) title."""
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title, fontsize=7)


def use_style() -> None:
    """Apply the project style to matplotlib (call once at the top of a notebook)."""
    mpl.rcParams.update(STYLE)


def save_figure(
    fig: plt.Figure,
    panel: str,
    figures_dir: str | Path,
    provenance: dict | None = None,
    dpi: int | None = None,
) -> list[Path]:
    """Save a panel as ``fig<panel>.png`` and ``.pdf`` with provenance in the metadata.

    Parameters
    ----------
    fig
        The figure.
    panel
        Panel id as in ``workflow/config/panels.yaml`` (``"2e"``, ``"3a-e"``, ``"Eq1"``).
    figures_dir
        Output folder (the notebook's ``figures_dir`` parameter).
    provenance
        Notebook, git commit, parameters and raw-input SHA-256 (from the runner).
    dpi
        PNG resolution; default from the style.

    Returns
    -------
    list of Path
        The PNG and PDF paths.
    """
    out = Path(figures_dir)
    out.mkdir(parents=True, exist_ok=True)
    prov = json.dumps(provenance or {}, sort_keys=True, default=str)
    png, pdf = out / f"fig{panel}.png", out / f"fig{panel}.pdf"
    title = f"llzo-repro panel {panel}"
    fig.savefig(
        png, dpi=dpi, metadata={"Title": title, "Software": "llzo-repro (matplotlib)", "Description": prov}
    )
    fig.savefig(
        pdf,
        metadata={
            "Title": title,
            "Subject": prov,
            "Creator": "llzo-repro",
            "Producer": "matplotlib",
            "CreationDate": None,
            "ModDate": None,
        },
    )
    return [png, pdf]
