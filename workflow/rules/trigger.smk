# Stage: trigger-bias notebooks (Fig. 1e, 2c-f, 5c, S5, S11b).
# Both notebooks analyse the trigger sweeps themselves (llzo.analysis.trigger, cheap); a change of
# an analysis.trigger value a notebook uses reruns it, nothing else.

_TRIGGER = config["analysis"]["trigger"]
_DETECT = {k: v for k, v in _TRIGGER.items() if k != "distance_bin_edges_nm"}  # everything but the Fig. 2e bins

notebook(
    "fig2_trigger",
    # E* of the Eq. 1 contact area (current density at trigger): the maps' modulus, else the config
    optional_inputs={"modulus_claims": f"{RESULTS}/claims/fig3_maps.json"},
    params={"trigger": _TRIGGER,
            "contact": {"effective_modulus_GPa": config["analysis"]["contact"]["effective_modulus_GPa"]}},
    sheets=["sweeps"],
    category="Fig. 2 trigger bias",
    tables=["trigger_sweeps.csv", "trigger_distance_bins.csv"],
)

notebook(
    "fig5c_hl_trigger",
    params={"trigger": _DETECT},
    sheets=["sweeps"],
    category="Fig. 5 homogenizing layer",
    tables=["trigger_hl_vs_llzo.csv"],
)
