"""Figure style and provenance-carrying save."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt

#: Axis labels in the paper's units (SI inside the library, paper units on axes).
PAPER_UNITS = {
    "bias": "Bias (V vs Li/Li$^+$)",
    "current": "Current (A)",
    "current_density": "Current density (A cm$^{-2}$)",
    "distance_nm": "Distance to GB (nm)",
    "modulus": "DMT modulus (GPa)",
    "potential": "Surface potential (mV)",
    "time_h": "Time (h)",
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
