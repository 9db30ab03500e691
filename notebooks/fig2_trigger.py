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

# %% tags=["parameters"]
sweeps_meta_path = "../data/interim/demo/sweeps_meta.parquet"
sweeps_path = "../data/interim/demo/sweeps.parquet"
modulus_claims_path = "../results/demo/claims/fig3_maps.json"
effective_modulus_GPa = 145.0
trigger_rise_decades = 2.0
baseline_window_samples = 15
min_baseline_samples = 5
min_persist_samples = 3
bootstrap_n = 1000
bootstrap_seed = 4
distance_bin_edges_nm = [0, 25, 75, 150, 350, 750, 1250, 1750, 2250]
figures_dir = "../results/demo/figures/fig2_trigger"
claims_path = "../results/demo/claims/fig2_trigger.json"
tables_dir = "../results/demo/tables"
provenance = {}

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from llzo.analysis.contact import tip_contact_table
from llzo.analysis.survival import km_curve, ratio_with_ci
from llzo.analysis.trigger import (
    analyse_sweeps,
    distance_bins,
    electrode_area_cm2,
    site_medians,
    typical_sweep,
)
from llzo.claims import Claim, claim_value, write_claims
from llzo.figures import PAPER_UNITS, save_figure, use_style

use_style()
meta = pd.read_parquet(sweeps_meta_path)
data = pd.read_parquet(sweeps_path)
table = analyse_sweeps(meta, data, rise_decades=trigger_rise_decades, baseline_window=baseline_window_samples,
                       min_baseline_samples=min_baseline_samples, min_persist_samples=min_persist_samples)
print(f"{len(table)} trigger sweeps ({(table.electrode == 'tip').sum()} tip, {(table.electrode == 'pad').sum()} pad), "
      f"{int(table.censored.sum())} never triggered inside their window")

# %% [markdown]
# Current density at the trigger: the electrode area is the Eq. 1 Hertz contact area for tips
# (E* = the dataset's median grain-interior DMT modulus when it has modulus maps, else the
# configured value) and side^2 for pads.

# %%
E_GPa = claim_value(modulus_claims_path, "modulus_gi_GPa") or effective_modulus_GPa
area = electrode_area_cm2(table, tip_contact_table(meta, E_GPa))
print(f"E* = {E_GPa:.1f} GPa")
table["electrode_area_cm2"] = area
table["j_baseline_A_cm2"] = table["baseline_current_A"] / area
table["j_trigger_A_cm2"] = table["trigger_current_A"].abs() / area
Path(tables_dir).mkdir(parents=True, exist_ok=True)
table.to_csv(Path(tables_dir) / "trigger_sweeps.csv", index=False, float_format="%.6g", lineterminator="\n")
print(table.groupby(["electrode", "site"])[["j_trigger_A_cm2", "filament_resistance_ohm", "ohmic_r_squared"]]
      .median().to_string(float_format="%.4g"))

# %%
med = site_medians(table, electrode="tip", n_boot=bootstrap_n, seed=bootstrap_seed)
for site, m in med.items():
    bound = "< " if m.bound == "lt" else ""
    print(f"tip {site}: KM median {bound}{m.median_V:.4g} V, 95% CI [{m.ci_low_V:.4g}, {m.ci_high_V:.4g}], "
          f"n={m.n}, censored {m.n_censored}")


def group(site, electrode="tip"):
    g = table[(table.site == site) & (table.electrode == electrode)]
    return g["trigger_bias_V"].to_numpy(), g["censored"].to_numpy(dtype=bool)


# %% [markdown]
# ## Fig. 1e: typical GB and GI sweeps (reductive scan, abs(I) on a log axis)

# %%
sweeps = {sid: g for sid, g in data.groupby("sweep_id", sort=False)}
examples = {site: typical_sweep(table, site) for site in ("GB", "GI")}
colors = {"GB": "C1", "GI": "C0", "HL": "C2"}
fig, ax = plt.subplots()
for site, sid in examples.items():
    if sid is None:
        continue
    g = sweeps[sid]
    turn = int(np.argmin(g["bias_V"].to_numpy()))
    ax.semilogy(g["bias_V"].iloc[: turn + 1], g["current_A"].abs().iloc[: turn + 1].clip(lower=1e-15),
                color=colors[site], label=f"{site} ({sid})")
    row = table.set_index("sweep_id").loc[sid]
    if not row.censored:
        ax.axvline(row.trigger_bias_V, color=colors[site], ls=":", lw=0.8)
ax.invert_xaxis()
ax.set_xlabel(PAPER_UNITS["bias"])
ax.set_ylabel("|Current| (A)")
ax.legend()
save_figure(fig, "1e", figures_dir, provenance)


