"""Ingest of ``sweeps.tsv`` and its sweep CSVs into ``data/interim/<dataset>/`` (:mod:`llzo.interim`)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from llzo.interim import write_sweeps
from llzo.io.errors import RawDataError, raise_all
from llzo.io.manifest import build_manifest
from llzo.io.sheets import read_sheet
from llzo.io.sweeps import read_sweep_csv, read_sweep_table

log = logging.getLogger(__name__)


def ingest(dataset_dir: str | Path, out_dir: str | Path) -> dict[str, Path]:
    """Validate the sheet, read every sweep and write the tidy interim tables.

    Writes the sweeps files of :mod:`llzo.interim` into ``out_dir`` (the sheet, the long sweep
    table, the manifest of the sheet and every sweep CSV); nothing unless every file reads cleanly.
    Every bad file is reported at once (:func:`llzo.io.errors.raise_all`).
    """
    dataset_dir, out_dir = Path(dataset_dir), Path(out_dir)
    meta = read_sheet(dataset_dir, "sweeps")
    files = [dataset_dir / f for f in meta["file"]]
    tables, counts = [], []
    step = max(1, -(-len(files) // 20))  # a progress line every 5 %
    problems: list[RawDataError] = []
    for a in range(0, len(files), step):
        try:
            t, c = read_sweep_table(files[a: a + step])
        except RawDataError:  # read the batch's files alone to find every bad one, then go on
            for f in files[a: a + step]:
                try:
                    read_sweep_csv(f)
                except RawDataError as exc:
                    problems.append(exc)
            continue
        tables.append(t)
        counts.append(c)
        log.info("read %d/%d sweeps (%.0f %%)", min(a + step, len(files)), len(files),
                 100.0 * min(a + step, len(files)) / max(len(files), 1))
    raise_all(problems, dataset_dir / "sweeps.tsv", "sweep files")
    counts = np.concatenate(counts) if counts else np.zeros(0, np.int64)
    long = pd.concat(tables, ignore_index=True) if tables else read_sweep_table([])[0]
    data = pd.DataFrame({"sweep_id": np.repeat(meta["sweep_id"].to_numpy(object), counts), **long}, copy=False)
    manifest = build_manifest(dataset_dir, ["sweeps.tsv", *meta["file"]])
    outs = write_sweeps(out_dir, meta, data, manifest)
    log.info("ingested %d sweeps (%d samples)", len(meta), len(data))
    return outs
