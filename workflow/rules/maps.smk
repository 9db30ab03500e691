# Stage: AFM map notebooks (Fig. 2a,b and 3a-j). Ingest: INGEST_OUTPUTS["maps"] in ingest.smk.
_MAPS_IN = {"maps_meta": f"{INTERIM}/maps_meta.parquet", "maps": f"{INTERIM}/maps"}
_MAPS_CFG = config["analysis"]["maps"]

notebook(
    "fig3_maps",
    inputs=_MAPS_IN,
    params={k: _MAPS_CFG[k] for k in ("gb_band_nm", "gi_min_distance_nm", "groove_sigma_nm", "min_grain_area_nm2",
                                      "profile_max_nm", "profile_lines")},
    sheets=["maps"],
    category="Fig. 3 modulus and KPFM maps",
    tables=["fig3_profiles.csv"],
)

notebook(
    "fig2ab_maps",
    inputs=_MAPS_IN,
    params={k: _MAPS_CFG[k] for k in ("bump_min_height_nm", "bump_min_area_nm2")},
    sheets=["maps"],
    category="Fig. 2 morphology and current maps",
    tables=["fig2ab_bumps.csv"],
)
