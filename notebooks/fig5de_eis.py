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
# # Fig. 5d, e: impedance of Li|LLZO|Li cells and the interface resistance
# Per spectrum: Kramers-Kronig check (Lin-KK, table `eis_kk.csv`) and the equivalent-circuit fit
# (impedance.py, table `eis_fits.csv`); the interface is the lowest-frequency arc,
# R_int = R_arc x area / 2 per interface (two in a symmetric cell); per group (interlayer,
# state) the median over cells.

# %% tags=["parameters"]
echem_meta_path = "../data/interim/demo/echem_meta.parquet"
echem_eis_path = "../data/interim/demo/echem_eis.parquet"
circuit = "R0-p(R1,CPE1)-p(R2,CPE2)"
fit_f_max_Hz = 1.0e5
kk_c = 0.85
kk_max_residual_pct = 2.0
figures_dir = "../results/demo/figures/fig5de_eis"
claims_path = "../results/demo/claims/fig5de_eis.json"
tables_dir = "../results/demo/tables"
provenance = {}

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from llzo.analysis.eis import fit_symmetric_cell, kk_check, predict
from llzo.claims import Claim, write_claims
from llzo.figures import save_figure, use_style

use_style()
meta = pd.read_parquet(echem_meta_path)
eis = pd.read_parquet(echem_eis_path)
runs = meta[meta["technique"] == "PEIS"]

# %%
rows, kk_rows, spectra = [], [], {}
for r in runs.itertuples(index=False):
    d = eis[eis["run_id"] == r.run_id]
    f = d["freq_Hz"].to_numpy()
    Z = d["re_Z_ohm"].to_numpy() - 1j * d["minus_im_Z_ohm"].to_numpy()
    kk = kk_check(f, Z, c=kk_c, max_residual_pct=kk_max_residual_pct)
    fit = fit_symmetric_cell(f, Z, r.area_cm2, circuit=circuit, f_max_Hz=fit_f_max_Hz)
    spectra[r.run_id] = (f, Z, fit)
    kk_rows.append({"run_id": r.run_id, "interlayer": r.interlayer, "state": r.state, "n_points": f.size,
                    "kk_M": kk.M, "kk_mu": kk.mu, "kk_M_first_mu_below_c": kk.M_first,
                    "kk_max_residual_pct": kk.max_residual_pct, "kk_limit_pct": kk_max_residual_pct,
                    "kk_valid": kk.valid})
    rows.append({"run_id": r.run_id, "cell": r.cell, "interlayer": r.interlayer, "state": r.state,
                 "area_cm2": r.area_cm2, "kk_M": kk.M, "kk_max_residual_pct": kk.max_residual_pct,
                 "kk_valid": kk.valid, "R_arc_ohm": fit.R_arc_ohm, "R_int_ohm_cm2": fit.R_int_ohm_cm2,
                 "R_int_sigma_ohm_cm2": fit.R_int_sigma_ohm_cm2, "f_arc_Hz": fit.f_arc_Hz,
                 "fit_rel_rmse": fit.rel_rmse, **{f"p_{k}": v for k, v in fit.params.items()}})
table = pd.DataFrame(rows)
Path(tables_dir).mkdir(parents=True, exist_ok=True)
table.to_csv(Path(tables_dir) / "eis_fits.csv", index=False, float_format="%.6g", lineterminator="\n")
kk_table = pd.DataFrame(kk_rows, columns=["run_id", "interlayer", "state", "n_points", "kk_M", "kk_mu",
                                          "kk_M_first_mu_below_c", "kk_max_residual_pct", "kk_limit_pct",
                                          "kk_valid"])
kk_table.to_csv(Path(tables_dir) / "eis_kk.csv", index=False, float_format="%.6g", lineterminator="\n")
print(kk_table.to_string(index=False))
print(table[["run_id", "R_int_ohm_cm2", "R_int_sigma_ohm_cm2", "fit_rel_rmse"]].to_string(index=False))
if not table.empty and not table["kk_valid"].all():
    print("WARNING: spectra failing the Kramers-Kronig check:", list(table.loc[~table["kk_valid"], "run_id"]))

# %%
GROUPS = [("none", "pristine", "r_int_none_ohm_cm2", "no interlayer"), ("Au", "pristine", "r_int_au_ohm_cm2", "Au"),
          ("HL", "pristine", "r_int_hl_ohm_cm2", "HL"), ("HL", "cycled", "r_int_hl_cycled_ohm_cm2", "HL, cycled")]
fig, ax = plt.subplots(figsize=(3.4, 3.0))
for il, st, _, label in GROUPS:
    g = table[(table["interlayer"] == il) & (table["state"] == st)]
    if g.empty:
        continue
    f, Z, fit = spectra[g["run_id"].iloc[0]]
    A = g["area_cm2"].iloc[0]
    line, = ax.plot(Z.real * A, -Z.imag * A, "o", ms=2, label=label)
    ff = np.logspace(np.log10(f.min()), np.log10(min(f.max(), fit_f_max_Hz)), 200)
    Zf = predict(fit, ff)
    ax.plot(Zf.real * A, -Zf.imag * A, "-", color=line.get_color(), lw=0.8)
ax.set_xlabel(r"Z' ($\Omega$ cm$^2$)")
ax.set_ylabel(r"-Z'' ($\Omega$ cm$^2$)")
ax.set_aspect("equal", adjustable="datalim")
ax.legend()
save_figure(fig, "5d", figures_dir, provenance)

# %%
claims, labels, med, err = [], [], [], []
for il, st, cid, label in GROUPS:
    g = table[(table["interlayer"] == il) & (table["state"] == st)]
    if g.empty:
        continue
    r = g["R_int_ohm_cm2"].to_numpy()
    s = g["R_int_sigma_ohm_cm2"].fillna(0).to_numpy()
    m = float(np.median(r))
    lo, hi = float(np.min(r - 1.96 * s)), float(np.max(r + 1.96 * s))
    claims.append(Claim(cid, m, ci_low=lo, ci_high=hi, n=len(g),
                        note=f"median of {len(g)} cells ({int(g['kk_valid'].sum())} KK-valid); CI spans cells "
                             f"+- 1.96 fit s.e.; circuit {circuit}"))
    labels.append(label)
    med.append(m)
    err.append([m - lo, hi - m])
fig, ax = plt.subplots()
if med:
    ax.bar(labels, med, yerr=np.array(err).T, capsize=3, color="#1f4e79")
    ax.set_yscale("log")
ax.set_ylabel(r"R$_{int}$ ($\Omega$ cm$^2$)")
save_figure(fig, "5e", figures_dir, provenance)
write_claims(claims_path, claims)
