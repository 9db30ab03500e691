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
# Every spectrum gets a Kramers-Kronig test and a DRT (pyimpspec), then candidate circuits are fitted
# and compared by an information criterion. The interface arc is identified by its capacitance per
# area (interfacial range in `analysis.eis`), cross-checked with the DRT; R_int = R_arc x area / 2 per
# interface. Spectra where no arc, or two indistinguishable arcs, qualify are `ambiguous`: shown,
# named in the claim note and left out of the medians (`llzo.analysis.eis` defines it all).

# %% tags=["parameters"]
echem_meta_path = "../data/interim/demo/echem_meta.parquet"
echem_eis_path = "../data/interim/demo/echem_eis.parquet"
eis = {"fit_f_max_Hz": 1.0e7, "fit_f_min_Hz": 0.0, "min_points": 10, "kk_mu_criterion": 0.85,
       "kk_max_noise_pct": 1.0, "drt_lambda": 1.0e-2, "drt_peak_prominence": 0.05, "drt_tau_tolerance": 3.0,
       "max_arcs": 3, "n_starts": 4, "information_criterion": "bic", "arc_min_n": 0.6,
       "interface_c_min_F_cm2": 1.0e-7, "interface_c_max_F_cm2": 1.0e-4, "arc_tau_ratio_min": 10.0,
       "max_r_rel_se": 0.1, "max_fit_rel_rmse": 0.05, "fit_seed": 0}
results_dir = "../results/demo"
outputs = None

# %%
import matplotlib.pyplot as plt
import pandas as pd

from llzo.analysis.eis import EISParams, analyse_runs, arcs_table, cell_values, eis_claims, fits_table
from llzo.figures import eis as eis_fig
from llzo.figures.notebook import start_notebook

run = start_notebook("fig5de_eis", outputs, results_dir)
params = EISParams.from_config(eis)
meta = pd.read_parquet(echem_meta_path)
spectra = pd.read_parquet(echem_eis_path)

# %%
results = analyse_runs(meta, spectra, params)
table = fits_table(meta, results)
cells = cell_values(table)
for name, df in [("eis_fits.csv", table), ("eis_arcs.csv", arcs_table(results)), ("eis_cells.csv", cells)]:
    run.table(df, name)
pd.set_option("display.width", 160)
print(table[["run_id", "status", "kk_valid", "kk_noise_pct", "circuit", "fit_rel_rmse_pct",
             "fit_max_rel_residual_pct", "R_int_ohm_cm2", "R_int_se_ohm_cm2"]].to_string(index=False))

# %% [markdown]
# Spectra that are KK-invalid, ambiguous or could not be fitted, and why:

# %%
for r in table.itertuples(index=False):
    if r.status != "ok" or r.kk_valid is not True:
        print(f"{r.run_id}: {r.status}; {r.reasons}")

# %%
fig = plt.figure(figsize=(3.4, 5.6))
eis_fig.nyquist_with_residuals(fig, results, table)
run.save(fig, "5d")

fig = plt.figure(figsize=(7.0, 1.8 * max(1, -(-len(results) // 4))))
eis_fig.spectra_grid(fig, results)
fig.tight_layout()
run.save(fig, "5d-cells")

# %%
claims = eis_claims(table, params)
fig, ax = plt.subplots()
eis_fig.r_int_bars(ax, cells, {c.claim_id: c.reproduced for c in claims})
run.save(fig, "5e")
run.claims(claims)
