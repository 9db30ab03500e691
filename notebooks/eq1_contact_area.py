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
# # Eq. 1: contact area of the c-AFM tip
# Hertz contact of a sphere (tip radius r, force P) on LLZO (effective modulus E*):
# A = pi (3 P r / 4 E*)^(2/3). The paper: ~30 nm2 for r = 20 nm, P = 400 nN, so the 1 mA
# compliance corresponds to a current density of order 10^6 A cm-2.

# %% tags=["parameters"]
sweeps_meta_path = "../data/interim/demo/sweeps_meta.parquet"
modulus_claims_path = "../results/demo/claims/fig3_maps.json"
effective_modulus_GPa = 145.0
plot_force_max_nN = 1000.0
plot_tip_radii_nm = [10.0, 20.0, 40.0]
figures_dir = "../results/demo/figures/eq1_contact_area"
claims_path = "../results/demo/claims/eq1_contact_area.json"
tables_dir = "../results/demo/tables"
provenance = {}

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from llzo.analysis.contact import hertz_contact_area_m2, tip_contact_table
from llzo.claims import Claim, claim_value, write_claims
from llzo.figures import save_figure, use_style

use_style()
meta = pd.read_parquet(sweeps_meta_path)

# %% [markdown]
# E* is the dataset's median grain-interior DMT modulus when it has modulus maps, else the
# configured value.

# %%
E_GPa = claim_value(modulus_claims_path, "modulus_gi_GPa")
E_source = "median grain-interior DMT modulus of the maps"
if E_GPa is None:
    E_GPa, E_source = effective_modulus_GPa, "config effective_modulus_GPa (no modulus maps)"
print(f"E* = {E_GPa:.1f} GPa ({E_source})")

table = tip_contact_table(meta, E_GPa)
Path(tables_dir).mkdir(parents=True, exist_ok=True)
table.to_csv(Path(tables_dir) / "contact_area.csv", index=False, float_format="%.6g", lineterminator="\n")
r_nm = float(np.median(table["tip_radius_nm"]))
P_nN = float(np.median(table["tip_force_nN"]))
A_nm2 = hertz_contact_area_m2(r_nm * 1e-9, P_nN * 1e-9, E_GPa * 1e9) * 1e18
j_A_cm2 = float(np.median(table["compliance_A"])) / (A_nm2 * 1e-14)
print(f"median r = {r_nm:.1f} nm, P = {P_nN:.0f} nN -> A = {A_nm2:.1f} nm2, j(compliance) = {j_A_cm2:.3g} A cm-2")

# %%
P = np.linspace(10, plot_force_max_nN, 200)
fig, ax = plt.subplots()
for r in sorted({*plot_tip_radii_nm, r_nm}):
    ax.plot(P, hertz_contact_area_m2(r * 1e-9, P * 1e-9, E_GPa * 1e9) * 1e18, label=f"r = {r:g} nm")
ax.plot([P_nN], [A_nm2], "o", color="k", label="this dataset")
ax.set_xlabel("Tip force P (nN)")
ax.set_ylabel("Contact area A (nm$^2$)")
ax.set_title(f"Eq. 1, E* = {E_GPa:.0f} GPa")
ax.legend()
save_figure(fig, "Eq1", figures_dir, provenance)

# %%
write_claims(claims_path, [
    Claim("contact_area_nm2", A_nm2, n=len(table),
          note=f"r={r_nm:g} nm, P={P_nN:g} nN, E*={E_GPa:.1f} GPa ({E_source}); j at compliance {j_A_cm2:.3g} A/cm2"),
])
