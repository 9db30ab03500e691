"""Fig. 4 panels (FE Li+ flux): functions that draw on a given axes from arrays and tables, no I/O.

Lengths in um and current densities in mA cm-2 on the axes (the paper's units); the arrays come
from the ensemble members written by the FE jobs (:mod:`llzo.fe.model`) and the tables of
:mod:`llzo.fe.ensemble` / :mod:`llzo.fe.sensitivity`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr

from llzo.fe.geometry import boundary_mask

J_LABEL = "normal current density (mA cm$^{-2}$)"
X_LABEL, Y_LABEL = "x (um)", "y (um)"
PAPER_HOTSPOT = 10.0  # Fig. 4f: "over ten times larger"
FACTOR_LABELS = {"width_um": "domain width (um)", "cell_um": "cell size (um)",
                 "sigma_gb_S_cm": "sigma_gb (S cm$^{-1}$)", "hotspot_window_um": "window (um)",
                 "hotspot_min_contact_um": "min. grain contact (um)"}


def grain_map(ax: plt.Axes, labels: np.ndarray, extent: Sequence[float], title: str) -> None:
    """S6/S7: grains in random grey-green shades, boundaries dark, HL cells (label < 0) blue."""
    lab = np.asarray(labels)
    colors = np.random.default_rng(0).uniform(0.35, 0.95, size=(max(int(lab.max()), 0) + 2, 3))
    img = colors[lab + 1]
    img[lab < 0] = (0.55, 0.75, 1.0)
    img[boundary_mask(lab) & (lab >= 0)] = 0.1
    ax.imshow(img, origin="lower", extent=extent, interpolation="nearest")
    ax.set(xlabel=X_LABEL, ylabel=Y_LABEL, title=title)


def grid_zoom(ax: plt.Axes, labels: np.ndarray, cell_um: float, y_top_um: float, size_um: float = 8.0) -> None:
    """S15: the finite-volume grid in the top-left corner of the bare model (grey: cells at a boundary)."""
    n = round(size_um / cell_um)
    sub = np.asarray(labels)[-n:, :n]
    y0 = y_top_um - n * cell_um
    ax.imshow(boundary_mask(sub) * 1.0, origin="lower", cmap="Greys", vmin=0, vmax=2.5,
              extent=(0, n * cell_um, y0, y_top_um))
    for k in range(n + 1):
        ax.axvline(k * cell_um, lw=0.3, color="0.6")
        ax.axhline(y0 + k * cell_um, lw=0.3, color="0.6")
    ax.set(xlabel=X_LABEL, ylabel=Y_LABEL, title=f"Finite-volume grid, cell {cell_um:g} um (grey: cells at a boundary)")


def potential_and_current(axs: Sequence[plt.Axes], phi_V: np.ndarray, j_abs_A_cm2: np.ndarray,
                          extent: Sequence[float]) -> None:
    """4a/4b: potential (mV) and |j| (mA cm-2, colour scale clipped at the 99.5th percentile)."""
    fig = axs[0].figure
    im0 = axs[0].imshow(np.asarray(phi_V) * 1e3, origin="lower", extent=extent, cmap="viridis")
    fig.colorbar(im0, ax=axs[0], label="potential (mV)")
    j = np.asarray(j_abs_A_cm2) * 1e3
    im1 = axs[1].imshow(j, origin="lower", extent=extent, cmap="inferno", vmin=0, vmax=np.percentile(j, 99.5))
    fig.colorbar(im1, ax=axs[1], label="|j| (mA cm$^{-2}$)")
    for ax in axs:
        ax.set(xlabel=X_LABEL, ylabel=Y_LABEL)


def current_lines(ax: plt.Axes, x_um: np.ndarray, y_um: np.ndarray, jx: np.ndarray, jy: np.ndarray,
                  labels: np.ndarray, title: str) -> None:
    """4c/4d: current lines (colour: log |j|) over the grains (boundaries black, HL light grey)."""
    lab = np.asarray(labels)
    shade = np.where(boundary_mask(lab) & (lab >= 0), 0.0, np.where(lab < 0, 0.8, 1.0))
    ax.imshow(shade, origin="lower", cmap="Greys_r", vmin=0, vmax=1, extent=(x_um[0], x_um[-1], y_um[0], y_um[-1]))
    speed = np.hypot(jx, jy)
    ax.streamplot(x_um, y_um, jx, jy, color=np.log10(speed + 1e-30), cmap="plasma", density=1.6, linewidth=0.7,
                  arrowsize=0.6)
    ax.set(xlabel=X_LABEL, ylabel=Y_LABEL, title=title)


def hot_junction(ax: plt.Axes, x_um: np.ndarray, y_um: np.ndarray, jx_A_cm2: np.ndarray, jy_A_cm2: np.ndarray,
                 labels: np.ndarray, arrow_step: int) -> None:
    """4e: |j| with arrows (every ``arrow_step`` cells) and the boundaries (cyan) near a junction."""
    jx, jy = np.asarray(jx_A_cm2) * 1e3, np.asarray(jy_A_cm2) * 1e3
    j = np.hypot(jx, jy)
    im = ax.imshow(j, origin="lower", cmap="inferno", extent=(x_um[0], x_um[-1], y_um[0], y_um[-1]))
    s = max(1, int(arrow_step))
    ax.quiver(x_um[::s], y_um[::s], jx[::s, ::s], jy[::s, ::s], color="w", scale_units="xy", angles="xy",
              scale=np.percentile(j, 99), width=0.003)
    ax.contour(x_um, y_um, boundary_mask(labels), levels=[0.5], colors="c", linewidths=0.6)
    ax.figure.colorbar(im, ax=ax, label="|j| (mA cm$^{-2}$)")
    ax.set(xlabel=X_LABEL, ylabel=Y_LABEL, title="Boundaries (cyan) divert the flux into few grains")


def hot_window(x_um: np.ndarray, j: np.ndarray, width_um: float, domain_um: float) -> np.ndarray:
    """Mask of the ``width_um`` wide x-window centred (within the domain) on the maximum of ``j``."""
    xc = float(x_um[np.argmax(j)])
    x0 = min(max(xc - width_um / 2, 0.0), domain_um - width_um)
    return (x_um >= x0) & (x_um <= x0 + width_um)


def interface_profile(ax: plt.Axes, ds: xr.Dataset, peaks: pd.DataFrame) -> None:
    """4f: normal current density along the plating Li|LLZO (no HL) and Li|HL interfaces of one member.

    ``ds`` is an ensemble member (:func:`llzo.fe.model.run_member`); ``peaks`` (columns
    ``peak_x_um``, ``peak_j_A_cm2``) its per-grain peaks, marked with their median (dotted).
    """
    a = ds.attrs
    x = ds.x_um.values
    ax.plot(x, ds["j_li_llzo_bare_A_cm2"].values * 1e3, lw=0.8,
            label=f"Li|LLZO (max/mean {a['hotspot_max_over_mean']:.1f})")
    ax.plot(x, ds["j_li_hl_A_cm2"].values * 1e3, lw=1.2,
            label=f"Li|HL (max/mean {a['hotspot_max_over_mean_li_hl']:.2f})")
    pk = peaks["peak_j_A_cm2"].to_numpy() * 1e3
    ax.plot(peaks["peak_x_um"], pk, "v", color="k", ms=4,
            label=f"per-grain peaks (largest / median = {a['hotspot_ratio']:.1f})")
    ax.axhline(np.median(pk), color="k", lw=0.6, ls=":")
    ax.set(xlabel=X_LABEL, ylabel=J_LABEL)
    ax.legend(loc="upper left")


def hl_profiles(ax: plt.Axes, distance_um: np.ndarray, ratios: np.ndarray, tolerance_pct: float) -> None:
    """4g: max/mean current density in the HL vs distance from the HL|LLZO interface (one line per seed, median)."""
    r = np.asarray(ratios)
    for row in r:
        ax.plot(distance_um, row, color="0.6", lw=0.7)
    ax.plot(distance_um, np.median(r, axis=0), color="C1", lw=2, label="ensemble median")
    ax.axhline(1 + tolerance_pct / 100, color="k", ls="--", lw=0.8, label=f"mean + {tolerance_pct:g} %")
    ax.set_yscale("log")
    ax.set(xlabel="distance from HL|LLZO interface (um)", ylabel="max / mean current density in HL")
    ax.legend()


def design_curve(ax: plt.Axes, dt: pd.DataFrame, label: str | None = None, color: str | None = None) -> None:
    """HL thickness needed vs HL conductivity (median, min-max over seeds); not homogenized: marked at the top."""
    ok = dt.n_seeds_homogenized.to_numpy() > 0
    d = dt[ok]
    line = ax.errorbar(d.sigma_hl_S_cm, d.hl_needed_um, yerr=[d.hl_needed_um - d.hl_needed_min_um,
                       d.hl_needed_max_um - d.hl_needed_um], fmt="o-", capsize=3, label=label, color=color)
    top = float(dt.hl_thickness_solved_um.iloc[0])
    never = dt.sigma_hl_S_cm[~ok]
    ax.plot(never, np.full(never.size, top), "^", mfc="none", color=line[0].get_color())
    for _, r in d[d.n_seeds_homogenized < d.n_seeds].iterrows():  # some seeds not homogenized within the HL
        ax.annotate(f"{r.n_seeds_homogenized:.0f}/{r.n_seeds:.0f}", (r.sigma_hl_S_cm, r.hl_needed_um), fontsize=6,
                    xytext=(3, -8), textcoords="offset points", color=line[0].get_color())
    ax.set_xscale("log")
    ax.set(xlabel="HL conductivity (S cm$^{-1}$)", ylabel="HL thickness needed (um)")


def sensitivity(axs: np.ndarray, sens: pd.DataFrame, window_um: float) -> None:
    """4-sensitivity: rows = per-grain ratio (claim) and max/mean (context); columns = factors in ``sens``.

    Solid: running means over ``window_um``; dotted: per face. Median and min-max over seeds; the
    configured value circled; the paper's "> 10" dashed (top row only: the paper states no max/mean).
    """
    factors = [f for f in FACTOR_LABELS if f in set(sens.factor)]
    rows = (("hotspot_ratio", "largest / median grain peak"), ("hotspot_max_over_mean", "max / mean (context)"))
    for i, (measure, ylabel) in enumerate(rows):
        for ax, f in zip(axs[i], factors, strict=False):
            g = sens[sens.factor == f].groupby("value")
            for col, ls, name in ((measure, "-", f"{window_um:g} um means"), (f"{measure}_pointwise", ":", "per face")):
                med = g[col].median()
                ax.errorbar(med.index, med.values, yerr=[med - g[col].min(), g[col].max() - med], fmt="o", ls=ls,
                            capsize=3, label=name)
            base = sens[(sens.factor == f) & sens.is_configured]
            if len(base):
                ax.plot(base.value.iloc[0], base[measure].median(), "o", mfc="none", ms=12, color="k",
                        label="configured")
            if i == 0:
                ax.axhline(PAPER_HOTSPOT, color="k", ls="--", lw=0.8, label='paper "> 10"')
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_yticks([2, 3, 5, 10, 20, 30], labels=["2", "3", "5", "10", "20", "30"])
            ax.set_xticks(list(g.groups), labels=[f"{v:g}" for v in g.groups])
            ax.minorticks_off()
            ax.set_xlabel(FACTOR_LABELS[f])
        axs[i][0].set_ylabel(ylabel)
    axs[0][0].legend(fontsize=6)


def _r_positions(r_ohm_cm2: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Positions (x) for an R_int axis on a log scale, with 0 (ideal contacts) drawn one decade below the rest."""
    r = np.asarray(r_ohm_cm2, dtype=float)
    pos = r[r > 0]
    zero_at = (pos.min() / 10) if pos.size else 1.0
    x = np.where(r > 0, r, zero_at)
    return x, [("0 (ideal)" if v == 0 else f"{v:.3g}") for v in r]


