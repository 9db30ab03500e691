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
# # Fig. 2a,b: morphology and c-AFM current before and after Li penetration
# a) levelled height before (upper) and after (lower) the nanoelectrochemical measurement;
# b) current maps at the imaging bias (+0.1 V in the paper); 200 nm scale bars. Conductive bumps
# (Li filaments) are found on the after-penetration maps: regions higher than
# `bump_min_height_nm` above the median level and at least `bump_min_area_nm2` large; their
# height above the local background and the current through them are tabulated. `Current` is
# never levelled.

# %% tags=["parameters"]
maps_meta_path = "../data/interim/demo/maps_meta.parquet"
maps_path = "../data/interim/demo/maps"
bump_min_height_nm = 5.0
bump_min_area_nm2 = 300.0
figures_dir = "../results/demo/figures/fig2ab_maps"
claims_path = "../results/demo/claims/fig2ab_maps.json"
tables_dir = "../results/demo/tables"
provenance = {}

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import xarray as xr

from llzo.analysis import maps as am
from llzo.claims import write_claims
from llzo.figures import save_figure, use_style

use_style()
meta = pd.read_parquet(maps_meta_path)
cur = meta[meta["kind"] == "current"]
Path(tables_dir).mkdir(parents=True, exist_ok=True)

maps = {}
for row in cur.itertuples():
    with xr.open_dataset(Path(maps_path) / Path(row.nc_file).name, engine="scipy") as ds:
        ds = ds.load()
    maps[row.map_id] = dict(stage=row.stage, bias_V=row.bias_V, dx=ds.attrs["pixel_size_x_m"],
                            dy=ds.attrs["pixel_size_y_m"], height_m=am.level_height(ds["height_m"].values),
                            current_A=ds["current_A"].values)

# %%
bumps = []
for map_id, m in maps.items():
    b = am.detect_bumps(m["height_m"], m["current_A"], m["dx"], m["dy"], bump_min_height_nm, bump_min_area_nm2)
    bumps.append(b.assign(map_id=map_id, stage=m["stage"], bias_V=m["bias_V"]))
    print(f"{map_id} ({m['stage']}): {len(b)} bumps" + (
        f", height {b.height_nm.median():.1f} nm, current {b.current_A.median():.3g} A "
        f"(background {b.background_current_A.iloc[0]:.2g} A)" if len(b) else ""))
found = [b for b in bumps if len(b)]  # maps without bumps add no rows (and no dtypes: pandas < 3 warns)
table = pd.concat(found, ignore_index=True) if found else pd.DataFrame(
    columns=["bump", "x_nm", "y_nm", "area_nm2", "height_nm", "current_A", "background_current_A", "map_id",
             "stage", "bias_V"])
table.to_csv(Path(tables_dir) / "fig2ab_bumps.csv", index=False, float_format="%.6g", lineterminator="\n")


# %%
def scalebar(ax, length_nm, dx_nm):
    n = ax.get_xlim()[1] - ax.get_xlim()[0]
    x0, y = ax.get_xlim()[0] + 0.05 * n, ax.get_ylim()[0] - 0.07 * n
    ax.plot([x0, x0 + length_nm / dx_nm], [y, y], color="w", lw=2)
    ax.text(x0 + length_nm / dx_nm / 2, y - 0.03 * n, f"{length_nm:g} nm", color="w", ha="center", fontsize=6)


order = sorted(maps, key=lambda k: (maps[k]["stage"] != "pristine", k))
for panel, key, cmap, unit, scale in (("2a", "height_m", "afmhot", "Height (nm)", 1e9),
                                      ("2b", "current_A", "inferno", "Current (nA)", 1e9)):
    fig, axs = plt.subplots(len(order), 1, figsize=(2.6, 2.3 * max(len(order), 1)), squeeze=False,
                            layout="constrained")
    for ax, map_id in zip(axs[:, 0], order, strict=True):
        m = maps[map_id]
        im = ax.imshow(m[key] * scale, cmap=cmap)
        fig.colorbar(im, ax=ax, fraction=0.046, label=unit)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"{m['stage'].replace('_', ' ')}" + (f", {m['bias_V']:+g} V" if key == "current_A" else ""),
                     fontsize=7)
        scalebar(ax, 200.0, m["dx"] * 1e9)
        b = table[table.map_id == map_id]
        if key == "height_m" and len(b):
            ax.plot(b.x_nm / (m["dx"] * 1e9) - 0.5, b.y_nm / (m["dy"] * 1e9) - 0.5, "o", mfc="none", mec="c", ms=8)
    save_figure(fig, panel, figures_dir, provenance)

# %%
write_claims(claims_path, [])
