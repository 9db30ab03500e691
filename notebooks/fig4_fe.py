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
# # Fig. 4: Li+ flux in polycrystalline LLZO, without and with a homogenizing layer (HL)
# div(sigma grad phi) = 0 in a 2D cross-section of ~10 um Voronoi grains with 5 nm resistive
# boundaries, 0.1 V / 0 V on the Li electrodes (ideal contacts, as in the paper), insulating sides;
# with HL: 10 um on each side. One solve per Voronoi seed (Snakemake jobs); here the ensemble is
# aggregated (`llzo.fe.ensemble`) and drawn (`llzo.figures.fe`). Current flows to the plating Li at the top.

# %% tags=["parameters"]
members_path = "../results/demo/fe/members.txt"
design_path = "../results/demo/fe/design.txt"
sensitivity_path = "../results/demo/fe/sensitivity.txt"
interface_path = "../results/demo/fe/interface.txt"
homogenized_tolerance_pct = 50.0
results_dir = "../results/demo"
outputs = None

# %%
import matplotlib.pyplot as plt

from llzo.fe import ensemble as fe_ens
from llzo.fe.sensitivity import sensitivity_table
from llzo.figures import fe as fig
from llzo.figures.notebook import start_notebook

run = start_notebook("fig4_fe", outputs, results_dir)
members = fe_ens.read_index(members_path)
table, peaks = fe_ens.member_table(members), fe_ens.grain_peak_table(members)
design = fe_ens.design_table(fe_ens.read_index(design_path))
sens = sensitivity_table(fe_ens.read_index(sensitivity_path, allow_empty=True))
iface = fe_ens.read_index(interface_path, allow_empty=True)
tables = {"fe_ensemble": table, "fe_grain_peaks": peaks, "fe_design_map": design, "fe_hotspot_sensitivity": sens,
          "fe_interface_map": fe_ens.design_table(iface), "fe_interface_hotspot": fe_ens.interface_hotspot_table(iface)}
for name, t in tables.items():
    run.table(t, f"{name}.csv")
ds, a = members[0], members[0].attrs  # the member drawn in the field panels
claims = fe_ens.fe_claims(table, a["param_hl_thickness_m"] * 1e6, homogenized_tolerance_pct, a["hotspot_window_um"],
                          a["hotspot_min_contact_um"])
table[["seed", "hotspot_ratio", "hotspot_n_grains", "hotspot_max_over_mean", "hl_homogenized_um"]]

# %% [markdown]
# ## S6, S7, S15 geometry and grid; 4a, 4b fields; 4c, 4d current lines (schematics in the paper); 4e hottest junction

# %%
for panel, f in fig.member_panels(ds).items():
    run.save(f, panel)

# %% [markdown]
# ## 4f: the plating interface. `fe_hotspot_ratio` follows the paper's sentence ("the maximum current
# density within certain grains is over ten times larger than the others"): per grain touching the Li,
# its peak; the largest peak over the median peak. Max/mean is context (the paper states no value).

# %%
f, ax = plt.subplots(figsize=(7, 3.6))
fig.interface_profile(ax, ds, peaks[peaks.seed == a["seed"]])
ax.set_title(f"Seed {a['seed']}; {a['hotspot_window_um']:g} um running means; "
             f"ensemble median ratio {claims[0].reproduced:.1f}")
run.save(f, "4f")

# %% [markdown]
# ## 4g: max/mean in the HL vs distance from the HL|LLZO interface; `fe_hl_homogenized_um` is where it
# first falls within `homogenized_tolerance_pct`. Then the design map (HL thickness needed vs conductivity).

# %%
f, ax = plt.subplots(figsize=(6, 4))
fig.hl_profiles(ax, ds.hl_distance_um.values, [m.hl_jmax_A_cm2.values / m.hl_jmean_A_cm2.values for m in members],
                homogenized_tolerance_pct)
run.save(f, "4g")
f, ax = plt.subplots(figsize=(5.5, 4))
fig.design_curve(ax, design)
ax.set_title(f"Within {homogenized_tolerance_pct:g} % (grains {a['param_sigma_grain_S_m'] / 100:g} S/cm, "
             f"boundaries {a['param_sigma_gb_S_m'] / 100:g} S/cm)")
run.save(f, "4-design")

# %% [markdown]
# ## Context: the hot-spot ratios with one unstated input varied at a time (`fe.sensitivity`)

# %%
if len(sens):
    f, axs = plt.subplots(2, sens.factor.nunique(), figsize=(3.2 * sens.factor.nunique(), 6), squeeze=False,
                          sharey="row", layout="constrained")
    fig.sensitivity(axs, sens, a["hotspot_window_um"])
    f.suptitle(f"Median and range over {sens.seed.nunique()} seeds")
    run.save(f, "4-sensitivity")
sens.groupby(["factor", "value"])[["hotspot_ratio", "hotspot_max_over_mean"]].median()

# %% [markdown]
# ## Beyond the paper: interface resistance R_int of the Li contacts (Robin condition) x HL conductivity.
# The R_int axis holds the config's values plus this dataset's impedance results (Fig. 5e), where present.

# %%
if iface:
    f, axs = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    names = {"eis_r_int_none_ohm_cm2": "bare Li|LLZO", "eis_r_int_hl_ohm_cm2": "with HL"}
    eis = {names[k]: v for k, v in iface[0].attrs.items() if k in names}
    fig.interface_hotspots(axs[0], tables["fe_interface_hotspot"], eis)
    fig.interface_design(axs[1], tables["fe_interface_map"])
    run.save(f, "4-interface")
tables["fe_interface_hotspot"]

# %%
run.claims(claims)
