"""The robustness of every claim to its analysis choices: the registry and the jobs of the study.

Every claim rests on analysis parameters the paper does not fix (detection thresholds, band
widths, tolerances, windows). The study varies each of them **one at a time** over the plausible
range that the config schema documents for it (``x-plausible: {values: [...], why: "..."}`` next
to the key in ``workflow/schemas/config.schema.yaml``; the configured value is one of the values),
all other parameters at their configured values, and recomputes the claims through the same
library functions the notebooks call. ``docs/claims.md`` ("robustness") defines the result.

The registry (:data:`STUDIES`)
------------------------------
One :class:`Study` per analysis declares, once: the config block it varies and the keys it reads
(a change of another key does not rerun it), the interim sheets and pipeline results it loads,
how it loads them (once per job), how it computes its claims from them, and, per varied
parameter, the claims that parameter can change. Every job checks the last declaration: a claim
the registry says a parameter does not change must come out identical for every value, else the
job fails naming the claim.

Jobs (``workflow/rules/robustness.smk``)
----------------------------------------
* ``robustness_vary``, one per (study, parameter): :func:`run_job` writes
  ``results/<dataset>/robustness/<study>__<parameter>.csv`` (:data:`JOB_COLUMNS`);
* ``robustness_eis_fits``: the fit stage of every impedance spectrum with the configured fit
  parameters (:func:`write_eis_fits`), shared by the EIS jobs, whose parameters only interpret the
  fits (:data:`llzo.analysis.eis.INTERPRETATION_PARAMETERS`); the EIS parameters that change the
  fits are varied only when ``robustness.eis_refit`` is true (each value refits every spectrum);
* ``robustness``: :func:`write_robustness` collects the tables into
  ``results/<dataset>/tables/robustness.csv`` and ``robustness_summary.csv`` and draws the figure
  ``figures/robustness/figrobustness.png|pdf``; the scorecard fills its ``robustness`` column from
  the table (:func:`llzo.pipeline.scorecard.fill_robustness`).

Values that only change intervals (bootstrap resamples) or plots (bins, plot ranges, profile lines)
are not varied; the FE read-out is re-read from the stored members (:mod:`llzo.fe.readout`).
"""

from __future__ import annotations

import math
import os
import pickle
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from llzo import interim
from llzo.atomic import atomic_path, write_text
from llzo.claims import Claim, claim_value
from llzo.pipeline.paper_claims import PaperClaim, load_paper_claims

#: The llzo modules every job runs (this module's own imports); a study adds its ``modules``.
COMMON_MODULES = ("llzo.interim", "llzo.atomic", "llzo.claims", "llzo.pipeline.paper_claims")
#: Columns of a job's table (one row per claim and value of the varied parameter).
JOB_COLUMNS = ["claim_id", "analysis", "parameter", "value", "configured", "reproduced", "bound", "status"]
#: Columns of the summary (one row per claim and varied parameter).
SUMMARY_COLUMNS = ["claim_id", "analysis", "parameter", "configured_value", "reproduced", "status", "min", "max",
                   "n_not_computed", "max_rel_change_pct", "flips_at", "verdict"]
#: The schema keyword that documents a parameter's plausible values.
PLAUSIBLE = "x-plausible"


@dataclass(frozen=True)
class Study:
    """The robustness study of one analysis (an entry of :data:`STUDIES`).

    Attributes
    ----------
    name
        Study name (file names, the ``analysis`` column).
    block
        Config block whose keys are varied, as a dotted path (``"analysis.trigger"``, ``"fe"``).
    reads
        ``{block: keys}``: every config key the claims read (the jobs' Snakemake params: a change
        of one reruns the job; a change of another key does not).
    parameters
        ``{varied key of block: claim ids it can change}``.
    load
        ``(interim_dir, results_dir, sheets) -> inputs``: read the data once per job.
    compute
        ``(inputs, config) -> claims``: the library's claim function(s); ``config`` is
        ``{block: {key: value}}`` as in ``reads``.
    claims
        Every claim ``compute`` can return, in order.
    sheets, optional_sheets
        Sample sheets it needs (the study is skipped without them) and uses when present.
    modules
        The llzo modules ``compute`` runs (their code is a job input: editing one reruns the study).
    results
        ``(sheets, config) -> paths``: pipeline results it reads, relative to ``results/<dataset>``.
    fixed
        Keys set to these values in every run (``{block: {key: value}}``): only keys that change no
        reproduced value or bound (e.g. bootstrap resamples, which only give the intervals).
    refit
        Parameters whose values need the study's expensive stage again (EIS fits); varied only
        when ``robustness.eis_refit`` is true.
    """

    name: str
    block: str
    reads: Mapping[str, tuple[str, ...]]
    parameters: Mapping[str, tuple[str, ...]]
    load: Callable[[Path, Path, frozenset[str]], Any]
    compute: Callable[[Any, Mapping[str, Mapping[str, Any]]], list[Claim]]
    claims: tuple[str, ...]
    sheets: tuple[str, ...] = ()
    optional_sheets: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    results: Callable[[frozenset[str], Mapping[str, Any]], list[str]] = lambda sheets, config: []
    fixed: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    refit: tuple[str, ...] = ()


