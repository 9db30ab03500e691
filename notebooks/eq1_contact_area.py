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
# compliance corresponds to a current density of ~3e9 A cm-2 (1e-3 A / 3e-13 cm2).
# E* is the dataset's median grain-interior DMT modulus when it has modulus maps, else the
# configured `effective_modulus_GPa`.

# %% tags=["parameters"]
interim_dir = "../data/interim/demo"
results_dir = "../results/demo"
modulus_claims_path = "../results/demo/claims/fig3_maps.json"
contact = {"effective_modulus_GPa": 145.0, "plot_force_max_nN": 1000.0, "plot_tip_radii_nm": [10.0, 20.0, 40.0]}
outputs = None

# %%
import matplotlib.pyplot as plt

from llzo.analysis.contact import ContactParams, contact_area
from llzo.claims import claim_value
from llzo.figures.contact import plot_contact_area
from llzo.figures.notebook import start_notebook
from llzo.interim import load_sweeps

run = start_notebook("eq1_contact_area", outputs, results_dir)
meta, _ = load_sweeps(interim_dir)
res = contact_area(meta, ContactParams.from_config(contact), claim_value(modulus_claims_path, "modulus_gi_GPa"))
run.table(res.table, "contact_area.csv")
print(f"E* = {res.modulus_GPa:.1f} GPa ({res.modulus_source}); median r = {res.radius_nm:.1f} nm, "
      f"P = {res.force_nN:.0f} nN -> A = {res.area_nm2:.1f} nm2, j(compliance) = {res.j_compliance_A_cm2:.3g} A cm-2")

# %% [markdown]
# Eq. 1 with the paper's own inputs (r = 20 nm, P = 400 nN, E* = 145 GPa) gives 37.6 nm2, not
# the ~30 nm2 the paper states: 30 nm2 would need E* of about 203 GPa (A scales as E*^-2/3), or a
# smaller force or radius. The claim's note says so; the scorecard's tolerance (10 nm2) covers it.

# %%
fig, ax = plt.subplots()
plot_contact_area(ax, res, contact["plot_tip_radii_nm"], contact["plot_force_max_nN"])
run.save(fig, "Eq1")

# %%
run.claims(res.claims)
