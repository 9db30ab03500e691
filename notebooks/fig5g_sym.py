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
# Overpotential per half cycle vs time and the time to short (same criterion as the CCD); a
# cell that never shorts gives the log's duration as a lower bound.

# %% tags=["parameters"]
echem_meta_path = "../data/interim/demo/echem_meta.parquet"
echem_cycling_path = "../data/interim/demo/echem_cycling.parquet"
short_voltage_fraction = 0.2
short_min_points = 3
figures_dir = "../results/demo/figures/fig5g_sym"
claims_path = "../results/demo/claims/fig5g_sym.json"
tables_dir = "../results/demo/tables"
provenance = {}

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from llzo.analysis.cycling import symmetric_cycling
from llzo.claims import Claim, write_claims
from llzo.figures import save_figure, use_style

use_style()
meta = pd.read_parquet(echem_meta_path)
runs = meta[meta["technique"] == "SYM"]
cyc = pd.read_parquet(echem_cycling_path, filters=[("run_id", "in", list(runs["run_id"]) or [""])])

# %%
results, halves = {}, []
for r in runs.itertuples(index=False):
    d = cyc[cyc["run_id"] == r.run_id]
    res = symmetric_cycling(d["time_s"].to_numpy(), d["Ewe_V"].to_numpy(), d["I_mA"].to_numpy(), r.area_cm2,
                            short_voltage_fraction=short_voltage_fraction, short_min_points=short_min_points)
    results[r.run_id] = (r, d, res)
    halves.append(res.half_cycles.assign(run_id=r.run_id, interlayer=r.interlayer))
    print(f"{r.run_id}: {res.hours:.4g} h (bound {res.bound}), {len(res.half_cycles)} half cycles")
Path(tables_dir).mkdir(parents=True, exist_ok=True)
(pd.concat(halves, ignore_index=True) if halves else pd.DataFrame()).to_csv(
    Path(tables_dir) / "sym_half_cycles.csv", index=False, float_format="%.6g", lineterminator="\n")

# %%
fig = plt.figure(figsize=(6.8, 2.8))
gs = fig.add_gridspec(2, 3)
ax = fig.add_subplot(gs[:, :2])
for r, d, _res in results.values():
    step = max(len(d) // 20000, 1)  # plot at most ~20k points per cell
    ax.plot(d["time_s"].to_numpy()[::step] / 3600, d["Ewe_V"].to_numpy()[::step], lw=0.3, label=r.interlayer)
ax.set_xlabel("Time (h)")
ax.set_ylabel("Ewe (V)")
ax.legend(loc="upper right")
for k, (r, d, res) in enumerate([v for v in results.values()][:2]):
    z = fig.add_subplot(gs[k, 2])
    t_h = d["time_s"].to_numpy() / 3600
    t_end = res.hours if res.bound is None else t_h[-1]
    m = (t_h >= t_end - 3) & (t_h <= t_end + 1)
    z.plot(t_h[m], d["Ewe_V"].to_numpy()[m], lw=0.5)
    z.set_title(f"zoom {r.interlayer}", fontsize=6)
save_figure(fig, "5g", figures_dir, provenance)

# %%
claims = []
for il, cid in (("HL", "sym_hl_hours_stable"), ("none", "sym_none_hours_to_short"), ("Au", "sym_au_hours_to_short")):
    sel = [res for (r, _, res) in results.values() if r.interlayer == il]
    if not sel:
        continue
    vals = np.array([s.hours for s in sel])
    bounds = {s.bound for s in sel}
    bound = bounds.pop() if len(bounds) == 1 else None
    claims.append(Claim(cid, float(np.median(vals)), ci_low=float(vals.min()), ci_high=float(vals.max()),
                        n=len(sel), bound=bound,
                        note="no short: log duration (lower bound)" if bound == "gt" else "time from start to short"))
write_claims(claims_path, claims)
