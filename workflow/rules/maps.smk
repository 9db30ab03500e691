# Stage: AFM map notebooks (Fig. 2a,b and 3a-j). Each gets the keys of analysis.maps its analysis
# reads (llzo.analysis.maps.MapsParams, BumpParams), so a bump parameter does not rerun Fig. 3.
_MAPS_CFG = config["analysis"]["maps"]
_FIG3_KEYS = ("gb_band_nm", "gi_min_distance_nm", "groove_sd_nm", "min_grain_area_nm2", "profile_max_nm",
              "profile_lines")

notebook(
    "fig3_maps",
    params={"maps": {k: _MAPS_CFG[k] for k in _FIG3_KEYS}},
    sheets=["maps"],
    category="Fig. 3 modulus and KPFM maps",
    tables=["fig3_profiles.csv", "fig3_modulus_lines.csv"],
)

notebook(
    "fig2ab_maps",
    params={"maps": {k: _MAPS_CFG[k] for k in ("bump_min_height_nm", "bump_min_area_nm2")}},
    sheets=["maps"],
    category="Fig. 2 morphology and current maps",
    tables=["fig2ab_bumps.csv"],
)
