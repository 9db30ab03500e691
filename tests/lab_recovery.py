"""Recover every claim of a lab dataset with the library analyses, and compare with its truth.

Used by ``tests/lab/test_validation.py``; also a script that prints the truth-vs-recovered table::

    PYTHONPATH=workflow:tests python tests/lab_recovery.py demo demo_hard

The recovery applies the analyses to the raw files exactly as the figure notebooks do (ingest,
then ``llzo.analysis`` calls with the config's ``analysis`` parameters, then each claim's
statistic); it never reads the truth. The truth comes from ``claims_truth.json`` at the same
definition parameters (:func:`llzo.lab.truth.truth_value`). ``TOLERANCES`` states, per claim,
how close a recovered value must be and why.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
import yaml

from llzo.analysis import maps as am
from llzo.analysis.ccd import critical_current_density
from llzo.analysis.contact import hertz_contact_area_m2
from llzo.analysis.cycling import full_cell_cycles, retention_pct, symmetric_cycling
from llzo.analysis.eis import fit_symmetric_cell
from llzo.analysis.memristor import MemristorParams, memristor_claim_values, memristor_cycles
from llzo.analysis.trigger import analyse_sweeps, site_medians
from llzo.lab.demo import make_dataset
from llzo.lab.presets import resolve
from llzo.lab.truth import truth_value
from llzo.pipeline import ingest_echem, ingest_maps, ingest_sweeps

REPO = Path(__file__).resolve().parents[1]

#: Per claim: (kind, tolerance, reason). kind ``abs``: |recovered - true| <= tol (claim unit);
#: ``rel``: |recovered / true - 1| <= tol; ``range``: recovered - true within (lo, hi), for a
#: stated one-sided bias the analysis cannot remove; ``lower_bound``: the instrument cannot
#: resolve the true value (truth ``measurable: false``): recovered <= true and within a factor
#: ``tol`` of the truth's ``limit``. The bound (``lt``/``gt``/none) must always agree.
TOLERANCES = {
    "contact_area_nm2": ("rel", 0.03, "E* is the recovered GI modulus: A ~ E^(-2/3), 1 % in E is 0.7 % in A"),
    "trigger_bias_gb_V": ("rel", 0.04, "detection at the first sample past the nucleation bias: one log step "
                                       "(1.5 % demo, 3 % hard) plus the KM step between neighbouring sweeps"),
    "trigger_bias_gi_V": ("rel", 0.04, "as GB; a bound must equal the window"),
    "trigger_bias_hl_V": ("rel", 0.04, "as GB"),
    "trigger_ratio_gi_over_gb": ("rel", 0.08, "ratio of two medians within 4 % each"),
    "modulus_gi_GPa": ("abs", 2.0, "GI pixels are far from every artefact; noise of the pooled median < 0.1 GPa"),
    "modulus_gb_GPa": ("range", (-8.0, 2.0), "stated bias: DMT crosstalk on the groove walls only lowers the modulus "
                                             "in the band (~2 GPa on demo, ~5 GPa with demo_hard's deep grooves "
                                             "under a blunt tip); +-2 GPa for noise and boundary position"),
    "modulus_drop_max_pct": ("range", (-3.0, 10.0), "stated bias: the same crosstalk deepens the profile minimum "
                                                    "(+8 points on demo_hard); blur makes it shallower"),
    "kpfm_gb_minus_gi_mV": ("abs", 2.0, "KPFM resolution (averages the dip) and height crosstalk (deepens it): "
                                        "stated residual bias"),
    "r_int_none_ohm_cm2": ("rel", 0.10, "equivalent-circuit fit of a noisy spectrum, median over cells"),
    "r_int_au_ohm_cm2": ("rel", 0.10, "as above"),
    "r_int_hl_ohm_cm2": ("rel", 0.10, "as above"),
    "r_int_hl_cycled_ohm_cm2": ("rel", 0.10, "as above"),
    "ccd_none_mA_cm2": ("abs", 1e-3, "steps are programmed: the short's step must be found exactly (a step is "
                                     ">= 0.05 mA cm-2; 1e-3 covers the current's digits)"),
    "ccd_au_mA_cm2": ("abs", 1e-3, "as above"),
    "ccd_hl_mA_cm2": ("abs", 1e-3, "as above"),
    "sym_hl_hours_stable": ("abs", 0.1, "no short: the log's length from the first current sample"),
    "sym_none_hours_to_short": ("abs", 0.05, "the short is seen at the next record (dt <= 30 s) and the analysis "
                                             "counts from the first current record"),
    "sym_au_hours_to_short": ("abs", 0.05, "as above"),
    "full_lfp_cycles": ("abs", 0.0, "complete cycles are counted"),
    "full_ncm523_cycles": ("abs", 0.0, "as above"),
    "full_lfp_retention_pct": ("abs", 0.3, "capacities integrate a programmed current: exact up to the file's digits"),
    "full_ncm523_retention_pct": ("abs", 0.3, "as above"),
    "memristor_tip_on_off": ("lower_bound", 5.0, "the tip's HRS is below the instrument floor"),
    "memristor_tip_set_V": ("abs", 0.015, "set detected at the sample of the switch (7 mV steps); kinetic scatter"),
    "memristor_pad_on_off": ("rel", 0.25, "maximum over few cycles of a ratio of noisy currents near 1"),
    "memristor_pad_resets": ("abs", 0.0, "counted cycles"),
}


def lab_config(name: str) -> tuple[dict, dict, int]:
    """The whole config, the lab section and seed of lab dataset ``name``."""
    config = yaml.safe_load((REPO / "workflow/config/config.yaml").read_text(encoding="utf-8"))
    lab, seed = resolve(config["lab"], config["lab_seed"], name, REPO)
    return config, lab, seed


def definition_parameters(config: dict) -> dict:
    """The analysis parameters the claim definitions use (to read the truth at them)."""
    a = config["analysis"]
    return {"gb_band_nm": a["maps"]["gb_band_nm"], "gi_min_distance_nm": a["maps"]["gi_min_distance_nm"],
            "read_bias_V": a["memristor"]["read_bias_V"], "forming_cycles": a["memristor"]["forming_cycles"],
            "retention_reference_cycle": a["echem"]["retention_reference_cycle"],
            "reset_return_factor": a["memristor"]["reset_return_factor"]}


def _by_group(values: list[tuple[str, float, str | None]]) -> dict[str, tuple[float, str | None]]:
    """Median per key of (key, value, bound) with the bound kept when all agree."""
    out: dict[str, tuple[float, str | None]] = {}
    for key in sorted({k for k, _, _ in values}):
        v = [x for k, x, _ in values if k == key]
        b = {bb for k, _, bb in values if k == key}
        out[key] = (float(np.median(v)), b.pop() if len(b) == 1 else None)
    return out


def recover(raw: Path, interim: Path, config: dict) -> dict[str, tuple[float, str | None]]:
    """Every claim recovered from the raw files of a dataset: ``{claim_id: (value, bound)}``."""
    a = config["analysis"]
    out: dict[str, tuple[float, str | None]] = {}
    # maps (first: E* of Eq. 1 is the recovered GI modulus)
    m = a["maps"]
    ingest_maps.ingest(raw, interim)
    meta = pd.read_parquet(interim / "maps_meta.parquet")
    pairs: dict[str, list] = {"modulus": [], "kpfm": []}
    px: dict[str, float] = {}
    for row in meta.itertuples():
        if row.kind not in pairs:
            continue
        with xr.open_dataset(interim / "maps" / Path(row.nc_file).name, engine="scipy") as ds:
            ds = ds.load()
        dx, dy = ds.attrs["pixel_size_x_m"], ds.attrs["pixel_size_y_m"]
        mask = ds["boundary_mask"].values.astype(bool) if "boundary_mask" in ds else None
        r = am.prepare_map(ds["height_m"].values, dx, dy, groove_sigma_nm=m["groove_sigma_nm"],
                           min_grain_area_nm2=m["min_grain_area_nm2"], mask=mask)
        if row.kind == "modulus":
            v = ds["modulus_Pa"].values * 1e-9
        else:
            v = am.align_rows(ds["potential_V"].values * 1e3, exclude=r["distance_nm"] <= m["gi_min_distance_nm"])
        pairs[row.kind].append((v, r["distance_nm"]))
        px[row.kind] = max(px.get(row.kind, 0.0), max(dx, dy) * 1e9)
    if pairs["modulus"]:
        st = am.gb_gi_summary(pairs["modulus"], m["gb_band_nm"], m["gi_min_distance_nm"])
        prof = am.pooled_profile(pairs["modulus"], px["modulus"], m["profile_max_nm"])
        ok = prof[prof["n"] >= 20]
        out["modulus_gi_GPa"] = (st["gi_median"], None)
        out["modulus_gb_GPa"] = (st["gb_median"], None)
        out["modulus_drop_max_pct"] = (100.0 * (1.0 - ok["mean"].min() / st["gi_median"]), None)
    if pairs["kpfm"]:
        st = am.gb_gi_summary(pairs["kpfm"], m["gb_band_nm"], m["gi_min_distance_nm"])
        out["kpfm_gb_minus_gi_mV"] = (st["gb_median"] - st["gi_median"], None)
    # sweeps: Eq. 1, trigger, memristor
    ingest_sweeps.ingest(raw, interim)
    meta = pd.read_parquet(interim / "sweeps_meta.parquet")
    data = pd.read_parquet(interim / "sweeps.parquet")
    tips = meta[meta["electrode"] == "tip"]
    E = out.get("modulus_gi_GPa", (a["contact"]["effective_modulus_GPa"], None))[0]
    out["contact_area_nm2"] = (hertz_contact_area_m2(float(np.median(tips["tip_radius_nm"])) * 1e-9,
                                                     float(np.median(tips["tip_force_nN"])) * 1e-9, E * 1e9) * 1e18,
                               None)
    t = a["trigger"]
    table = analyse_sweeps(meta, data, rise_decades=t["trigger_rise_decades"],
                           baseline_window=t["baseline_window_samples"], min_baseline_samples=t["min_baseline_samples"],
                           min_persist_samples=t["min_persist_samples"])
    med = site_medians(table, electrode="tip")
    for site, cm in med.items():
        out[f"trigger_bias_{site.lower()}_V"] = (cm.median_V, cm.bound)
    if "GB" in med and "GI" in med:
        out["trigger_ratio_gi_over_gb"] = (med["GI"].median_V / med["GB"].median_V,
                                           "gt" if med["GI"].bound == "lt" else None)
    params = MemristorParams.from_config(a["memristor"])
    for cid, cv in memristor_claim_values(memristor_cycles(meta, data, params), params).items():
        if np.isfinite(cv.value):
            out[cid] = (cv.value, None)
    # electrochemistry
    e = a["echem"]
    ingest_echem.ingest(raw, interim)
    meta = pd.read_parquet(interim / "echem_meta.parquet")
    eis = pd.read_parquet(interim / "echem_eis.parquet")
    cyc = pd.read_parquet(interim / "echem_cycling.parquet")
    r_int, ccd, sym = [], [], []
    short = {"short_voltage_fraction": e["short_voltage_fraction"], "short_min_points": e["short_min_points"]}
    for r in meta.itertuples(index=False):
        if r.technique == "PEIS":
            d = eis[eis["run_id"] == r.run_id]
            Z = d["re_Z_ohm"].to_numpy() - 1j * d["minus_im_Z_ohm"].to_numpy()
            fit = fit_symmetric_cell(d["freq_Hz"].to_numpy(), Z, r.area_cm2, circuit=e["circuit"],
                                     f_max_Hz=e["fit_f_max_Hz"])
            r_int.append((f"{r.interlayer}/{r.state}", fit.R_int_ohm_cm2, None))
            continue
        d = cyc[cyc["run_id"] == r.run_id]
        args = (d["time_s"].to_numpy(), d["Ewe_V"].to_numpy(), d["I_mA"].to_numpy())
        if r.technique == "CCD":
            res = critical_current_density(*args, r.area_cm2, **short)
            ccd.append((r.interlayer, res.ccd_mA_cm2, res.bound))
        elif r.technique == "SYM":
            res = symmetric_cycling(*args, r.area_cm2, **short)
            sym.append((r.interlayer, res.hours, res.bound))
        elif r.technique == "FULL":
            c = full_cell_cycles(*args, r.active_mass_mg, coulombic_efficiency=e["coulombic_efficiency"],
                                 cutoff_tolerance_V=e["cutoff_tolerance_V"])
            key = str(r.cathode).lower()
            out[f"full_{key}_cycles"] = (float(len(c)), None)
            out[f"full_{key}_retention_pct"] = (retention_pct(c, e["retention_reference_cycle"]), None)
    names = {"none/pristine": "r_int_none_ohm_cm2", "Au/pristine": "r_int_au_ohm_cm2",
             "HL/pristine": "r_int_hl_ohm_cm2", "HL/cycled": "r_int_hl_cycled_ohm_cm2"}
    for k, v in _by_group(r_int).items():
        out[names[k]] = v
    for k, v in _by_group(ccd).items():
        out[f"ccd_{k.lower()}_mA_cm2"] = v
    sym_names = {"HL": "sym_hl_hours_stable", "none": "sym_none_hours_to_short", "Au": "sym_au_hours_to_short"}
    for k, v in _by_group(sym).items():
        out[sym_names[k]] = v
    return out


def compare(recovered: dict, truth: dict, params: dict) -> pd.DataFrame:
    """One row per claim of the truth: true and recovered value and bound, error, tolerance, verdict."""
    rows = []
    for cid, entry in truth["claims"].items():
        kind, tol, why = TOLERANCES[cid]
        tv = truth_value(entry, **params)
        rv, rb = recovered.get(cid, (float("nan"), None))
        if kind == "lower_bound":
            lim = truth_value(entry["limit"], **params)
            ok = bool(rv <= tv and lim / tol <= rv <= lim * tol)
            err = rv / lim
        elif kind == "range":
            err = rv - tv
            ok = bool(tol[0] <= err <= tol[1]) and rb == entry["bound"]
        else:
            err = (rv - tv) if kind == "abs" else (rv / tv - 1.0 if tv else np.inf)
            ok = bool(abs(err) <= tol + 1e-12) and rb == entry["bound"]
        rows.append({"claim_id": cid, "true": tv, "true_bound": entry["bound"] or "", "recovered": rv,
                     "recovered_bound": rb or "", "error": err, "kind": kind, "tolerance": tol, "ok": ok,
                     "why": why})
    return pd.DataFrame(rows)


def validate_dataset(name: str, tmp: Path, seed: int | None = None) -> pd.DataFrame:
    """Write lab dataset ``name`` in ``tmp`` (optionally with another seed), recover every claim, compare."""
    config, lab, seed0 = lab_config(name)
    seed = seed0 if seed is None else seed
    raw, truth_dir, interim = tmp / "raw" / name, tmp / "truth" / name, tmp / "interim" / name
    make_dataset(raw, truth_dir, lab, seed)
    interim.mkdir(parents=True, exist_ok=True)
    truth = json.loads((truth_dir / "claims_truth.json").read_text(encoding="utf-8"))
    return compare(recover(raw, interim, config), truth, definition_parameters(config))


if __name__ == "__main__":
    pd.set_option("display.width", 200)
    for arg in sys.argv[1:] or ["demo"]:
        ds, _, s = arg.partition(":")  # name or name:seed
        with tempfile.TemporaryDirectory() as d:
            table = validate_dataset(ds, Path(d), int(s) if s else None)
        print(f"\n== {arg}")
        print(table.drop(columns="why").to_string(index=False, float_format=lambda x: f"{x:.4g}"))