def block_of(config: Mapping[str, Any], path: str) -> Mapping[str, Any]:
    """Return the config block at a dotted ``path`` (``"analysis.trigger"``)."""
    out = config
    for part in path.split("."):
        out = out[part]
    return out


def study_config(study: Study, config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{block: {key: value}}`` of the keys ``study`` reads, from the whole workflow config.

    Raises
    ------
    KeyError
        A key the study reads is missing (named with its block).
    """
    out = {}
    for path, keys in study.reads.items():
        block = block_of(config, path)
        missing = [k for k in keys if k not in block]
        if missing:
            raise KeyError(f"robustness study {study.name}: config block {path} lacks {missing}")
        out[path] = {k: block[k] for k in keys}
    return out


def _with_fixed(study: Study, cfg: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    return {path: {**block, **study.fixed.get(path, {})} for path, block in cfg.items()}


# ---------------------------------------------------------------------------------------------
# the analyses: loading and claims (library calls only)
# ---------------------------------------------------------------------------------------------
def _load_sweeps(protocol: str):
    def load(interim_dir: Path, results_dir: Path, sheets: frozenset[str]):
        return interim.load_sweeps(interim_dir, protocol=protocol)
    return load


def _trigger_claims(inputs, cfg) -> list[Claim]:
    from llzo.analysis.trigger import TriggerParams, hl_trigger_analysis, trigger_analysis

    meta, data = inputs
    p = TriggerParams.from_config(cfg["analysis.trigger"])
    # the Eq. 1 areas give only the current densities quoted in the notes: not computed here, so
    # those medians are of NaN (numpy warns "Mean of empty slice"; the values are not used)
    no_areas = pd.DataFrame({"sweep_id": pd.Series(dtype=str), "contact_area_nm2": pd.Series(dtype=float)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return trigger_analysis(meta, data, p, no_areas).claims + hl_trigger_analysis(meta, data, p).claims


def _load_contact(interim_dir: Path, results_dir: Path, sheets: frozenset[str]):
    meta = pd.read_parquet(Path(interim_dir) / interim.SWEEPS_META)
    modulus = claim_value(Path(results_dir) / MAPS_CLAIMS, "modulus_gi_GPa") if "maps" in sheets else None
    return meta, modulus


def _contact_claims(inputs, cfg) -> list[Claim]:
    from llzo.analysis.contact import ContactParams, contact_area

    meta, modulus = inputs
    return contact_area(meta, ContactParams.from_config(cfg["analysis.contact"]), modulus).claims


def _load_maps(interim_dir: Path, results_dir: Path, sheets: frozenset[str]):
    meta = pd.read_parquet(Path(interim_dir) / interim.SWEEPS_META) if "sweeps" in sheets else None
    return interim.load_maps(interim_dir, "modulus"), interim.load_maps(interim_dir, "kpfm"), meta


def _maps_claims(inputs, cfg) -> list[Claim]:
    """Fig. 3 claims, and Eq. 1 with E* = this run's grain-interior modulus (when the dataset has sweeps)."""
    from llzo.analysis.contact import ContactParams, contact_area
    from llzo.analysis.maps import MapsParams, maps_analysis

    modulus, kpfm, sweeps_meta = inputs
    claims = maps_analysis(modulus, kpfm, MapsParams.from_config(cfg["analysis.maps"])).claims
    e_gi = next((c.reproduced for c in claims if c.claim_id == "modulus_gi_GPa"), None)
    if sweeps_meta is not None and e_gi is not None:
        claims = claims + contact_area(sweeps_meta, ContactParams.from_config(cfg["analysis.contact"]), e_gi).claims
    return claims


def _load_echem(technique: str):
    def load(interim_dir: Path, results_dir: Path, sheets: frozenset[str]):
        return interim.load_echem(interim_dir, technique)
    return load


def _ccd_claims(inputs, cfg) -> list[Claim]:
    from llzo.analysis.ccd import CCDParams, analyse_ccd_runs, ccd_claims

    runs, data = inputs
    return ccd_claims(analyse_ccd_runs(runs, data, CCDParams.from_config(cfg["analysis.echem"]))[0])


def _sym_claims(inputs, cfg) -> list[Claim]:
    from llzo.analysis.cycling import SymParams, analyse_sym_runs, sym_claims

    runs, data = inputs
    return sym_claims(analyse_sym_runs(runs, data, SymParams.from_config(cfg["analysis.echem"]))[0])


def _full_claims(inputs, cfg) -> list[Claim]:
    from llzo.analysis.cycling import FullCellParams, analyse_full_runs, full_claims

    runs, data = inputs
    p = FullCellParams.from_config(cfg["analysis.echem"])
    return full_claims(analyse_full_runs(runs, data, p)[0], p)


def _memristor_claims(inputs, cfg) -> list[Claim]:
    from llzo.analysis.memristor import MemristorParams, memristor_analysis

    meta, data = inputs
    return memristor_analysis(meta, data, MemristorParams.from_config(cfg["analysis.memristor"])).claims


def _fe_results(sheets: frozenset[str], config: Mapping[str, Any]) -> list[str]:
    fe = config["fe"]
    seeds = range(fe["first_seed"], fe["first_seed"] + fe["n_seeds"])
    return [FE_MEMBERS, *(f"fe/member_seed{s}.nc" for s in seeds)]


def _load_fe(interim_dir: Path, results_dir: Path, sheets: frozenset[str]):
    from llzo.fe.ensemble import read_index

    return read_index(Path(results_dir) / FE_MEMBERS)


def _fe_claims(members, cfg) -> list[Claim]:
    from llzo.fe.readout import readout_claims

    c = cfg["fe"]
    return readout_claims(members, c["hotspot_window_um"], c["hotspot_min_contact_um"], c["homogenized_tolerance_pct"])


@dataclass
class EISInputs:
    """The echem runs and spectra, and the fit stage by fit key (filled as values need it)."""

    meta: pd.DataFrame
    spectra: pd.DataFrame
    fits: dict[tuple, dict]


def _load_eis(interim_dir: Path, results_dir: Path, sheets: frozenset[str]) -> EISInputs:
    meta = pd.read_parquet(Path(interim_dir) / interim.ECHEM_META)
    spectra = pd.read_parquet(Path(interim_dir) / interim.ECHEM_EIS)
    key, fits = read_eis_fits(Path(results_dir) / EIS_FITS)
    return EISInputs(meta, spectra, {key: fits})


def _eis_claims(inputs: EISInputs, cfg) -> list[Claim]:
    from llzo.analysis.eis import EISParams, eis_claims, fit_key, fit_runs, fits_table, interpret_runs

    p = EISParams.from_config(cfg["analysis.eis"])
    key = fit_key(p)
    if key not in inputs.fits:  # a parameter of the fit stage: refit every spectrum (costly)
        inputs.fits[key] = fit_runs(inputs.meta, inputs.spectra, p)
    return eis_claims(fits_table(inputs.meta, interpret_runs(inputs.fits[key], p)), p)


def write_eis_fits(interim_dir: str | Path, eis_block: Mapping[str, Any], out: str | Path) -> None:
    """Write the fit stage of every impedance run (configured parameters) for the EIS jobs.

    A pickle of ``(fit key, {run_id: SpectrumFit})`` (:func:`llzo.analysis.eis.fit_runs`): an
    intermediate of this study, read back only by :func:`read_eis_fits` in the same workflow.
    """
    from llzo.analysis.eis import EISParams, fit_key, fit_runs

    p = EISParams.from_config(dict(eis_block))
    meta = pd.read_parquet(Path(interim_dir) / interim.ECHEM_META)
    spectra = pd.read_parquet(Path(interim_dir) / interim.ECHEM_EIS)
    with atomic_path(out) as tmp:
        tmp.write_bytes(pickle.dumps((fit_key(p), fit_runs(meta, spectra, p)), protocol=5))


def read_eis_fits(path: str | Path) -> tuple[tuple, dict]:
    """Read :func:`write_eis_fits`'s file: the fit key and the fits by run id."""
    return pickle.loads(Path(path).read_bytes())  # this workflow's own intermediate, never a user's file


#: Claims JSON of the maps notebook (E* of Eq. 1) and the FE index, relative to results/<dataset>.
MAPS_CLAIMS = "claims/fig3_maps.json"
FE_MEMBERS = "fe/members.txt"
#: The EIS fit stage shared by the EIS jobs, relative to results/<dataset>.
EIS_FITS = "robustness/eis_fits.pkl"

_TRIGGER_CLAIMS = ("trigger_bias_gb_V", "trigger_bias_gi_V", "trigger_ratio_gi_over_gb", "trigger_bias_hl_V")
_MAPS_CLAIMS = ("modulus_gi_GPa", "modulus_gb_GPa", "modulus_drop_max_pct", "kpfm_gb_minus_gi_mV", "contact_area_nm2")
_R_INT = ("r_int_none_ohm_cm2", "r_int_au_ohm_cm2", "r_int_hl_ohm_cm2", "r_int_hl_cycled_ohm_cm2")
_CCD = ("ccd_none_mA_cm2", "ccd_au_mA_cm2", "ccd_hl_mA_cm2")
_SYM = ("sym_hl_hours_stable", "sym_none_hours_to_short", "sym_au_hours_to_short")
_FULL_CYCLES = ("full_lfp_cycles", "full_ncm523_cycles")
_FULL_RETENTION = ("full_lfp_retention_pct", "full_ncm523_retention_pct")
_MEM = ("memristor_tip_on_off", "memristor_tip_set_V", "memristor_pad_on_off", "memristor_pad_resets")
_FE = ("fe_hotspot_ratio", "fe_hotspot_max_over_mean", "fe_hl_homogenized_um")
_EIS_KEYS = ("fit_f_max_Hz", "fit_f_min_Hz", "min_points", "kk_mu_criterion", "kk_max_noise_pct", "drt_lambda",
             "drt_peak_prominence", "drt_tau_tolerance", "max_arcs", "n_starts", "information_criterion", "arc_min_n",
             "interface_c_min_F_cm2", "interface_c_max_F_cm2", "arc_tau_ratio_min", "max_r_rel_se", "max_fit_rel_rmse",
             "fit_seed")
_MAPS_KEYS = ("gb_band_nm", "gi_min_distance_nm", "groove_sd_nm", "min_grain_area_nm2", "profile_max_nm",
              "profile_lines")
_MEM_KEYS = ("read_bias_V", "forming_cycles", "switch_factor", "min_switch_bias_V", "baseline_samples",
             "endurance_on_off_min", "reset_return_factor")

#: The registry: one study per analysis, in the order of the figure's columns.
STUDIES: dict[str, Study] = {s.name: s for s in (
    Study("contact", "analysis.contact", {"analysis.contact": ("effective_modulus_GPa",)},
          # E* from the config only when the dataset has no modulus maps (docs/claims.md, Eq. 1)
          {"effective_modulus_GPa": ("contact_area_nm2",)},
          _load_contact, _contact_claims, ("contact_area_nm2",), sheets=("sweeps",), optional_sheets=("maps",),
          modules=("llzo.analysis.contact",),
          results=lambda sheets, config: [MAPS_CLAIMS] if "maps" in sheets else []),
    Study("trigger", "analysis.trigger",
          {"analysis.trigger": ("trigger_rise_decades", "baseline_window_samples", "min_baseline_samples",
                                "min_persist_samples")},
          {k: _TRIGGER_CLAIMS for k in ("trigger_rise_decades", "baseline_window_samples", "min_baseline_samples",
                                        "min_persist_samples")},
          _load_sweeps("trigger"), _trigger_claims, _TRIGGER_CLAIMS, sheets=("sweeps",),
          modules=("llzo.analysis.trigger",),
          # the bootstrap gives only the intervals; the medians and the ratio do not depend on it
          fixed={"analysis.trigger": {"bootstrap_resamples": 0, "bootstrap_seed": 0}}),
    Study("maps", "analysis.maps",
          {"analysis.maps": _MAPS_KEYS, "analysis.contact": ("effective_modulus_GPa",)},
          {"gb_band_nm": ("modulus_gb_GPa", "kpfm_gb_minus_gi_mV"),
           "gi_min_distance_nm": ("modulus_gi_GPa", "modulus_drop_max_pct", "kpfm_gb_minus_gi_mV", "contact_area_nm2"),
           "groove_sd_nm": _MAPS_CLAIMS, "min_grain_area_nm2": _MAPS_CLAIMS,
           "profile_max_nm": ("modulus_drop_max_pct",)},
          _load_maps, _maps_claims, _MAPS_CLAIMS, sheets=("maps",), optional_sheets=("sweeps",),
          modules=("llzo.analysis.maps", "llzo.analysis.contact")),
    Study("fe", "fe", {"fe": ("hotspot_window_um", "hotspot_min_contact_um", "homogenized_tolerance_pct")},
          {"hotspot_window_um": ("fe_hotspot_ratio", "fe_hotspot_max_over_mean"),
           "hotspot_min_contact_um": ("fe_hotspot_ratio",),
           "homogenized_tolerance_pct": ("fe_hl_homogenized_um",)},
          _load_fe, _fe_claims, _FE, modules=("llzo.fe.readout",), results=_fe_results),
    Study("eis", "analysis.eis", {"analysis.eis": _EIS_KEYS},
          {**{k: _R_INT for k in ("interface_c_min_F_cm2", "interface_c_max_F_cm2", "arc_tau_ratio_min",
                                  "drt_tau_tolerance", "max_r_rel_se", "max_fit_rel_rmse")},
           **{k: _R_INT for k in ("arc_min_n", "drt_peak_prominence", "drt_lambda", "max_arcs",
                                  "information_criterion")}},
          _load_eis, _eis_claims, _R_INT, sheets=("echem",), modules=("llzo.analysis.eis",),
          results=lambda sheets, config: [EIS_FITS],
          refit=("arc_min_n", "drt_peak_prominence", "drt_lambda", "max_arcs", "information_criterion")),
    Study("ccd", "analysis.echem",
          {"analysis.echem": ("short_voltage_fraction", "short_min_points", "ccd_step_rel_tol")},
          {k: _CCD for k in ("short_voltage_fraction", "short_min_points", "ccd_step_rel_tol")},
          _load_echem("CCD"), _ccd_claims, _CCD, sheets=("echem",), modules=("llzo.analysis.ccd",)),
    Study("sym", "analysis.echem", {"analysis.echem": ("short_voltage_fraction", "short_min_points")},
          {k: _SYM for k in ("short_voltage_fraction", "short_min_points")},
          _load_echem("SYM"), _sym_claims, _SYM, sheets=("echem",), modules=("llzo.analysis.cycling",)),
    Study("full", "analysis.echem",
          {"analysis.echem": ("coulombic_efficiency", "retention_reference_cycle", "cutoff_tolerance_V",
                              "capacity_check_rel_tol")},
          {"retention_reference_cycle": _FULL_RETENTION, "cutoff_tolerance_V": _FULL_CYCLES + _FULL_RETENTION},
          _load_echem("FULL"), _full_claims, _FULL_CYCLES + _FULL_RETENTION, sheets=("echem",),
          modules=("llzo.analysis.cycling",)),
    Study("memristor", "analysis.memristor", {"analysis.memristor": _MEM_KEYS},
          {"read_bias_V": ("memristor_tip_on_off", "memristor_pad_on_off", "memristor_pad_resets"),
           "forming_cycles": ("memristor_tip_on_off", "memristor_tip_set_V"),
           "switch_factor": _MEM, "baseline_samples": _MEM, "min_switch_bias_V": _MEM,
           "reset_return_factor": ("memristor_pad_resets",)},
          _load_sweeps("memristor"), _memristor_claims, _MEM, sheets=("sweeps",),
          modules=("llzo.analysis.memristor",)),
)}


# ---------------------------------------------------------------------------------------------
# plausible values (config schema) and the jobs of a dataset
# ---------------------------------------------------------------------------------------------
def load_schema(path: str | Path) -> dict:
    """Read the config schema (YAML)."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def schema_entry(schema: Mapping[str, Any], block: str, key: str) -> Mapping[str, Any] | None:
    """Return the schema of config key ``key`` of block ``block`` (dotted path), or None when it has none."""
    node: Any = schema
    for part in (*block.split("."), key):
        node = (node.get("properties") or {}).get(part) if isinstance(node, Mapping) else None
        if node is None:
            return None
    return node


def plausible(schema: Mapping[str, Any], block: str, key: str) -> dict[str, Any]:
    """Return the documented plausible values of a parameter: ``{"values": [...], "why": "..."}``.

    Raises
    ------
    KeyError
        The schema documents no plausible range (``x-plausible``) for ``block.key``.
    """
    entry = schema_entry(schema, block, key)
    if entry is None or PLAUSIBLE not in entry:
        raise KeyError(f"the config schema documents no {PLAUSIBLE} range for {block}.{key} "
                       f"(workflow/schemas/config.schema.yaml)")
    return dict(entry[PLAUSIBLE])


def enabled(config: Mapping[str, Any]) -> bool:
    """Return whether the study runs with this workflow config (``robustness.run``, default true).

    Without it the scorecard's ``robustness`` column reads ``not run``.
    """
    return bool((config.get("robustness") or {}).get("run", True))


def varied(study: Study, config: Mapping[str, Any]) -> list[str]:
    """Return the parameters of ``study`` varied with this config (``refit`` ones with ``robustness.eis_refit``)."""
    refit = bool((config.get("robustness") or {}).get("eis_refit", False))
    return [k for k in study.parameters if refit or k not in study.refit]


def jobs(config: Mapping[str, Any], sheets: set[str] | frozenset[str]) -> list[tuple[str, str]]:
    """``(study, parameter)`` of every job for a dataset with these sample sheets, in registry order."""
    return [(s.name, k) for s in STUDIES.values() if set(s.sheets) <= set(sheets) for k in varied(s, config)]


def job_sheets(study: Study, sheets: set[str] | frozenset[str]) -> list[str]:
    """Return the sample sheets a job of ``study`` reads on a dataset with ``sheets``."""
    return [x for x in (*study.sheets, *study.optional_sheets) if x in sheets]


def job_inputs(study: str, sheets: set[str] | frozenset[str], config: Mapping[str, Any], interim_dir: str | Path,
               results_dir: str | Path) -> dict[str, list[str]]:
    """Return the data inputs of a job of ``study`` (its rule's ``input``): interim files and pipeline results."""
    s = STUDIES[study]
    return {"data": interim.data_paths(interim_dir, job_sheets(s, sheets)),
            "results": [f"{results_dir}/{r}" for r in s.results(frozenset(sheets), config)]}


def job_spec(study: str, parameter: str, values: list, config: Mapping[str, Any], sheets: set[str] | frozenset[str],
             interim_dir: str | Path, results_dir: str | Path, paper_claims: str | Path, out: str | Path) -> dict:
    """Return the arguments of :func:`run_job` for one job (``config`` is the whole workflow config)."""
    s = STUDIES[study]
    return {"study": study, "parameter": parameter, "values": list(values), "config": study_config(s, config),
            "interim_dir": str(interim_dir), "results_dir": str(results_dir), "sheets": job_sheets(s, sheets),
            "paper_claims": str(paper_claims), "out": str(out)}


# ---------------------------------------------------------------------------------------------
# one job: one parameter over its plausible values
# ---------------------------------------------------------------------------------------------
def _missing(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=0.0)


def _same_claim(a: Claim | None, b: Claim | None) -> bool:
    va = None if a is None or _missing(a.reproduced) else float(a.reproduced)
    vb = None if b is None or _missing(b.reproduced) else float(b.reproduced)
    if (va is None) != (vb is None) or (a and a.bound) != (b and b.bound):
        return False
    return va is None or math.isclose(va, vb, rel_tol=1e-12, abs_tol=0.0)


def vary_parameter(study: Study, parameter: str, values: list, config: Mapping[str, Mapping[str, Any]], inputs: Any,
                   paper: Mapping[str, PaperClaim]) -> pd.DataFrame:
    """Recompute the claims of ``study`` with ``parameter`` set to each value, everything else as configured.

    Parameters
    ----------
    study, parameter
        The registry entry and one of its varied keys.
    values
        The plausible values; must include the configured one.
    config
        ``{block: {key: value}}`` (:func:`study_config`).
    inputs
        ``study.load(...)``, loaded once.
    paper
        ``load_paper_claims(...)``, for the status of each value.

    Returns
    -------
    pandas.DataFrame
        :data:`JOB_COLUMNS`: per claim the parameter declares (and the dataset gives) and per
        value, the reproduced value, its bound and its status (``missing`` when the claim could not
        be computed with that value).

    Raises
    ------
    ValueError
        The configured value is not among ``values``, or a claim the registry says ``parameter``
        does not change changed (the registry is wrong), or ``compute`` returned an unknown claim.
    """
    if parameter not in study.parameters:
        raise ValueError(f"study {study.name} does not vary {parameter!r} (it varies {sorted(study.parameters)})")
    cfg = _with_fixed(study, config)
    configured = cfg[study.block][parameter]
    if not any(_same_value(v, configured) for v in values):
        raise ValueError(f"{study.block}.{parameter}: the configured value {configured!r} is not among the "
                         f"plausible values {values}")

    def run(cfg_v) -> dict[str, Claim]:
        got = {c.claim_id: c for c in study.compute(inputs, cfg_v)}
        unknown = sorted(set(got) - set(study.claims))
        if unknown:
            raise ValueError(f"study {study.name} computed claims {unknown} it does not declare")
        return got

    base = run(cfg)
    declared = [c for c in study.parameters[parameter] if c in base]  # claims this dataset gives
    rows = []
    for v in values:
        same = _same_value(v, configured)
        got = base if same else run({**cfg, study.block: {**cfg[study.block], parameter: v}})
        changed = [c for c in base if c not in study.parameters[parameter] and not _same_claim(base[c], got.get(c))]
        if changed:
            raise ValueError(f"{study.block}.{parameter} = {v!r} changed {changed}, which the robustness registry "
                             f"says it does not change (llzo.pipeline.robustness.STUDIES[{study.name!r}])")
        for cid in declared:
            c = got.get(cid)
            rep = None if c is None or _missing(c.reproduced) else float(c.reproduced)
            bound = c.bound if c is not None and rep is not None else None
            rows.append({"claim_id": cid, "analysis": study.name, "parameter": parameter, "value": v,
                         "configured": same, "reproduced": float("nan") if rep is None else rep, "bound": bound,
                         "status": paper[cid].status(rep, bound)})
    return pd.DataFrame(rows, columns=JOB_COLUMNS)


def write_table(df: pd.DataFrame, out: str | Path) -> None:
    """Write a robustness table as CSV (12 significant digits; same bytes for the same values)."""
    write_text(df.to_csv(index=False, lineterminator="\n", float_format="%.12g"), out)


def run_job(study: str, parameter: str, values: list, config: Mapping[str, Mapping[str, Any]],
            interim_dir: str | Path, results_dir: str | Path, sheets: list[str], paper_claims: str | Path,
            out: str | Path) -> pd.DataFrame:
    """Run the job ``robustness_vary``: load the study's inputs once, vary one parameter, write its table."""
    s = STUDIES[study]
    inputs = s.load(Path(interim_dir), Path(results_dir), frozenset(sheets))
    table = vary_parameter(s, parameter, list(values), config, inputs, load_paper_claims(paper_claims))
    write_table(table, out)
    return table


# ---------------------------------------------------------------------------------------------
# collecting: the table, the summary, the figure
# ---------------------------------------------------------------------------------------------
def _order(study: str, parameter: str) -> tuple[int, int]:
    names = list(STUDIES)
    s = STUDIES.get(study)
    return (names.index(study) if s else len(names), list(s.parameters).index(parameter) if s else 0)


def collect(tables: list[str | Path]) -> pd.DataFrame:
    """Concatenate job tables (as text, values as written) in registry order."""
    frames = [pd.read_csv(t, dtype=str, keep_default_na=False) for t in tables]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=JOB_COLUMNS)
    frames.sort(key=lambda f: _order(f["analysis"].iloc[0], f["parameter"].iloc[0]))
    return pd.concat(frames, ignore_index=True)[JOB_COLUMNS]


def read_table(path: str | Path) -> pd.DataFrame:
    """Read ``tables/robustness.csv``: ``reproduced`` as float, ``bound`` None where empty, ``configured`` bool."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return typed(df)


def typed(df: pd.DataFrame) -> pd.DataFrame:
    """Return the collected (text) table with ``reproduced`` float, ``bound`` None where empty, ``configured`` bool."""
    out = df.copy()
    out["reproduced"] = out["reproduced"].map(lambda v: float(v) if v != "" else float("nan")).astype(float)
    out["bound"] = out["bound"].map(lambda b: b or None).astype(object)
    out["configured"] = out["configured"].astype(str) == "True"
    return out


def value_text(v: Any) -> str:
    """Write a parameter value as the tables do (12 significant digits; text as it is)."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool | int):
        return str(v)
    return f"{float(v):.12g}"


def summarize(table: pd.DataFrame, paper: Mapping[str, PaperClaim]) -> pd.DataFrame:
    """One row per claim and varied parameter (:data:`SUMMARY_COLUMNS`) of a :func:`typed` table.

    ``reproduced``/``status``: at the configured value; ``min``/``max``: over the values where
    the claim was computed; ``n_not_computed``: values where it was not; ``max_rel_change_pct``:
    the largest abs(value - configured) / abs(configured), in % (inf when the configured value is 0
    and another is not, or when a value could not be computed; NaN when the configured one could
    not); ``flips_at``: the values whose status differs from the configured one (``;``-separated);
    ``verdict``: ``robust``/``fragile`` for claims with a paper value, empty for ``context`` claims.
    """
    rows = []
    for (cid, study, param), g in table.groupby(["claim_id", "analysis", "parameter"], sort=False):
        base = g[g["configured"]]
        b_val = float(base["reproduced"].iloc[0]) if len(base) else float("nan")
        b_status = base["status"].iloc[0] if len(base) else "missing"
        r = g["reproduced"].to_numpy(float)
        fin = r[~pd.isna(r)]
        n_nan = int(pd.isna(r).sum())
        if math.isnan(b_val):
            rel = float("nan")
        elif n_nan:
            rel = float("inf")
        elif b_val == 0:
            rel = 0.0 if (fin == 0).all() else float("inf")
        else:
            rel = float(100 * max(abs(fin - b_val)) / abs(b_val))
        flips = [value_text(v) for v, s in zip(g["value"], g["status"], strict=True) if s != b_status]
        stated = paper[cid].stated if cid in paper else True
        verdict = ("fragile" if flips else "robust") if stated else ""
        rows.append({"claim_id": cid, "analysis": study, "parameter": param,
                     "configured_value": value_text(base["value"].iloc[0]) if len(base) else "", "reproduced": b_val,
                     "status": b_status, "min": float(fin.min()) if fin.size else float("nan"),
                     "max": float(fin.max()) if fin.size else float("nan"), "n_not_computed": n_nan,
                     "max_rel_change_pct": rel, "flips_at": ";".join(flips), "verdict": verdict})
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def write_robustness(tables: list[str | Path], paper_claims: str | Path, table_out: str | Path,
                     summary_out: str | Path, figures_dir: str | Path, provenance: Mapping[str, Any]) -> pd.DataFrame:
    """Run the job ``robustness``: write the collected table, its summary and the figure (claims x parameters).

    Returns the summary.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from llzo.figures.robustness import plot_robustness
    from llzo.figures.style import save_figure, use_style

    paper = load_paper_claims(paper_claims)
    text = collect(tables)
    write_text(text.to_csv(index=False, lineterminator="\n"), table_out)
    summary = summarize(typed(text), paper)
    write_table(summary, summary_out)
    use_style()
    claims = [c for c in paper if c in set(summary["claim_id"])]
    params = list(dict.fromkeys(zip(summary["analysis"], summary["parameter"], strict=True)))
    fig, ax = plt.subplots(figsize=(max(4.5, 2.5 + 0.2 * len(params)), max(3.5, 2.0 + 0.2 * len(claims))),
                           layout="constrained")
    plot_robustness(ax, summary, claims, params)
    save_figure(fig, "robustness", figures_dir, dict(provenance))
    plt.close(fig)
    return summary


def figure_provenance(manifests: list[str | Path], tables: list[str | Path]) -> dict[str, Any]:
    """Provenance of the figure: git commit, the varied parameters and the SHA-256 of the raw files."""
    from llzo.io.manifest import combined_sha256
    from llzo.pipeline.notebook import git_commit

    manifests = sorted(manifests, key=str)  # the rule's inputs come in no fixed order
    return {"figure": "robustness (workflow/rules/robustness.smk)", "git_commit": git_commit(Path.cwd()),
            "parameters": sorted(Path(t).stem for t in tables),
            "raw_sha256": combined_sha256(manifests) if manifests else "",
            "raw_manifests": [os.path.relpath(Path(m).resolve(), Path.cwd().resolve()) for m in manifests]}
