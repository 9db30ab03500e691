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
# # Fig. 5h and S12: full cells with LFP (40 C, 2.5-4.2 V) and NCM523 (30 C, 2.8-4.2 V)
# Specific capacity per complete cycle (mAh g-1 of active material) from the instrument's own
# charge columns, checked against the integrated current; coulombic efficiency (definition from
# config) and retention vs the reference cycle. One panel per cathode, one series per cell.

# %% tags=["parameters"]
interim_dir = "../data/interim/demo"
echem = {"coulombic_efficiency": "discharge_over_charge", "retention_reference_cycle": 1, "cutoff_tolerance_V": 0.02,
         "capacity_check_rel_tol": 0.02}
results_dir = "../results/demo"
outputs = None

# %%
import matplotlib.pyplot as plt

from llzo.analysis.cycling import FullCellParams, analyse_full_runs, full_claims
from llzo.analysis.echem_structure import stack_per_run
from llzo.figures.echem import full_panel, run_label
from llzo.figures.notebook import start_notebook
from llzo.interim import load_echem

run = start_notebook("fig5h_full", outputs, results_dir)
runs, cyc = load_echem(interim_dir, "FULL")

# %%
params = FullCellParams.from_config(echem)
results, per_run = analyse_full_runs(runs, cyc, params)
print(results.to_string(index=False))
run.table(stack_per_run(per_run, runs, ("cell", "cathode")), "full_cycles.csv")

# %%
PANEL = {"LFP": "5h", "NCM523": "S12"}
for cathode, sel in runs.groupby("cathode", sort=True):
    fig, ax = plt.subplots()
    temps = ", ".join(f"{t:g} C" for t in sorted(set(sel["temperature_C"])))
    full_panel(ax, [(run_label(r.cell, r.run_id), per_run[r.run_id]) for r in sel.itertuples(index=False)
                    if r.run_id in per_run], f"{cathode}, {temps}")
    run.save(fig, PANEL.get(str(cathode), str(cathode)))

# %%
run.claims(full_claims(results, params))