# %% [markdown]
# ## Fig. 2c, 2d: cyclic sweeps with the back scan and its ohmic fit

# %%
def cyclic_panel(site, panel):
    fig, ax = plt.subplots()
    sid = examples.get(site)
    if sid is None:
        ax.text(0.5, 0.5, f"no {site} tip sweeps", ha="center", transform=ax.transAxes)
    else:
        g = sweeps[sid]
        v, i = g["bias_V"].to_numpy(), g["current_A"].to_numpy()
        turn = int(np.argmin(v))
        ax.plot(v[: turn + 1], i[: turn + 1] * 1e3, color=colors[site], label="reductive scan")
        ax.plot(v[turn:], i[turn:] * 1e3, color="k", ls="--", label="back scan")
        row = table.set_index("sweep_id").loc[sid]
        ax.set_title(f"{site}: {sid}")
        if np.isfinite(row.filament_resistance_ohm):
            # inset: the unclipped electronic part of the back scan and the ohmic line through it
            r_ohm = row.filament_resistance_ohm
            v_lim = -min(abs(v.min()), 1.5 * r_ohm * row.compliance_A)
            ins = ax.inset_axes([0.12, 0.35, 0.4, 0.4])
            near = v >= v_lim
            ins.plot(v[turn:][near[turn:]], i[turn:][near[turn:]] * 1e3, "k.", ms=1.5)
            x = np.linspace(v_lim, 0, 50)
            ins.plot(x, np.clip(x / r_ohm, -row.compliance_A, None) * 1e3, color=colors[site], lw=0.8)
            ins.set_title(f"back scan: R = {r_ohm:.0f} $\\Omega$, $r^2$ = {row.ohmic_r_squared:.4f}", fontsize=6)
            ins.tick_params(labelsize=5)
    ax.set_xlabel(PAPER_UNITS["bias"])
    ax.set_ylabel("Current (mA)")
    ax.legend(loc="lower right")
    save_figure(fig, panel, figures_dir, provenance)


cyclic_panel("GB", "2c")
cyclic_panel("GI", "2d")

# %% [markdown]
# ## Fig. 2e: trigger bias vs distance to the grain boundary (tip sweeps)
# Magnitude of the trigger bias (V vs Li/Li+ is negative). Open triangles: sweeps that never
# triggered, drawn at their window limit (censored). Squares: median and interquartile range per
# distance bin (censored sweeps at their window limit).

# %%
bins = distance_bins(table, distance_bin_edges_nm)
bins.to_csv(Path(tables_dir) / "trigger_distance_bins.csv", index=False, float_format="%.6g", lineterminator="\n")
tips = table[(table.electrode == "tip") & table.distance_to_gb_nm.notna()]
fig, ax = plt.subplots()
x_sym = tips.distance_to_gb_nm + 1.0  # symlog-free: shift so that d = 0 shows on a log axis
for cens, mk in ((False, "o"), (True, "v")):
    s = tips[tips.censored == cens]
    ax.scatter(x_sym[s.index], s.trigger_bias_V.abs(), marker=mk, s=8, facecolors="none" if cens else "C0",
               edgecolors="C0", alpha=0.6, label="never triggered (window)" if cens else "sweeps")
if not bins.empty:
    xc = bins.distance_median_nm + 1.0
    ax.errorbar(xc, bins.median_V.abs(), yerr=[bins.q75_V - bins.median_V, bins.median_V - bins.q25_V], fmt="s",
                color="C1", ms=4, capsize=2, label="bin median (IQR)")
if tips.empty:
    ax.text(0.5, 0.5, "no tip sweeps with a distance to GB", ha="center", transform=ax.transAxes)
else:
    ax.set_xscale("log")
    ax.set_yscale("log")
ax.set_xlabel("Distance to GB + 1 (nm)")
ax.set_ylabel("|Trigger bias| (V)")
ax.legend()
save_figure(fig, "2e", figures_dir, provenance)

# %% [markdown]
# ## Fig. 2f: trigger bias vs Au pad side

# %%
pads = table[table.electrode == "pad"]
fig, ax = plt.subplots()
if pads.empty:
    ax.text(0.5, 0.5, "no pad sweeps in this dataset", ha="center", transform=ax.transAxes)
