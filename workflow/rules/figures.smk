# Figure notebooks, one notebook() call each (see common.smk). Science stages add theirs in
# their own rules file; this one holds Eq. 1, the Hertz contact area.

notebook(
    "eq1_contact_area",
    optional_inputs={"modulus_claims": f"{RESULTS}/claims/fig3_maps.json"},
    params={"contact": config["analysis"]["contact"]},
    sheets=["sweeps"],
    category="Eq. 1 contact area",
    tables=["contact_area.csv"],
)
