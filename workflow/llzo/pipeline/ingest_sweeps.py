"""Ingest of ``sweeps.tsv`` and its sweep CSVs into ``data/interim/<dataset>/``."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from llzo.atomic import write_parquet, write_tsv
from llzo.io.manifest import build_manifest
from llzo.io.sheets import read_sheet
from llzo.io.sweeps import read_sweep_csv

log = logging.getLogger(__name__)


def ingest(dataset_dir: str | Path, out_dir: str | Path) -> dict[str, Path]:
    """Validate the sheet, read every sweep and write the tidy interim tables.

    Outputs (in ``out_dir``)
    ------------------------
    sweeps_meta.parquet
        The validated sheet, one row per sweep.
    sweeps.parquet
        Long table ``sweep_id, cycle, time_s, bias_V, current_A`` (``cycle`` = 1 for
        single-cycle files).
    manifest_sweeps.tsv
        ``path, bytes, sha256`` of the sheet and every sweep CSV.

    Nothing is written unless every file reads cleanly.
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
    outs = {
        "meta": out_dir / "sweeps_meta.parquet",
        "data": out_dir / "sweeps.parquet",
        "manifest": out_dir / "manifest_sweeps.tsv",
    }
    write_parquet(meta, outs["meta"])
    write_parquet(data, outs["data"])
    write_tsv(manifest, outs["manifest"])
    log.info("ingested %d sweeps (%d samples)", len(meta), len(data))
    return outs
