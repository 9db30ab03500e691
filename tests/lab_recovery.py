"""Recover every claim of a lab dataset with the library's claim functions, and validate it against its truth.

Used by ``tests/lab/test_validation.py``; also a script that prints the truth-vs-recovered table::

    PYTHONPATH=workflow:tests python tests/lab_recovery.py demo demo_hard demo:7   # name or name:seed

The lab writes the dataset into a temporary folder; ingest writes the interim data; each analysis
is the library function its figure notebook calls, with the config's ``analysis`` parameters (the
notebooks only add plots), and returns finished claims. They are written as the notebooks write
them and compared with ``claims_truth.json`` by the pipeline's own validation
(:mod:`llzo.pipeline.validation`: the truth read at the same analysis parameters, the tolerances of
``workflow/config/validation.yaml``). The recovery never reads the truth.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from llzo.analysis.ccd import CCDParams, analyse_ccd_runs, ccd_claims
from llzo.analysis.contact import ContactParams, contact_area
from llzo.analysis.cycling import (
    FullCellParams,
    SymParams,
    analyse_full_runs,
    analyse_sym_runs,
    full_claims,
    sym_claims,
)
from llzo.analysis.eis import EISParams, analyse_runs, eis_claims, fits_table
from llzo.analysis.maps import MapsParams, maps_analysis
from llzo.analysis.memristor import MemristorParams, memristor_analysis
from llzo.analysis.trigger import TriggerParams, hl_trigger_analysis, trigger_analysis
from llzo.claims import Claim, write_claims
from llzo.interim import load_echem, load_maps, load_sweeps
from llzo.lab.demo import make_dataset
from llzo.lab.presets import resolve
from llzo.pipeline import ingest_echem, ingest_maps, ingest_sweeps
from llzo.pipeline.validation import load_claims_truth, load_tolerances, validation_summary, validation_table

REPO = Path(__file__).resolve().parents[1]
PAPER_CLAIMS = REPO / "workflow/config/paper_claims.yaml"
TOLERANCES = REPO / "workflow/config/validation.yaml"


def lab_config(name: str) -> tuple[dict, dict, int]:
    """The whole config, the lab section and seed of lab dataset ``name`` (``demo`` or a preset)."""
    config = yaml.safe_load((REPO / "workflow/config/config.yaml").read_text(encoding="utf-8"))
    lab, seed = resolve(config["lab"], config["lab_seed"], name, REPO)
    return config, lab, seed


def recover(raw: Path, interim: Path, analysis: dict) -> dict[str, list[Claim]]:
    """Every claim of the dataset in ``raw``: ``{notebook name: claims}``, as the figure notebooks make them."""
    for ingest in (ingest_maps, ingest_sweeps, ingest_echem):
        ingest.ingest(raw, interim)
    out: dict[str, list[Claim]] = {}
    maps = maps_analysis(load_maps(interim, "modulus"), load_maps(interim, "kpfm"),
                         MapsParams.from_config(analysis["maps"]))
    out["fig3_maps"] = maps.claims
    modulus = next((c.reproduced for c in maps.claims if c.claim_id == "modulus_gi_GPa"), None)
    meta, data = load_sweeps(interim)
    eq1 = contact_area(meta, ContactParams.from_config(analysis["contact"]), modulus)
    out["eq1_contact_area"] = eq1.claims
    trigger = TriggerParams.from_config(analysis["trigger"])
    out["fig2_trigger"] = trigger_analysis(meta, data, trigger, eq1.table).claims
    meta, data = load_sweeps(interim, protocol="trigger")
    out["fig5c_hl_trigger"] = hl_trigger_analysis(meta, data, trigger).claims
    meta, data = load_sweeps(interim, protocol="memristor")
    out["fig6_memristor"] = memristor_analysis(meta, data, MemristorParams.from_config(analysis["memristor"])).claims
    runs, spectra = load_echem(interim, "PEIS")
    eis = EISParams.from_config(analysis["eis"])
    out["fig5de_eis"] = eis_claims(fits_table(runs, analyse_runs(runs, spectra, eis)), eis)
    e = analysis["echem"]
    out["fig5f_ccd"] = ccd_claims(analyse_ccd_runs(*load_echem(interim, "CCD"), CCDParams.from_config(e))[0])
    out["fig5g_sym"] = sym_claims(analyse_sym_runs(*load_echem(interim, "SYM"), SymParams.from_config(e))[0])
    full = FullCellParams.from_config(e)
    out["fig5h_full"] = full_claims(analyse_full_runs(*load_echem(interim, "FULL"), full)[0], full)
    return out


def validate_dataset(name: str, tmp: Path, seed: int | None = None) -> pd.DataFrame:
    """Write lab dataset ``name`` in ``tmp`` (optionally with another seed), recover every claim, validate it.

    Returns
    -------
    pandas.DataFrame
        The validation table (:data:`llzo.pipeline.validation.COLUMNS`), its summary in ``attrs["summary"]``.
    """
    config, lab, seed0 = lab_config(name)
    raw, truth_dir, interim = tmp / "raw" / name, tmp / "truth" / name, tmp / "interim" / name
    make_dataset(raw, truth_dir, lab, seed0 if seed is None else seed)
    interim.mkdir(parents=True, exist_ok=True)
    files = []
    for nb, claims in recover(raw, interim, config["analysis"]).items():
        files.append(write_claims(tmp / "claims" / f"{nb}.json", claims))
    truth = load_claims_truth(truth_dir / "claims_truth.json", config["analysis"])
    table = validation_table(PAPER_CLAIMS, files, truth, load_tolerances(TOLERANCES))
    table.attrs["summary"] = validation_summary(table)
    return table


if __name__ == "__main__":
    pd.set_option("display.width", 220)
    for arg in sys.argv[1:] or ["demo"]:
        ds, _, s = arg.partition(":")  # name or name:seed
        with tempfile.TemporaryDirectory() as d:
            table = validate_dataset(ds, Path(d), int(s) if s else None)
        print(f"\n== {arg}: {table.attrs['summary']}")
        print(table.drop(columns="note").to_string(index=False, float_format=lambda x: f"{x:.4g}"))
