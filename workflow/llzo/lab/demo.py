"""Assemble a whole lab dataset: every domain writes its raw files; sheets and truth beside them.

After the domains, :func:`llzo.lab.truth.write_claims_truth` writes ``claims_truth.json``: the
true value of every claim the lab determines, from the domains' latent variables.

A domain is a module ``llzo.lab.<name>`` with a function::

    write(raw_dir: Path, truth_dir: Path, cfg: dict, rng: numpy.random.Generator) -> dict[str, list[dict]]

that writes its raw files under ``raw_dir`` and its truth under ``truth_dir`` and returns the
sample-sheet rows it contributes, keyed by sheet (``sweeps``, ``maps``, ``echem``). ``cfg`` is
the whole ``lab`` section of the config. Each domain gets its own random stream derived from
the seed and its name, so adding a domain never changes another domain's files.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import logging
import shutil
import time
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from llzo.lab.parallel import FileWriter
from llzo.lab.truth import write_claims_truth

log = logging.getLogger(__name__)

#: Domains in the order they run; a domain whose module does not exist or whose config block is
#: absent is skipped.
DOMAINS = ("sweeps", "memristor", "maps", "echem")

#: Column order of each sheet as in the raw-data contract (docs/data-contract.md).
SHEET_COLUMNS = {
    "sweeps": ["sweep_id", "file", "protocol", "site", "distance_to_gb_nm", "electrode",
               "tip_radius_nm", "tip_force_nN", "pad_side_um", "compliance_A"],
    "maps": ["map_id", "file", "kind", "stage", "bias_V", "mask_file"],
    "echem": ["run_id", "file", "technique", "cell", "interlayer", "state", "area_cm2",
              "temperature_C", "cathode", "active_mass_mg"],
}


def domain_rng(seed: int, name: str) -> np.random.Generator:
    """Independent, reproducible random stream of one domain."""
    return np.random.default_rng([int(seed), zlib.crc32(name.encode())])


def write_sheet(rows: list[dict], columns: list[str], path: Path) -> None:
    """Write a sample sheet (TSV, UTF-8, LF) with the contract's columns first."""
    df = pd.DataFrame(rows)
    extra = [c for c in df.columns if c not in columns]
    df = df.reindex(columns=columns + extra)
    df.to_csv(path, sep="\t", index=False, lineterminator="\n", float_format="%.6g")


def make_dataset(raw_dir: str | Path, truth_dir: str | Path, cfg: dict, seed: int, workers: int = 1) -> None:
    """Write a complete lab dataset.

    Parameters
    ----------
    raw_dir
        ``data/raw/<dataset>`` (recreated).
    truth_dir
        ``data/truth/<dataset>`` (recreated).
    cfg
        The ``lab`` section of the config.
    seed
        Seed; the same seed and config give byte-identical files.
    workers
        Processes that write the files (:mod:`llzo.lab.parallel`; a domain whose ``write`` takes
        ``writer`` uses them). The files do not depend on it.
    """
    raw_dir, truth_dir = Path(raw_dir), Path(truth_dir)
    for d in (raw_dir, truth_dir):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    sheets: dict[str, list[dict]] = {}
    t0 = time.perf_counter()
    with FileWriter(workers) as writer:
        for name in DOMAINS:
            if importlib.util.find_spec(f"llzo.lab.{name}") is None or name not in cfg:
                continue
            mod = importlib.import_module(f"llzo.lab.{name}")
            log.info("virtual lab: writing %s (%.1f s)", name, time.perf_counter() - t0)
            extra = {"writer": writer} if "writer" in inspect.signature(mod.write).parameters else {}
            for sheet, rows in mod.write(raw_dir, truth_dir, cfg, domain_rng(seed, name), **extra).items():
                sheets.setdefault(sheet, []).extend(rows)
    log.info("virtual lab: writing the sheets and claims_truth.json (%.1f s)", time.perf_counter() - t0)
    for sheet, rows in sheets.items():
        write_sheet(rows, SHEET_COLUMNS[sheet], raw_dir / f"{sheet}.tsv")
    write_claims_truth(truth_dir, cfg, truth_dir.name, seed)
    log.info("virtual lab: wrote %s in %.1f s", ", ".join(f"{k}.tsv ({len(v)} rows)" for k, v in sheets.items()),
             time.perf_counter() - t0)
