# Stage: electrochemistry notebooks (Fig. 5d-h, S12), from BioLogic EC-Lab files (echem.tsv).
_EC = config["analysis"]["echem"]
_SHORT = {"echem": {k: _EC[k] for k in ("short_voltage_fraction", "short_min_points")}}
_CCD = {"echem": {k: _EC[k] for k in ("short_voltage_fraction", "short_min_points", "ccd_step_rel_tol")}}

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
    params=_CCD,
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
    params={"echem": {k: _EC[k] for k in ("coulombic_efficiency", "retention_reference_cycle", "cutoff_tolerance_V",
                                          "capacity_check_rel_tol")}},
    sheets=["echem"],
    category="Fig. 5 electrochemistry",
    tables=["full_cycles.csv"],
)
