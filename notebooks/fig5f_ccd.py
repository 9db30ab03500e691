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
# Step ramp (plating then stripping at each current density); a short is the abrupt collapse of
# abs(Ewe) below `short_voltage_fraction` of the step's overpotential; CCD = the current density of
# the last step completed in both directions before the step in which the cell shorts.

# %% tags=["parameters"]
echem_meta_path = "../data/interim/demo/echem_meta.parquet"
echem_cycling_path = "../data/interim/demo/echem_cycling.parquet"
short_voltage_fraction = 0.2
short_min_points = 3
figures_dir = "../results/demo/figures/fig5f_ccd"
claims_path = "../results/demo/claims/fig5f_ccd.json"
tables_dir = "../results/demo/tables"
provenance = {}

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from llzo.analysis.ccd import critical_current_density
from llzo.claims import Claim, write_claims
from llzo.figures import save_figure, use_style

use_style()
meta = pd.read_parquet(echem_meta_path)
runs = meta[meta["technique"] == "CCD"]
cyc = pd.read_parquet(echem_cycling_path, filters=[("run_id", "in", list(runs["run_id"]) or [""])])

# %%
results, steps = {}, []
for r in runs.itertuples(index=False):
    d = cyc[cyc["run_id"] == r.run_id]
    res = critical_current_density(d["time_s"].to_numpy(), d["Ewe_V"].to_numpy(), d["I_mA"].to_numpy(), r.area_cm2,
                                   short_voltage_fraction=short_voltage_fraction, short_min_points=short_min_points)
    results[r.run_id] = (r, d, res)
    steps.append(res.steps.assign(run_id=r.run_id, interlayer=r.interlayer))
    print(f"{r.run_id}: CCD {res.ccd_mA_cm2:.3g} mA/cm2 (bound {res.bound}), short at {res.short_time_h:.3g} h")
Path(tables_dir).mkdir(parents=True, exist_ok=True)
(pd.concat(steps, ignore_index=True) if steps else pd.DataFrame()).to_csv(
    Path(tables_dir) / "ccd_steps.csv", index=False, float_format="%.6g", lineterminator="\n")

# %%
n = max(len(results), 1)
fig, axes = plt.subplots(n, 1, figsize=(3.4, 1.3 * n + 0.4), sharex=False, squeeze=False)
for ax, (r, d, res) in zip(axes[:, 0], results.values(), strict=False):
    t_h = d["time_s"].to_numpy() / 3600
    ax.plot(t_h, d["Ewe_V"], lw=0.5, label=f"{r.interlayer}")
    ax2 = ax.twinx()
    ax2.plot(t_h, d["I_mA"] / r.area_cm2, lw=0.5, color="#c0392b")
    ax2.set_ylabel("j (mA cm$^{-2}$)", fontsize=6)
    if np.isfinite(res.short_time_h):
        ax.axvline(res.short_time_h, color="k", ls=":", lw=0.8)
    ax.set_ylabel("Ewe (V)")
    ax.set_title(f"{r.interlayer}: CCD {res.ccd_mA_cm2:.2f} mA cm$^{{-2}}$", fontsize=7)
axes[-1, 0].set_xlabel("Time (h)")
save_figure(fig, "5f", figures_dir, provenance)

# %%
claims = []
for il, cid in (("none", "ccd_none_mA_cm2"), ("Au", "ccd_au_mA_cm2"), ("HL", "ccd_hl_mA_cm2")):
    sel = [(res, r) for (r, _, res) in results.values() if r.interlayer == il]
    if not sel:
        continue
    vals = np.array([res.ccd_mA_cm2 for res, _ in sel])
    bounds = {res.bound for res, _ in sel}
    bound = bounds.pop() if len(bounds) == 1 else None
    claims.append(Claim(cid, float(np.median(vals)), ci_low=float(vals.min()), ci_high=float(vals.max()),
                        n=len(sel), bound=bound,
                        note="last step held in both directions" + (f" (bound {bound})" if bound else "")))
write_claims(claims_path, claims)
