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
# # Fig. 5f: critical current density
# Step ramp (plating then stripping at each current density); steps, rests and sequences come
# from the instrument's columns. A short is the abrupt collapse of abs(Ecell) below
# `short_voltage_fraction` of the step's overpotential; CCD = the current density of the last
# step completed in both directions before the step in which the cell shorts
# (`llzo.analysis.ccd`).

# %% tags=["parameters"]
interim_dir = "../data/interim/demo"
echem = {"short_voltage_fraction": 0.2, "short_min_points": 3, "ccd_step_rel_tol": 0.02}
results_dir = "../results/demo"
outputs = None

# %%
import matplotlib.pyplot as plt

from llzo.analysis.ccd import CCDParams, analyse_ccd_runs, ccd_claims
from llzo.analysis.echem_structure import stack_per_run
from llzo.figures.echem import ccd_panel, run_label
from llzo.figures.notebook import start_notebook
from llzo.interim import load_echem

run = start_notebook("fig5f_ccd", outputs, results_dir)
runs, cyc = load_echem(interim_dir, "CCD")

# %%
results, per_run = analyse_ccd_runs(runs, cyc, CCDParams.from_config(echem))
print(results.to_string(index=False))
run.table(stack_per_run({rid: res.steps for rid, res in per_run.items()}, runs, ("cell", "interlayer")),
          "ccd_steps.csv")

# %%
n = max(len(results), 1)
fig, axes = plt.subplots(n, 1, figsize=(3.4, 1.5 * n + 0.4), squeeze=False, gridspec_kw={"hspace": 0.7})
for ax, r, row in zip(axes[:, 0], runs.itertuples(index=False), results.itertuples(index=False), strict=False):
    d = cyc[cyc["run_id"] == r.run_id]
    ccd_panel(ax, d, r.area_cm2, run_label(r.cell, r.run_id, r.interlayer), row.ccd_mA_cm2, row.short_time_h,
              note=row.error)
axes[-1, 0].set_xlabel("Time (h)")
run.save(fig, "5f")

# %%
run.claims(ccd_claims(results))