def interface_hotspots(ax: plt.Axes, ih: pd.DataFrame, eis: dict[str, float]) -> None:
    """4-interface (left): bare hot-spot ratios vs interface resistance R_int (median, min-max over seeds).

    ``eis`` maps a label (e.g. ``"bare Li|LLZO"``) to a measured R_int (ohm cm2), drawn as a vertical line.
    """
    x, ticks = _r_positions(ih.R_int_ohm_cm2.to_numpy())
    for name, label in (("hotspot_ratio", "largest / median grain peak"), ("hotspot_max_over_mean", "max / mean")):
        med = ih[name].to_numpy()
        ax.errorbar(x, med, yerr=[med - ih[f"{name}_min"], ih[f"{name}_max"] - med], fmt="o-", capsize=3, label=label)
    ax.axhline(PAPER_HOTSPOT, color="k", ls="--", lw=0.8, label='paper "> 10" (ideal contacts)')
    ax.axhline(1.0, color="0.5", lw=0.6)
    for k, (lab, r) in enumerate(sorted(eis.items(), key=lambda kv: kv[1])):
        ax.axvline(r, color=f"C{k + 2}", lw=0.8, ls=":", label=f"measured (EIS), {lab}: {r:.3g} ohm cm$^2$")
    ax.set_ylim(bottom=0)
    ax.set_xscale("log")
    ax.set_xticks(x, labels=ticks, rotation=45)
    ax.minorticks_off()
    ax.set(xlabel="interface resistance R$_{int}$ (ohm cm$^2$)", ylabel="hot-spot ratio, bare Li|LLZO")
    ax.legend(fontsize=6)


