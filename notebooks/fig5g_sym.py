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
echem_meta_path = "../data/interim/demo/echem_meta.parquet"
echem_cycling_path = "../data/interim/demo/echem_cycling.parquet"
echem = {"short_voltage_fraction": 0.2, "short_min_points": 3}
results_dir = "../results/demo"
outputs = None

# %%
import matplotlib.pyplot as plt
import pandas as pd

from llzo.analysis.cycling import SymParams, analyse_sym_runs, sym_claims
from llzo.figures.echem import run_label, sym_overview, sym_zoom
from llzo.figures.notebook import start_notebook

run = start_notebook("fig5g_sym", outputs, results_dir)
meta = pd.read_parquet(echem_meta_path)
runs = meta[meta["technique"] == "SYM"]
cyc = pd.read_parquet(echem_cycling_path, filters=[("run_id", "in", list(runs["run_id"]) or [""])])

# %%
results, per_run = analyse_sym_runs(runs, cyc, SymParams.from_config(echem))
print(results.to_string(index=False))
cells = runs.set_index("run_id")
halves = [res.half_cycles.assign(run_id=rid, cell=cells.at[rid, "cell"], interlayer=cells.at[rid, "interlayer"])
          for rid, res in per_run.items()]
run.table(pd.concat(halves, ignore_index=True) if halves else pd.DataFrame(), "sym_half_cycles.csv")

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
