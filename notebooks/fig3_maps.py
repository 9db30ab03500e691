# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: llzo (project)
#     language: python
#     name: llzo
# ---

# %% [markdown]
# # Fig. 3: DMT modulus and surface potential across grain boundaries
# a-e: morphology and DMT modulus maps, 2D views (50 nm scale bars), modulus vs distance to the
# grain boundary (five lines, mean and spread) with the GB vs GI statistics as inset.
# f-j: the same for the KPFM surface potential (500 nm scale bars).
#
# Only `Height` is levelled (plane + median row alignment); `DMT Modulus` is used as measured;
# `Potential` is row-aligned with the grain-interior pixels only (KPFM line drift). Boundaries
# come from the height grooves, or from the sheet's `mask_file` where given. Claims as DESIGN.md
# defines them: medians over pixels within `gb_band_nm` of the nearest boundary (GB) and beyond
# `gi_min_distance_nm` (GI), pooled over all maps of the kind; the maximum drop uses the pooled
# mean modulus-vs-distance profile.

# %% tags=["parameters"]
maps_meta_path = "../data/interim/demo/maps_meta.parquet"
maps_path = "../data/interim/demo/maps"
gb_band_nm = 30.0
gi_min_distance_nm = 100.0
groove_sigma_nm = 10.0
min_grain_area_nm2 = 1000.0
profile_max_nm = 120.0
profile_lines = 5
figures_dir = "../results/demo/figures/fig3_maps"
claims_path = "../results/demo/claims/fig3_maps.json"
tables_dir = "../results/demo/tables"
provenance = {}

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr

from llzo.analysis import maps as am
from llzo.claims import Claim, write_claims
from llzo.figures import PAPER_UNITS, save_figure, use_style

use_style()
meta = pd.read_parquet(maps_meta_path)
Path(tables_dir).mkdir(parents=True, exist_ok=True)

VAR = {"modulus": ("modulus_Pa", 1e-9, PAPER_UNITS["modulus"]), "kpfm": ("potential_V", 1e3, PAPER_UNITS["potential"])}


def analyse(row):
    """Level, find boundaries, distance map and the property channel in paper units."""
    with xr.open_dataset(Path(maps_path) / Path(row.nc_file).name, engine="scipy") as ds:
        ds = ds.load()
    dx, dy = ds.attrs["pixel_size_x_m"], ds.attrs["pixel_size_y_m"]
    mask = ds["boundary_mask"].values.astype(bool) if "boundary_mask" in ds else None
    r = am.prepare_map(ds["height_m"].values, dx, dy, groove_sigma_nm=groove_sigma_nm,
                       min_grain_area_nm2=min_grain_area_nm2, mask=mask)
    var, scale, _ = VAR[row.kind]
    v = ds[var].values * scale
    if row.kind == "kpfm":  # KPFM line drift: align rows on grain-interior pixels only
        v = am.align_rows(v, exclude=r["distance_nm"] <= gi_min_distance_nm)
    r.update(values=v, dx=dx, dy=dy, map_id=row.map_id)
    lines = am.profile_lines(r["boundary"], r["distance_nm"], dx, dy, profile_lines, profile_max_nm)
    r["lines"] = lines
    r["samples"] = am.sample_lines(v, lines, dx, dy, profile_max_nm).assign(map_id=row.map_id)
    return r


results = {k: [analyse(row) for row in meta[meta["kind"] == k].itertuples()] for k in ("modulus", "kpfm")}
for k, rs in results.items():
    for r in rs:
        print(f"{k} {r['map_id']}: boundaries from {r['boundary_source']}, {len(r['lines'])} profile lines")


# %%
def scalebar(ax, length_nm, dx_nm, label):
    """Scale bar in the lower left corner of an image drawn in pixel coordinates."""
    x0, y1 = ax.get_xlim()[0], ax.get_ylim()[0]
    w = length_nm / dx_nm
    span = abs(ax.get_xlim()[1] - x0)
    ax.plot([x0 + 0.05 * span, x0 + 0.05 * span + w], [y1 - 0.07 * span] * 2, color="w", lw=2)
    ax.text(x0 + 0.05 * span + w / 2, y1 - 0.1 * span, label, color="w", ha="center", va="bottom", fontsize=6)


