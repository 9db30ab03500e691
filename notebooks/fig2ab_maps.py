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
# never levelled. No claim of the paper is a number from these panels.

# %% tags=["parameters"]
interim_dir = "../data/interim/demo"
results_dir = "../results/demo"
maps = {"bump_min_height_nm": 5.0, "bump_min_area_nm2": 300.0}
outputs = None

# %%
import matplotlib.pyplot as plt

from llzo.analysis.maps import BumpParams, bump_analysis
from llzo.figures.maps import plot_current_maps
from llzo.figures.notebook import start_notebook
from llzo.interim import load_maps

run = start_notebook("fig2ab_maps", outputs, results_dir)
res = bump_analysis(load_maps(interim_dir, "current"), BumpParams.from_config(maps))
run.table(res.table, "fig2ab_bumps.csv")
res.table.groupby(["map_id", "stage"])[["height_nm", "current_A", "background_current_A"]].median()

# %%
for panel, channel in (("2a", "height_m"), ("2b", "current_A")):
    fig, axs = plt.subplots(len(res.maps), 1, figsize=(2.6, 2.3 * max(len(res.maps), 1)), squeeze=False,
                            layout="constrained")
    plot_current_maps(axs[:, 0], res.maps, res.table, channel)
    run.save(fig, panel)

# %%
run.claims([])
