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
# Specific capacity per complete cycle (mAh g-1 of active material), coulombic efficiency
# (definition from config) and retention vs the reference cycle.

# %% tags=["parameters"]
echem_meta_path = "../data/interim/demo/echem_meta.parquet"
echem_cycling_path = "../data/interim/demo/echem_cycling.parquet"
coulombic_efficiency = "discharge_over_charge"
retention_reference_cycle = 1
cutoff_tolerance_V = 0.02
figures_dir = "../results/demo/figures/fig5h_full"
claims_path = "../results/demo/claims/fig5h_full.json"
tables_dir = "../results/demo/tables"
provenance = {}

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from llzo.analysis.cycling import full_cell_cycles, retention_pct
from llzo.claims import Claim, write_claims
from llzo.figures import save_figure, use_style

use_style()
meta = pd.read_parquet(echem_meta_path)
runs = meta[meta["technique"] == "FULL"]
cyc = pd.read_parquet(echem_cycling_path, filters=[("run_id", "in", list(runs["run_id"]) or [""])])

# %%
tables, claims = [], []
PANEL = {"LFP": "5h", "NCM523": "S12"}
for r in runs.itertuples(index=False):
    d = cyc[cyc["run_id"] == r.run_id]
    c = full_cell_cycles(d["time_s"].to_numpy(), d["Ewe_V"].to_numpy(), d["I_mA"].to_numpy(), r.active_mass_mg,
                         coulombic_efficiency=coulombic_efficiency, cutoff_tolerance_V=cutoff_tolerance_V)
    ret = retention_pct(c, retention_reference_cycle)
    tables.append(c.assign(run_id=r.run_id, cathode=r.cathode))
    print(f"{r.run_id}: {len(c)} complete cycles, retention {ret:.1f} %",
          f"vs cycle {retention_reference_cycle}")
    key = str(r.cathode).lower()
    claims += [Claim(f"full_{key}_cycles", float(len(c)), n=1, note="complete charge+discharge cycles"),
               Claim(f"full_{key}_retention_pct", ret, n=1,
                     note=f"Q_dis(last complete) / Q_dis(cycle {retention_reference_cycle}); "
                          f"CE = {coulombic_efficiency}")]
    fig, ax = plt.subplots()
    ax.plot(c["cycle"], c["q_charge_mAh_g"], "o", ms=1.5, label="charge")
    ax.plot(c["cycle"], c["q_discharge_mAh_g"], "o", ms=1.5, label="discharge")
    ax.set_xlabel("Cycle number")
    ax.set_ylabel("Specific capacity (mAh g$^{-1}$)")
    ax.set_ylim(0, None)
    ax2 = ax.twinx()
    ax2.plot(c["cycle"], c["ce_pct"], "-", lw=0.6, color="#555555")
    ax2.set_ylim(50, 105)
    ax2.set_ylabel("Coulombic efficiency (%)")
    ax.set_title(f"{r.cathode}, {r.temperature_C:g} C")
    ax.legend(loc="lower left")
    save_figure(fig, PANEL.get(str(r.cathode), str(r.cathode)), figures_dir, provenance)
Path(tables_dir).mkdir(parents=True, exist_ok=True)
(pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()).to_csv(
    Path(tables_dir) / "full_cycles.csv", index=False, float_format="%.6g", lineterminator="\n")
write_claims(claims_path, claims)