else:
    for site, g in pads.groupby("site"):
        for cens, mk in ((False, "o"), (True, "v")):
            s = g[g.censored == cens]
            ax.scatter(s.pad_side_um, s.trigger_bias_V.abs(), marker=mk, s=10, edgecolors=colors.get(site, "k"),
                       facecolors="none" if cens else colors.get(site, "k"),
                       label=f"{site}" + (" (never triggered)" if cens else ""))
    pm = pads.groupby("pad_side_um")["trigger_bias_V"].median()
    ax.plot(pm.index, np.abs(pm.values), "k-", lw=0.7, label="median per side")
    ax.set_xscale("log")
    ax.set_yscale("log")
ax.set_xlabel("Au pad side (µm)")
ax.set_ylabel("|Trigger bias| (V)")
ax.legend()
save_figure(fig, "2f", figures_dir, provenance)

# %% [markdown]
# ## Fig. S5: all statistics
# Left: Kaplan-Meier "not yet triggered" fraction vs bias magnitude per group (tip GB, GI, HL
# and pads). Right: every sweep per group with the KM median and its bootstrap 95 % interval.

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(6.8, 2.6))
groups = [(f"tip {s}", *group(s)) for s in ("GB", "GI", "HL") if s in med]
groups += [(f"pad {s}", *group(s, "pad")) for s in ("GB", "GI") if ((pads.site == s).any())]
for k, (name, v, c) in enumerate(groups):
    t, surv = km_curve(np.abs(v), ~c)
    if t.size:
        ax1.step(np.r_[min(t.min(), 1e-3), t, np.abs(v).max()], np.r_[1.0, surv, surv[-1]], where="post",
                 label=name, color=f"C{k}")
    rng = np.random.default_rng(k)
    ax2.scatter(k + rng.uniform(-0.2, 0.2, v.size), np.abs(v), s=5, alpha=0.5, color=f"C{k}",
                marker="o")
    ax2.scatter(k + rng.uniform(-0.2, 0.2, int(c.sum())), np.abs(v[c]), s=12, marker="v", facecolors="none",
                edgecolors="k", lw=0.5)
    site = name.split()[1]
    if name.startswith("tip"):
        m = med[site]
        ax2.errorbar(k + 0.35, -m.median_V, yerr=[[-m.median_V + m.ci_high_V], [m.median_V - m.ci_low_V]]
                     if np.isfinite(m.ci_low_V) else None, fmt="_", color="k", ms=10, capsize=2)
ax1.set_xscale("log")
ax1.set_xlabel("|Bias| (V)")
ax1.set_ylabel("Fraction not triggered (KM)")
ax1.legend()
ax2.set_yscale("log")
ax2.set_xticks(range(len(groups)), [g[0] for g in groups], rotation=30)
ax2.set_ylabel("|Trigger bias| (V)")
save_figure(fig, "S5", figures_dir, provenance)

# %% [markdown]
# ## Claims: KM medians (tip sweeps) and the GI / GB ratio

# %%
claims = []
for site in ("GB", "GI"):
    cid = f"trigger_bias_{site.lower()}_V"
    if site in med:
        m = med[site]
        j = table[(table.electrode == "tip") & (table.site == site) & ~table.censored]["j_trigger_A_cm2"]
        j_txt = f"; median j at trigger {j.median():.3g} A/cm2 (Eq. 1 area)" if len(j) else ""
        claims.append(Claim(cid, m.median_V, ci_low=m.ci_low_V, ci_high=m.ci_high_V, n=m.n, bound=m.bound,
                            note=f"KM median of tip sweeps, {m.n_censored} of {m.n} censored at the window{j_txt}"))
    else:
        claims.append(Claim(cid, float("nan"), n=0, note=f"no tip sweeps at {site}"))
if "GB" in med and "GI" in med and bootstrap_n > 0:
    ratio, lo, hi = ratio_with_ci(group("GI"), group("GB"), n_boot=bootstrap_n, seed=bootstrap_seed + 100)
    bound = "gt" if med["GI"].bound == "lt" else None  # GI beyond the window: the ratio is a lower bound
    claims.append(Claim("trigger_ratio_gi_over_gb", ratio, ci_low=lo, ci_high=hi, n=med["GI"].n + med["GB"].n,
                        bound=bound, note="ratio of the KM medians; bootstrap 95% CI"))
elif "GB" in med and "GI" in med:
    bound = "gt" if med["GI"].bound == "lt" else None
    claims.append(Claim("trigger_ratio_gi_over_gb", med["GI"].median_V / med["GB"].median_V,
                        n=med["GI"].n + med["GB"].n, bound=bound, note="ratio of the KM medians"))
else:
    claims.append(Claim("trigger_ratio_gi_over_gb", float("nan"), n=0, note="needs GB and GI tip sweeps"))
for c in claims:
    print(c)
write_claims(claims_path, claims)
