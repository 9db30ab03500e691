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
# # Fig. 1e, 2c-f, S5: filament triggering bias at grain boundaries and grain interiors
# Per sweep: the trigger bias is the first sample of the reductive scan where abs(I) leaves the
# pre-trigger baseline by `trigger_rise_decades` decades and stays above it until the
# turnaround; the back scan is fitted with the ohmic line of the filament. Per site (tip sweeps
# only, as classified by the experimenter): the Kaplan-Meier median with sweeps that never
# triggered censored at their window limit, a bootstrap 95 % interval, and the GI/GB ratio.
# The current density at the trigger uses the Eq. 1 contact area for tips (E* from the maps when
# the dataset has modulus maps) and side^2 for pads.

# %% tags=["parameters"]
interim_dir = "../data/interim/demo"
results_dir = "../results/demo"
modulus_claims_path = "../results/demo/claims/fig3_maps.json"
contact = {"effective_modulus_GPa": 145.0}
trigger = {"trigger_rise_decades": 2.0, "baseline_window_samples": 15, "min_baseline_samples": 5,
           "min_persist_samples": 3, "bootstrap_resamples": 1000, "bootstrap_seed": 4,
           "distance_bin_edges_nm": [0, 20, 50, 100, 200, 500, 1000, 2000, 5000]}
outputs = None

# %%
import matplotlib.pyplot as plt

from llzo.analysis.contact import ContactParams, contact_area
from llzo.analysis.trigger import TriggerParams, trigger_analysis, typical_sweep
from llzo.claims import claim_value
from llzo.figures import trigger as tf
from llzo.figures.notebook import start_notebook
from llzo.interim import load_sweeps

run = start_notebook("fig2_trigger", outputs, results_dir)
meta, data = load_sweeps(interim_dir)
eq1 = contact_area(meta, ContactParams.from_config(contact), claim_value(modulus_claims_path, "modulus_gi_GPa"))
res = trigger_analysis(meta, data, TriggerParams.from_config(trigger), eq1.table)
table = res.table
run.table(table, "trigger_sweeps.csv")
run.table(res.bins, "trigger_distance_bins.csv")
print(f"{len(table)} trigger sweeps, {int(table.censored.sum())} never triggered inside their window; "
      f"E* = {eq1.modulus_GPa:.1f} GPa ({eq1.modulus_source})")
table.groupby(["electrode", "site"])[["j_trigger_A_cm2", "filament_resistance_ohm", "ohmic_r_squared"]].median()

# %% [markdown]
# ## Fig. 1e: typical GB and GI sweeps; Fig. 2c, 2d: the cyclic sweeps with the ohmic back-scan fit

# %%
examples = {site: typical_sweep(table, site) for site in ("GB", "GI")}
fig, ax = plt.subplots()
tf.plot_reductive_scans(ax, data, table, examples)
run.save(fig, "1e")
rows = table.set_index("sweep_id")
for site, panel in (("GB", "2c"), ("GI", "2d")):
    sid = examples[site]
    fig, ax = plt.subplots()
    tf.plot_cyclic_sweep(ax, data[data.sweep_id == sid] if sid else None, rows.loc[sid] if sid else None, site)
    run.save(fig, panel)

# %% [markdown]
# ## Fig. 2e: trigger bias vs distance to the grain boundary; Fig. 2f: vs Au pad side
# Open triangles: sweeps that never triggered, at their window limit. Squares: median and
# interquartile range per distance bin (censored sweeps at their window limit).

# %%
fig, ax = plt.subplots()
tf.plot_bias_vs_distance(ax, table, res.bins)
run.save(fig, "2e")
fig, ax = plt.subplots()
tf.plot_bias_vs_pad_side(ax, table)
run.save(fig, "2f")

# %% [markdown]
# ## Fig. S5: all statistics
# Left: Kaplan-Meier "not yet triggered" fraction vs bias magnitude per group (tip GB, GI, HL and
# pads). Right: every sweep per group with the KM median and its bootstrap 95 % interval.

# %%
groups = tf.sweep_groups(table, ("GB", "GI", "HL")) + tf.sweep_groups(table, ("GB", "GI"), "pad")
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(6.8, 2.6))
tf.plot_not_triggered(ax1, groups)
tf.plot_group_biases(ax2, groups, {f"tip {s}": m for s, m in res.medians.items()})
run.save(fig, "S5")

# %% [markdown]
# ## Claims: KM medians of the tip sweeps at GB and GI, and their ratio

# %%
run.claims(res.claims)
