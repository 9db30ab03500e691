"""Ingest of ``sweeps.tsv`` and its sweep CSVs into ``data/interim/<dataset>/`` (:mod:`llzo.interim`)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from llzo.interim import write_sweeps
from llzo.io.manifest import build_manifest
from llzo.io.sheets import read_sheet
from llzo.io.sweeps import read_sweep_csv

log = logging.getLogger(__name__)


def ingest(dataset_dir: str | Path, out_dir: str | Path) -> dict[str, Path]:
    """Validate the sheet, read every sweep and write the tidy interim tables.

    Writes the sweeps files of :mod:`llzo.interim` into ``out_dir`` (the sheet, the long sweep
    table, the manifest of the sheet and every sweep CSV); nothing unless every file reads cleanly.
    """
    dataset_dir, out_dir = Path(dataset_dir), Path(out_dir)
    meta = read_sheet(dataset_dir, "sweeps")
    frames = []
    for i, row in enumerate(meta.itertuples(index=False), start=1):
        df = read_sweep_csv(dataset_dir / row.file)
        if "cycle" not in df:
            df["cycle"] = np.int64(1)
        df.insert(0, "sweep_id", row.sweep_id)
        frames.append(df[["sweep_id", "cycle", "time_s", "bias_V", "current_A"]])
        if i % 50 == 0:
            log.info("read %d/%d sweeps", i, len(meta))
    data = pd.concat(frames, ignore_index=True)
    manifest = build_manifest(dataset_dir, ["sweeps.tsv", *meta["file"]])
    outs = write_sweeps(out_dir, meta, data, manifest)
    log.info("ingested %d sweeps (%d samples)", len(meta), len(data))
    return outs
