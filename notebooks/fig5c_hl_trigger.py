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
# # Fig. 5c, S11b: filament triggering bias on the homogenizing layer (HL) vs LLZO
# Tip sweeps on the HL surface and on LLZO grain boundaries, analysed as in Fig. 2: per sweep the
# trigger bias (first sample where abs(I) leaves the baseline by `trigger_rise_decades` decades
# and stays above until the turnaround), per site the Kaplan-Meier median with never-triggered
# sweeps censored at their window limit and a bootstrap 95 % interval. The paper: the HL needs a
# significantly larger bias than LLZO GB regions, and it is homogeneous (small spread).

# %% tags=["parameters"]
interim_dir = "../data/interim/demo"
results_dir = "../results/demo"
trigger = {"trigger_rise_decades": 2.0, "baseline_window_samples": 15, "min_baseline_samples": 5,
           "min_persist_samples": 3, "bootstrap_resamples": 1000, "bootstrap_seed": 4}
outputs = None

# %%
import matplotlib.pyplot as plt

from llzo.analysis.trigger import TriggerParams, hl_trigger_analysis, trigger_spread, typical_sweep
from llzo.figures import trigger as tf
from llzo.figures.notebook import start_notebook
from llzo.interim import load_sweeps

run = start_notebook("fig5c_hl_trigger", outputs, results_dir)
meta, data = load_sweeps(interim_dir, protocol="trigger")
res = hl_trigger_analysis(meta, data, TriggerParams.from_config(trigger))
run.table(res.summary, "trigger_hl_vs_llzo.csv")
res.summary

# %% [markdown]
# ## Fig. 5c: trigger bias on LLZO (GB) and on the HL; Fig. S11b: homogeneity of the HL

# %%
sites = [s for s in ("GB", "HL") if s in res.medians]
labels = {"GB": "LLZO GB", "HL": "HL"}
groups = tf.sweep_groups(res.table, sites, labels=labels)
colors = [tf.SITE_COLORS[s] for s in sites]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(6.8, 2.6))
tf.plot_reductive_scans(ax1, data, res.table, {s: typical_sweep(res.table, s) for s in sites}, labels,
                        mark_trigger=False)
tf.plot_group_biases(ax2, groups, {labels[s]: res.medians[s] for s in sites}, colors)
run.save(fig, "5c")
fig, ax = plt.subplots()
tf.plot_bias_histogram(ax, groups, {labels[s]: trigger_spread(res.table, s)[0] for s in sites}, colors)
run.save(fig, "S11b")

# %% [markdown]
# ## Claim: KM median trigger bias on the HL (tip sweeps)

# %%
run.claims(res.claims)
