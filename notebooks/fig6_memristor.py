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
# Per cycle: set / reset bias (or "no set" / "no reset"), HRS and LRS currents at the read bias
# and the on/off ratio; per device: endurance and the set-bias trend.

# %% tags=["parameters"]
interim_dir = "../data/interim/demo"
results_dir = "../results/demo"
memristor = {"read_bias_V": -0.1, "forming_cycles": 10, "switch_factor": 1.5, "baseline_samples": 5,
             "min_switch_bias_V": 0.02, "endurance_on_off_min": 10.0, "reset_return_factor": 2.0}
outputs = None

# %%
import matplotlib.pyplot as plt
import pandas as pd

from llzo.analysis.memristor import MemristorParams, memristor_analysis
from llzo.figures import memristor as mf
from llzo.figures.notebook import start_notebook
from llzo.interim import load_sweeps

run = start_notebook("fig6_memristor", outputs, results_dir)
params = MemristorParams.from_config(memristor)
meta, data = load_sweeps(interim_dir, protocol="memristor")
res = memristor_analysis(meta, data, params)
run.table(res.cycles, "memristor_cycles.csv")
run.table(res.devices, "memristor_devices.csv")
tips = res.devices[res.devices["electrode"] == "tip"].sort_values("n_cycles", ascending=False, kind="stable")
pads = res.devices[res.devices["electrode"] == "pad"].sort_values("pad_side_um", kind="stable")
res.devices

# %% [markdown]
# 6e: the largest Au pad (500 um in the paper). 6f: the tip's first cycles and the set / reset
# bias over all cycles. 6g, 6h: every tip cycle, linear and log scale.

# %%
if len(pads):
    pad = pads.iloc[-1]
    sw, pc = data[data.sweep_id == pad.sweep_id], res.cycles[res.cycles.sweep_id == pad.sweep_id]
    fig, ax = plt.subplots()
    mf.plot_iv_cycles(ax, sw, sorted(sw["cycle"].unique()))
    ax.set_title(f"{mf.device_label(pad)}: {int(pc.set_detected.sum())} set(s), {int(pc.reset_detected.sum())} "
                 f"reset(s), max on/off {pc.on_off.max():.3g}")
    run.save(fig, "6e")
if len(tips):
    tip_id = tips["sweep_id"].iloc[0]
    sw, tc = data[data.sweep_id == tip_id], res.cycles[res.cycles.sweep_id == tip_id]
    all_c = sorted(sw["cycle"].unique())
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(7.2, 2.6), layout="constrained")
    mf.plot_iv_cycles(ax, sw, [c for c in all_c if c <= 2 * max(params.forming_cycles, 5)])
    ax.set_title("tip, first cycles")
    mf.plot_switching_biases(bx, tc, params.forming_cycles)
    run.save(fig, "6f")
    for panel, log in (("6g", False), ("6h", True)):
        fig, ax = plt.subplots()
        mf.plot_iv_cycles(ax, sw, all_c, log=log)
        ax.set_title(f"tip, {len(all_c)} cycles")
        run.save(fig, panel)

# %% [markdown]
# 6i: on/off ratio vs cycle for every electrode size.

# %%
if len(res.devices):
    fig, ax = plt.subplots()
    mf.plot_on_off(ax, res.cycles, pd.concat([tips, pads.iloc[::-1]]), params)
    run.save(fig, "6i")

# %%
run.claims(res.claims)
