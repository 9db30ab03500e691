# Figure notebooks, one notebook() call each (see common.smk). Science stages add theirs in
# their own rules file; this one holds the pilot: Eq. 1, the Hertz contact area.

notebook(
    "eq1_contact_area",
    inputs={"sweeps_meta": f"{INTERIM}/sweeps_meta.parquet"},
    optional_inputs={"modulus_claims": f"{RESULTS}/claims/fig3_maps.json"},
    params={
        k: config["analysis"]["contact"][k]
        for k in ("effective_modulus_GPa", "plot_force_max_nN", "plot_tip_radii_nm")
    },
    sheets=["sweeps"],
    category="Eq. 1 contact area",
    tables=["contact_area.csv"],
)
