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
echem_meta_path = "../data/interim/demo/echem_meta.parquet"
echem_cycling_path = "../data/interim/demo/echem_cycling.parquet"
echem = {"coulombic_efficiency": "discharge_over_charge", "retention_reference_cycle": 1, "cutoff_tolerance_V": 0.02,
         "capacity_check_rel_tol": 0.02}
results_dir = "../results/demo"
outputs = None

# %%
import matplotlib.pyplot as plt
import pandas as pd

from llzo.analysis.cycling import FullCellParams, analyse_full_runs, full_claims
from llzo.figures.echem import full_panel, run_label
from llzo.figures.notebook import start_notebook

run = start_notebook("fig5h_full", outputs, results_dir)
meta = pd.read_parquet(echem_meta_path)
runs = meta[meta["technique"] == "FULL"]
cyc = pd.read_parquet(echem_cycling_path, filters=[("run_id", "in", list(runs["run_id"]) or [""])])

# %%
params = FullCellParams.from_config(echem)
results, per_run = analyse_full_runs(runs, cyc, params)
print(results.to_string(index=False))
cells = runs.set_index("run_id")
tables = [c.assign(run_id=rid, cell=cells.at[rid, "cell"], cathode=cells.at[rid, "cathode"])
          for rid, c in per_run.items()]
run.table(pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(), "full_cycles.csv")

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
