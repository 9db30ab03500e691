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
# # Fig. 5g: symmetric Li|LLZO|Li cycling at 0.8 mA cm-2
# Overpotential per galvanostatic half cycle vs time and the time from the start of cycling to
# the short (same criterion as the CCD; rests and open-circuit periods excluded); a cell that
# never shorts gives the log's duration as a lower bound (`llzo.analysis.cycling`).

# %% tags=["parameters"]
interim_dir = "../data/interim/demo"
echem = {"short_voltage_fraction": 0.2, "short_min_points": 3}
results_dir = "../results/demo"
outputs = None

# %%
import matplotlib.pyplot as plt

from llzo.analysis.cycling import SymParams, analyse_sym_runs, sym_claims
from llzo.analysis.echem_structure import stack_per_run
from llzo.figures.echem import run_label, sym_overview, sym_zoom
from llzo.figures.notebook import start_notebook
from llzo.interim import load_echem

run = start_notebook("fig5g_sym", outputs, results_dir)
runs, cyc = load_echem(interim_dir, "SYM")

# %%
results, per_run = analyse_sym_runs(runs, cyc, SymParams.from_config(echem))
print(results.to_string(index=False))
run.table(stack_per_run({rid: res.half_cycles for rid, res in per_run.items()}, runs, ("cell", "interlayer")),
          "sym_half_cycles.csv")

# %%
labels = {r.run_id: run_label(r.cell, r.run_id, r.interlayer) for r in runs.itertuples(index=False)}
n = max(len(results), 1)
fig = plt.figure(figsize=(6.8, max(2.8, 0.9 * n)))
gs = fig.add_gridspec(n, 3, hspace=0.8)
sym_overview(fig.add_subplot(gs[:, :2]), [(labels[r], cyc[cyc["run_id"] == r]) for r in results["run_id"]])
for k, row in enumerate(results.itertuples(index=False)):
    sym_zoom(fig.add_subplot(gs[k, 2]), cyc[cyc["run_id"] == row.run_id], labels[row.run_id], row.short_abs_h)
run.save(fig, "5g")

# %%
run.claims(sym_claims(results))
