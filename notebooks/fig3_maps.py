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
# come from the height grooves, or from the sheet's `mask_file` where given. Claims
# (docs/claims.md): medians over pixels within `gb_band_nm` of the nearest boundary (GB) and
# beyond `gi_min_distance_nm` (GI), pooled over all maps of the kind; the maximum drop uses the
# pooled mean modulus-vs-distance profile.

# %% tags=["parameters"]
interim_dir = "../data/interim/demo"
results_dir = "../results/demo"
maps = {"gb_band_nm": 30.0, "gi_min_distance_nm": 100.0, "groove_sd_nm": 10.0, "min_grain_area_nm2": 1000.0,
        "profile_max_nm": 120.0, "profile_lines": 5}
outputs = None

# %%
import matplotlib.pyplot as plt

from llzo.analysis.maps import MapsParams, maps_analysis, modulus_drop_pct
from llzo.figures.maps import plot_property_maps
from llzo.figures.notebook import start_notebook
from llzo.interim import load_maps

run = start_notebook("fig3_maps", outputs, results_dir)
params = MapsParams.from_config(maps)
res = maps_analysis(load_maps(interim_dir, "modulus"), load_maps(interim_dir, "kpfm"), params)
for s in (res.modulus, res.kpfm):
    for m in s.maps if s else []:
        print(f"{m.kind} {m.map_id}: boundaries from {m.boundary_source}, {len(m.lines)} profile lines")
run.table(res.profiles, "fig3_profiles.csv")
run.table(res.modulus_lines, "fig3_modulus_lines.csv")


def figure(summary, panel, **bars):
    fig, axs = plt.subplots(1, 5, figsize=(12, 2.6), layout="constrained",
                            gridspec_kw={"width_ratios": [1, 1, 0.8, 0.8, 1.4]})
    plot_property_maps(axs, summary, params, **bars)
    run.save(fig, panel)


# %% [markdown]
# ## Fig. 3a-e: DMT modulus

# %%
if res.modulus:
    figure(res.modulus, "3a-e", bar_nm=50.0, full_bar_nm=200.0, zoom_nm=250.0)
    drop, at_nm, _ = modulus_drop_pct(res.modulus)
    print(f"maximum modulus drop {drop:.1f} % at {at_nm:.1f} nm from the boundary")

# %% [markdown]
# ## Fig. 3f-j: surface potential (KPFM)

# %%
if res.kpfm:
    figure(res.kpfm, "3f-j", bar_nm=500.0, full_bar_nm=1000.0, zoom_nm=2500.0)

# %%
run.claims(res.claims)
