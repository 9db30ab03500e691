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
# # Fig. 6e-i: Li|LLZO|WE memristors
# A Li filament grows under negative bias (set: high- to low-resistance state) and is stripped
# under positive bias (reset). The paper: a 500 um Au pad sets once with an on/off ratio below 10
# and can hardly be reset; at the c-AFM tip the set bias settles near -0.25 V, reset always
# succeeds and the on/off ratio is ~1e5 over 200 cycles.

# %% tags=["parameters"]
sweeps_meta_path = "../data/interim/demo/sweeps_meta.parquet"
sweeps_path = "../data/interim/demo/sweeps.parquet"
read_bias_V = -0.1
forming_cycles = 10
switch_factor = 1.5
baseline_samples = 5
min_switch_bias_V = 0.02
endurance_on_off_min = 10.0
reset_return_factor = 2.0
figures_dir = "../results/demo/figures/fig6_memristor"
claims_path = "../results/demo/claims/fig6_memristor.json"
tables_dir = "../results/demo/tables"
provenance = {}

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from llzo.analysis.memristor import (
    MemristorParams,
    device_summary,
    memristor_claim_values,
    memristor_cycles,
)
from llzo.claims import Claim, write_claims
from llzo.figures import PAPER_UNITS, save_figure, use_style

use_style()
params = MemristorParams(read_bias_V=read_bias_V, forming_cycles=int(forming_cycles), switch_factor=switch_factor,
                         baseline_samples=int(baseline_samples), min_switch_bias_V=min_switch_bias_V,
                         endurance_on_off_min=endurance_on_off_min, reset_return_factor=reset_return_factor)
meta = pd.read_parquet(sweeps_meta_path)
mem_ids = meta.loc[meta["protocol"] == "memristor", "sweep_id"]
data = pd.read_parquet(sweeps_path, filters=[("sweep_id", "in", list(mem_ids))]) if len(mem_ids) else None
Path(figures_dir).mkdir(parents=True, exist_ok=True)
Path(tables_dir).mkdir(parents=True, exist_ok=True)
print(f"{len(mem_ids)} memristor sweeps")

# %% [markdown]
# Per cycle: set / reset bias (or "no set" / "no reset"), HRS and LRS currents at the read bias
# and the on/off ratio; per device: endurance and the set-bias trend.

# %%
if data is not None:
    cycles = memristor_cycles(meta, data, params)
    devices = device_summary(cycles, params)
else:
    cycles = memristor_cycles(meta, pd.DataFrame(columns=["sweep_id", "cycle", "time_s", "bias_V", "current_A"]),
                              params)
    devices = device_summary(cycles, params)
cycles.to_csv(Path(tables_dir) / "memristor_cycles.csv", index=False, float_format="%.6g", lineterminator="\n",
              na_rep="")
devices.to_csv(Path(tables_dir) / "memristor_devices.csv", index=False, float_format="%.6g", lineterminator="\n")
devices

# %%
def size_label(row) -> str:
    """Legend label of a device: tip or pad side."""
    return "tip" if row["electrode"] == "tip" else f"{row['pad_side_um']:g} um pad"


def iv_panel(ax, sweep: pd.DataFrame, cycle_list, log: bool = False) -> None:
    """I-V curves of the given cycles, coloured by cycle number."""
    cmap = plt.get_cmap("viridis")
    last = max(cycle_list) if len(cycle_list) else 1
    for c in cycle_list:
        g = sweep[sweep["cycle"] == c]
        y = np.abs(g["current_A"]) if log else g["current_A"] * 1e6
        ax.plot(g["bias_V"], y, color=cmap((c - 1) / max(last - 1, 1)), lw=0.5)
    ax.set_xlabel(PAPER_UNITS["bias"])
    if log:
        ax.set_yscale("log")
        ax.set_ylabel("|Current| (A)")
        floor = np.percentile(np.abs(sweep["current_A"]), 1)
        ax.set_ylim(bottom=max(floor, 1e-15))
    else:
        ax.set_ylabel("Current ($\\mu$A)")
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(1, last))
    plt.colorbar(sm, ax=ax, label="cycle")


