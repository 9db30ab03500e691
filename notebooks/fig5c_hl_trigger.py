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
sweeps_meta_path = "../data/interim/demo/sweeps_meta.parquet"
sweeps_path = "../data/interim/demo/sweeps.parquet"
trigger_rise_decades = 2.0
baseline_window_samples = 15
min_baseline_samples = 5
min_persist_samples = 3
bootstrap_n = 1000
bootstrap_seed = 4
figures_dir = "../results/demo/figures/fig5c_hl_trigger"
claims_path = "../results/demo/claims/fig5c_hl_trigger.json"
tables_dir = "../results/demo/tables"
provenance = {}

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from llzo.analysis.trigger import analyse_sweeps, site_medians, typical_sweep
from llzo.claims import Claim, write_claims
from llzo.figures import PAPER_UNITS, save_figure, use_style

use_style()
meta = pd.read_parquet(sweeps_meta_path)
data = pd.read_parquet(sweeps_path)
keep = meta["protocol"].eq("trigger") & meta["electrode"].eq("tip") & meta["site"].isin(["GB", "GI", "HL"])
meta = meta[keep]
data = data[data["sweep_id"].isin(meta["sweep_id"])]
table = analyse_sweeps(meta, data, rise_decades=trigger_rise_decades, baseline_window=baseline_window_samples,
                       min_baseline_samples=min_baseline_samples, min_persist_samples=min_persist_samples)
med = site_medians(table, electrode="tip", n_boot=bootstrap_n, seed=bootstrap_seed)


def spread(site):
    """Coefficient of variation (%) and interquartile range (V) of the triggered sweeps of a site."""
    v = table[(table.site == site) & ~table.censored]["trigger_bias_V"].to_numpy()
    if v.size < 2:
        return float("nan"), float("nan")
    return float(100 * np.std(v, ddof=1) / abs(np.mean(v))), float(np.subtract(*np.quantile(v, [0.75, 0.25])))


summary = pd.DataFrame([
    {"site": s, "n": m.n, "n_censored": m.n_censored, "km_median_V": m.median_V, "bound": m.bound or "",
     "ci_low_V": m.ci_low_V, "ci_high_V": m.ci_high_V, "cv_pct": spread(s)[0], "iqr_V": spread(s)[1]}
    for s, m in med.items()
])
Path(tables_dir).mkdir(parents=True, exist_ok=True)
summary.to_csv(Path(tables_dir) / "trigger_hl_vs_llzo.csv", index=False, float_format="%.6g", lineterminator="\n")
print(summary.to_string(float_format="%.4g"))

# %% [markdown]
# ## Fig. 5c: trigger bias on LLZO (GB) and on the HL

# %%
colors = {"GB": "C1", "GI": "C0", "HL": "C2"}
sites = [s for s in ("GB", "HL") if s in med]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(6.8, 2.6))
sweeps = {sid: g for sid, g in data.groupby("sweep_id", sort=False)}
for site in sites:
    sid = typical_sweep(table, site)
    g = sweeps[sid]
    turn = int(np.argmin(g["bias_V"].to_numpy()))
    ax1.semilogy(g["bias_V"].iloc[: turn + 1], g["current_A"].abs().iloc[: turn + 1].clip(lower=1e-15),
                 color=colors[site], label=f"{'LLZO GB' if site == 'GB' else 'HL'} ({sid})")
ax1.invert_xaxis()
ax1.set_xlabel(PAPER_UNITS["bias"])
ax1.set_ylabel("|Current| (A)")
ax1.legend()
rng = np.random.default_rng(0)
for k, site in enumerate(sites):
    g = table[table.site == site]
    ax2.scatter(k + rng.uniform(-0.2, 0.2, len(g)), g.trigger_bias_V, s=6, alpha=0.6, color=colors[site])
    m = med[site]
    yerr = [[m.median_V - m.ci_low_V], [m.ci_high_V - m.median_V]] if np.isfinite(m.ci_low_V) else None
    ax2.errorbar(k + 0.35, m.median_V, yerr=yerr, fmt="_", color="k", ms=10, capsize=2)
ax2.set_xticks(range(len(sites)), ["LLZO GB" if s == "GB" else "HL" for s in sites])
ax2.set_ylabel("Trigger bias (V vs Li/Li$^+$)")
ax2.set_xlim(-0.6, len(sites) - 0.4)
save_figure(fig, "5c", figures_dir, provenance)

# %% [markdown]
# ## Fig. S11b: homogeneity of the HL trigger bias (histogram, with LLZO GB for comparison)

# %%
fig, ax = plt.subplots()
for site in sites:
    v = table[(table.site == site) & ~table.censored]["trigger_bias_V"].to_numpy()
    if v.size:
        cv = spread(site)[0]
        ax.hist(np.abs(v), bins=np.geomspace(max(np.abs(v).min() * 0.8, 1e-3), np.abs(v).max() * 1.25, 20),
                color=colors[site], alpha=0.7, label=f"{'LLZO GB' if site == 'GB' else 'HL'}: CV {cv:.0f} %")
ax.set_xscale("log")
ax.set_xlabel("|Trigger bias| (V)")
ax.set_ylabel("Sweeps")
ax.legend()
save_figure(fig, "S11b", figures_dir, provenance)

# %% [markdown]
# ## Claim: KM median trigger bias on the HL (tip sweeps)

# %%
if "HL" in med:
    m = med["HL"]
    cv = spread("HL")[0]
    gb_txt = f"; {m.median_V / med['GB'].median_V:.1f}x the LLZO GB median" if "GB" in med else ""
    claims = [Claim("trigger_bias_hl_V", m.median_V, ci_low=m.ci_low_V, ci_high=m.ci_high_V, n=m.n, bound=m.bound,
                    note=f"KM median of HL tip sweeps, {m.n_censored} censored; CV {cv:.1f} %{gb_txt}")]
else:
    claims = [Claim("trigger_bias_hl_V", float("nan"), n=0, note="no HL tip sweeps in this dataset")]
for c in claims:
    print(c)
write_claims(claims_path, claims)