def crop_around(r, size_nm):
    """Window (rows, cols) of ``size_nm`` centred on the first profile line (a flat boundary)."""
    n = max(int(size_nm / (r["dx"] * 1e9)), 8)
    ny, nx = r["values"].shape
    if len(r["lines"]):
        cy = int(r["lines"].y0_nm.iloc[0] / (r["dy"] * 1e9))
        cx = int(r["lines"].x0_nm.iloc[0] / (r["dx"] * 1e9))
    else:
        cy, cx = ny // 2, nx // 2
    y0, x0 = np.clip(cy - n // 2, 0, ny - n), np.clip(cx - n // 2, 0, nx - n)
    return slice(y0, y0 + n), slice(x0, x0 + n)


def summarize(kind):
    rs = results[kind]
    pairs = [(r["values"], r["distance_nm"]) for r in rs]
    stats = am.gb_gi_summary(pairs, gb_band_nm, gi_min_distance_nm)
    bin_nm = max(max(r["dx"], r["dy"]) for r in rs) * 1e9
    prof = am.pooled_profile(pairs, bin_nm, profile_max_nm).assign(kind=kind)
    samples = pd.concat([r["samples"] for r in rs], ignore_index=True)
    return stats, prof, samples


def figure(kind, panel, bar_nm, full_bar_nm, zoom_nm, color):
    rs = results[kind]
    stats, prof, samples = summarize(kind)
    _, _, label = VAR[kind]
    r = rs[0]
    fig, axs = plt.subplots(1, 5, figsize=(12, 2.6), layout="constrained",
                            gridspec_kw={"width_ratios": [1, 1, 0.8, 0.8, 1.4]})
    dx_nm = r["dx"] * 1e9
    im = axs[0].imshow(r["height_m"] * 1e9, cmap="afmhot")
    fig.colorbar(im, ax=axs[0], fraction=0.046, label="Height (nm)")
    im = axs[1].imshow(r["values"], cmap="viridis")
    axs[1].imshow(np.ma.masked_where(~r["boundary"], r["boundary"]), cmap="gray", vmin=0, vmax=1, alpha=0.5,
                  interpolation="nearest")
    fig.colorbar(im, ax=axs[1], fraction=0.046, label=label)
    sy, sx = crop_around(r, zoom_nm)
    axs[2].imshow(r["height_m"][sy, sx] * 1e9, cmap="afmhot")
    axs[3].imshow(r["values"][sy, sx], cmap="viridis")
    for ax, t in zip(axs[:4], "abcd" if kind == "modulus" else "fghi", strict=True):
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(t, loc="left")
    for ax in axs[:2]:
        scalebar(ax, full_bar_nm, dx_nm, f"{full_bar_nm:g} nm")
    for ax in axs[2:4]:
        scalebar(ax, bar_nm, dx_nm, f"{bar_nm:g} nm")
    ax = axs[4]
    offset = 0.0 if kind == "modulus" else stats["gi_median"]
    for (_, _), s in samples.groupby(["map_id", "line"]):
        ax.plot(s.distance_nm, s.value - offset, color=color, lw=0.5, alpha=0.35)
    mean = am.mean_line_profile(samples)
    ax.fill_between(mean.distance_nm, mean["mean"] - offset - mean["sd"], mean["mean"] - offset + mean["sd"],
                    color=color, alpha=0.25, lw=0)
    ax.plot(mean.distance_nm, mean["mean"] - offset, color=color, lw=2)
    ax.set_xlabel(PAPER_UNITS["distance_nm"])
    ax.set_ylabel(label if kind == "modulus" else "Potential - GI median (mV)")
    ax.set_title("e" if kind == "modulus" else "j", loc="left")
    ins = ax.inset_axes([0.64, 0.08, 0.33, 0.38])
    split = [am.gb_gi_values(x["values"], x["distance_nm"], gb_band_nm, gi_min_distance_nm) for x in rs]
    gbv, giv = np.concatenate([g for g, _ in split]), np.concatenate([g for _, g in split])
    ins.boxplot([gbv - offset, giv - offset], showfliers=False, widths=0.6)
    ins.set_xticks([1, 2], ["GB", "GI"])
    ins.tick_params(labelsize=5)
    save_figure(fig, panel, figures_dir, provenance)
    return stats, prof, samples


# %% [markdown]
# ## Fig. 3a-e: DMT modulus

# %%
claims = []
tables = []
if results["modulus"]:
    st, prof, samples = figure("modulus", "3a-e", 50.0, 200.0, 250.0, "#8b4513")
    ok = prof[prof["n"] >= 20]
    drop = 100.0 * (1.0 - ok["mean"].min() / st["gi_median"])
    print(f"modulus: GI {st['gi_median']:.1f} GPa, GB {st['gb_median']:.1f} GPa, max drop {drop:.1f} % "
          f"(profile minimum at {ok.loc[ok['mean'].idxmin(), 'distance_nm']:.1f} nm)")
    note = f"{len(results['modulus'])} maps; spread = range of per-map medians"
    claims += [
        Claim("modulus_gi_GPa", st["gi_median"], st["gi_min"], st["gi_max"], n=st["n_gi"], note=note),
        Claim("modulus_gb_GPa", st["gb_median"], st["gb_min"], st["gb_max"], n=st["n_gb"], note=note),
        Claim("modulus_drop_max_pct", drop, n=int(ok["n"].sum()),
              note="min of the pooled mean modulus-vs-distance profile"),
    ]
    tables.append(prof)
    samples.assign(kind="modulus").to_csv(Path(tables_dir) / "fig3_modulus_lines.csv", index=False,
                                          float_format="%.6g", lineterminator="\n")

# %% [markdown]
# ## Fig. 3f-j: surface potential (KPFM)

# %%
if results["kpfm"]:
    st, prof, samples = figure("kpfm", "3f-j", 500.0, 1000.0, 2500.0, "#1f4e79")
    diff = st["gb_median"] - st["gi_median"]
    print(f"KPFM: GB - GI = {diff:.2f} mV")
    claims.append(Claim("kpfm_gb_minus_gi_mV", diff, st["diff_min"], st["diff_max"], n=st["n_gb"] + st["n_gi"],
                        note=f"{len(results['kpfm'])} maps; rows aligned on GI pixels; spread = per-map range"))
    tables.append(prof)

# %%
if tables:
    pd.concat(tables, ignore_index=True).to_csv(Path(tables_dir) / "fig3_profiles.csv", index=False,
                                                float_format="%.6g", lineterminator="\n")
else:
    pd.DataFrame(columns=["distance_nm", "mean", "sd", "n", "kind"]).to_csv(Path(tables_dir) / "fig3_profiles.csv",
                                                                           index=False)
write_claims(claims_path, claims)
