# Stage: memristor notebooks (Fig. 6e-i), issue 8.

notebook(
    "fig6_memristor",
    inputs={"sweeps_meta": f"{INTERIM}/sweeps_meta.parquet", "sweeps": f"{INTERIM}/sweeps.parquet"},
    params={k: config["analysis"]["memristor"][k] for k in (
        "read_bias_V", "forming_cycles", "switch_factor", "baseline_samples", "min_switch_bias_V",
        "endurance_on_off_min", "reset_return_factor")},
    sheets=["sweeps"],
    category="Fig. 6 memristor",
    tables=["memristor_cycles.csv", "memristor_devices.csv"],
)