def interface_design(ax: plt.Axes, dt: pd.DataFrame) -> None:
    """4-interface (right): HL thickness needed vs HL conductivity, one curve per interface resistance."""
    groups = list(dt.groupby("R_int_ohm_cm2", sort=True))
    colours = plt.get_cmap("viridis")(np.linspace(0.0, 0.9, len(groups)))
    for (r, d), colour in zip(groups, colours, strict=True):
        label = "R$_{int}$ = " + ("0 (ideal)" if r == 0 else f"{r:.3g} ohm cm$^2$")
        design_curve(ax, d, label=label, color=colour)
    ax.set_title(f"open triangles: not homogenized within the {dt.hl_thickness_solved_um.iloc[0]:g} um HL solved")
    ax.legend(fontsize=6)


def member_panels(ds: xr.Dataset) -> dict[str, plt.Figure]:
    """S6, S7, S15 and 4a-4e drawn from one ensemble member (the dataset of :func:`llzo.fe.model.run_member`).

    Returns
    -------
    dict
        Panel id -> figure (the caller saves them).
    """
    a = ds.attrs
    x = ds.x_um.values
    h = float(x[1] - x[0])
    W = float(x[-1] + x[0])
    ext = {c: (0, W, 0, float(ds[f"y_{c}_um"].values[-1] + ds[f"y_{c}_um"].values[0])) for c in ("bare", "hl")}
    figs = {}
    for panel, c in (("S6", "bare"), ("S7", "hl")):
        f, ax = plt.subplots(figsize=(6.4, 3.6 if c == "bare" else 4.0))
        lab = ds[f"grain_{c}"].values
        title = f"{lab.max() + 1} Voronoi grains, seed {a['seed']}" + (", HL blue" if c == "hl" else "")
        grain_map(ax, lab, ext[c], title)
        figs[panel] = f
    f, ax = plt.subplots(figsize=(4.5, 4.5))
    grid_zoom(ax, ds["grain_bare"].values, h, ext["bare"][3])
    figs["S15"] = f
    for panel, c in (("4a", "bare"), ("4b", "hl")):
        f, axs = plt.subplots(1, 2, figsize=(11, 3.6 if c == "bare" else 4.0))
        j = np.hypot(ds[f"jx_{c}_A_cm2"].values, ds[f"jy_{c}_A_cm2"].values)
        potential_and_current(axs, ds[f"phi_{c}_V"].values, j, ext[c])
        f.suptitle("Without HL" if c == "bare" else f"With {a['param_hl_thickness_m'] * 1e6:g} um HL "
                   f"({a['param_sigma_hl_S_m'] / 100:g} S/cm)")
        figs[panel] = f
    for panel, c in (("4c", "bare"), ("4d", "hl")):
        y = ds[f"y_{c}_um"].values
        ky, kx = y > y[-1] - 40, x < 80
        f, ax = plt.subplots(figsize=(6.4, 3.4))
        fields = (ds[v].values[np.ix_(ky, kx)] for v in (f"jx_{c}_A_cm2", f"jy_{c}_A_cm2", f"grain_{c}"))
        current_lines(ax, x[kx], y[ky], *fields, "current detouring and concentration at Li|LLZO" if c == "bare"
                      else "homogenizing effect of the HL")
        figs[panel] = f
    y = ds["y_bare_um"].values
    kx, ky = hot_window(x, ds["j_li_llzo_bare_A_cm2"].values, 20.0, W), y >= y[-1] - 20
    f, ax = plt.subplots(figsize=(5.5, 4.8))
    fields = (ds[v].values[np.ix_(ky, kx)] for v in ("jx_bare_A_cm2", "jy_bare_A_cm2", "grain_bare"))
    hot_junction(ax, x[kx], y[ky], *fields, round(1.0 / h))
    figs["4e"] = f
    return figs
