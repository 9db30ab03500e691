# Stage: electrochemistry notebooks (Fig. 5d-h, S12), from BioLogic EC-Lab files (echem.tsv).
_EC = config["analysis"]["echem"]
_SHORT = {"short_voltage_fraction": _EC["short_voltage_fraction"], "short_min_points": _EC["short_min_points"]}

notebook(
    "fig5de_eis",
    inputs={"echem_meta": f"{INTERIM}/echem_meta.parquet", "echem_eis": f"{INTERIM}/echem_eis.parquet"},
    params={"eis": config["analysis"]["eis"]},  # the whole block: EISParams.from_config in the notebook
    sheets=["echem"],
    category="Fig. 5 electrochemistry",
    tables=["eis_fits.csv", "eis_arcs.csv", "eis_cells.csv"],
)

notebook(
    "fig5f_ccd",
    inputs={"echem_meta": f"{INTERIM}/echem_meta.parquet", "echem_cycling": f"{INTERIM}/echem_cycling.parquet"},
    params=_SHORT,
    sheets=["echem"],
    category="Fig. 5 electrochemistry",
    tables=["ccd_steps.csv"],
)

notebook(
    "fig5g_sym",
    inputs={"echem_meta": f"{INTERIM}/echem_meta.parquet", "echem_cycling": f"{INTERIM}/echem_cycling.parquet"},
    params=_SHORT,
    sheets=["echem"],
    category="Fig. 5 electrochemistry",
    tables=["sym_half_cycles.csv"],
)

notebook(
    "fig5h_full",
    inputs={"echem_meta": f"{INTERIM}/echem_meta.parquet", "echem_cycling": f"{INTERIM}/echem_cycling.parquet"},
    params={"coulombic_efficiency": _EC["coulombic_efficiency"],
            "retention_reference_cycle": _EC["retention_reference_cycle"],
            "cutoff_tolerance_V": _EC["cutoff_tolerance_V"]},
    sheets=["echem"],
    category="Fig. 5 electrochemistry",
    tables=["full_cycles.csv"],
)
