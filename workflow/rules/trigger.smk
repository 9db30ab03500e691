# Stage: trigger-bias notebooks (Fig. 1e, 2c-f, 5c, S5, S11b), issue 4.
# Both notebooks analyse the trigger sweeps themselves (llzo.analysis.trigger, cheap); a change of
# any analysis.trigger value reruns them, nothing else.

_TRIGGER = config["analysis"]["trigger"]
_TRIGGER_PARAMS = {
    "trigger_rise_decades": _TRIGGER["trigger_rise_decades"],
    "baseline_window_samples": _TRIGGER["baseline_window_samples"],
    "min_baseline_samples": _TRIGGER["min_baseline_samples"],
    "min_persist_samples": _TRIGGER["min_persist_samples"],
    "bootstrap_n": _TRIGGER["bootstrap_n"],
    "bootstrap_seed": _TRIGGER["bootstrap_seed"],
}

notebook(
    "fig2_trigger",
    inputs={"sweeps_meta": f"{INTERIM}/sweeps_meta.parquet", "sweeps": f"{INTERIM}/sweeps.parquet"},
    # E* of the Eq. 1 contact area (current density at trigger): the maps' modulus, else the config
    optional_inputs={"modulus_claims": f"{RESULTS}/claims/fig3_maps.json"},
    params={
        **_TRIGGER_PARAMS,
        "distance_bin_edges_nm": _TRIGGER["distance_bin_edges_nm"],
        "effective_modulus_GPa": config["analysis"]["contact"]["effective_modulus_GPa"],
    },
    sheets=["sweeps"],
    category="Fig. 2 trigger bias",
    tables=["trigger_sweeps.csv", "trigger_distance_bins.csv"],
)

notebook(
    "fig5c_hl_trigger",
    inputs={"sweeps_meta": f"{INTERIM}/sweeps_meta.parquet", "sweeps": f"{INTERIM}/sweeps.parquet"},
    params=_TRIGGER_PARAMS,
    sheets=["sweeps"],
    category="Fig. 5 homogenizing layer",
    tables=["trigger_hl_vs_llzo.csv"],
)