tips = devices[devices["electrode"] == "tip"].sort_values("n_cycles", ascending=False, kind="stable")
pads = devices[devices["electrode"] == "pad"].sort_values("pad_side_um", kind="stable")
tip_id = tips["sweep_id"].iloc[0] if len(tips) else None
pad_id = pads["sweep_id"].iloc[-1] if len(pads) else None

# %% [markdown]
# 6e: the largest Au pad (500 um in the paper).

# %%
if pad_id is not None:
    sw = data[data["sweep_id"] == pad_id]
    fig, ax = plt.subplots()
    iv_panel(ax, sw, sorted(sw["cycle"].unique()))
    pc = cycles[cycles["sweep_id"] == pad_id]
    ax.set_title(f"{pads['pad_side_um'].iloc[-1]:g} um Au pad: {int(pc['set_detected'].sum())} set(s), "
                 f"{int(pc['reset_detected'].sum())} reset(s), max on/off {pc['on_off'].max():.3g}")
    save_figure(fig, "6e", figures_dir, provenance)

# %% [markdown]
# 6f: the tip's first cycles and the set / reset bias over all cycles.

# %%
if tip_id is not None:
    sw = data[data["sweep_id"] == tip_id]
    tc = cycles[cycles["sweep_id"] == tip_id]
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(7.2, 2.6), layout="constrained")
    iv_panel(ax, sw, [c for c in sorted(sw["cycle"].unique()) if c <= 2 * max(params.forming_cycles, 5)])
    ax.set_title("tip, first cycles")
    s = tc[tc["set_detected"]]
    r = tc[tc["reset_detected"]]
    bx.plot(s["cycle"], s["set_bias_V"].astype(float), ".", label="set")
    bx.plot(r["cycle"], r["reset_bias_V"].astype(float), ".", label="reset")
    ns = tc[~tc["set_detected"]]
    if len(ns):
        bx.plot(ns["cycle"], np.zeros(len(ns)), "x", color="k", label="no set")
    bx.axvline(params.forming_cycles + 0.5, color="0.6", ls="--", lw=0.7)
    bx.set_xlabel("Cycle")
    bx.set_ylabel(PAPER_UNITS["bias"])
    bx.legend()
    save_figure(fig, "6f", figures_dir, provenance)

# %% [markdown]
# 6g, 6h: every tip cycle, linear and log scale.

# %%
if tip_id is not None:
    all_c = sorted(sw["cycle"].unique())
    for panel, log in (("6g", False), ("6h", True)):
        fig, ax = plt.subplots()
        iv_panel(ax, sw, all_c, log=log)
        ax.set_title(f"tip, {len(all_c)} cycles")
        save_figure(fig, panel, figures_dir, provenance)

# %% [markdown]
# 6i: on/off ratio vs cycle for every electrode size.

# %%
if len(devices):
    fig, ax = plt.subplots()
    for _, d in pd.concat([tips, pads.iloc[::-1]]).iterrows():
        c = cycles[cycles["sweep_id"] == d["sweep_id"]]
        ax.plot(c["cycle"], c["on_off"], ".-", ms=2, lw=0.5,
                label=f"{size_label(d)} (endurance {d['endurance_cycles']}{'+' if d['endurance_censored'] else ''})")
    ax.axhline(params.endurance_on_off_min, color="0.6", ls="--", lw=0.7)
    ax.set_yscale("log")
    ax.set_xlabel("Cycle")
    ax.set_ylabel(f"On/off ratio at {params.read_bias_V:g} V")
    ax.legend(fontsize=5)
    save_figure(fig, "6i", figures_dir, provenance)

# %%
vals = memristor_claim_values(cycles, params)
claims = [Claim(k, v.value, ci_low=v.ci_low, ci_high=v.ci_high, n=v.n, note=v.note)
          for k, v in vals.items() if np.isfinite(v.value)]
for c in claims:
    print(f"{c.claim_id}: {c.reproduced:.4g} ({c.note})")
write_claims(claims_path, claims)
