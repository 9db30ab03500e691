"""Ingest of ``sweeps.tsv`` and its sweep CSVs into ``data/interim/<dataset>/`` (:mod:`llzo.interim`).

A sweep file that cannot be read is rejected with its file, line, column and reason
(:mod:`llzo.pipeline.rejects`, ``rejected_sweeps.tsv``): its row leaves the interim sheet, the
others are analysed, and one message lists every rejected file. A bad sheet stops the ingest.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from llzo.interim import write_sweeps
from llzo.io.errors import RawDataError
from llzo.io.manifest import build_manifest
from llzo.io.sheets import read_sheet
from llzo.io.sweeps import read_sweep_csv, read_sweep_table
from llzo.pipeline.rejects import RejectList

log = logging.getLogger(__name__)

#: Sheet columns copied into the reject list (which analyses the file was meant for).
SHEET_KEEP = ("protocol", "site", "electrode")


def ingest(dataset_dir: str | Path, out_dir: str | Path) -> dict[str, Path]:
    """Validate the sheet, read every sweep and write the tidy interim tables.

    Writes the sweeps files of :mod:`llzo.interim` into ``out_dir``: the sheet (rows of rejected
    files removed), the long sweep table, the reject list, and the manifest of the sheet and every
    sweep CSV (rejected ones included: editing one reruns the ingest).
    """
    dataset_dir, out_dir = Path(dataset_dir), Path(out_dir)
    meta = read_sheet(dataset_dir, "sweeps")
    files = [dataset_dir / f for f in meta["file"]]
    rejects = RejectList("sweeps", "sweep_id", dataset_dir, tuple(k for k in SHEET_KEEP if k in meta))
    good = np.ones(len(files), bool)
    tables, counts = [], []
    step = max(1, -(-len(files) // 20))  # a progress line every 5 %
    for a in range(0, len(files), step):
        batch = list(range(a, min(a + step, len(files))))
        try:
            t, c = read_sweep_table([files[i] for i in batch])
        except RawDataError:  # read the batch's files alone: each bad one is rejected, the rest read together
            for i in batch:
                try:
                    read_sweep_csv(files[i])
                except RawDataError as exc:
                    good[i] = False
                    rejects.add(exc, str(meta["sweep_id"].iat[i]), meta.iloc[i].to_dict())
            t, c = read_sweep_table([files[i] for i in batch if good[i]])
        tables.append(t)
        counts.append(c)
        log.info("read %d/%d sweeps (%.0f %%)", batch[-1] + 1, len(files), 100.0 * (batch[-1] + 1) / len(files))
    counts = np.concatenate(counts) if counts else np.zeros(0, np.int64)
    long = pd.concat(tables, ignore_index=True) if tables else read_sweep_table([])[0]
    kept = meta[good].reset_index(drop=True) if not good.all() else meta
    data = pd.DataFrame({"sweep_id": np.repeat(kept["sweep_id"].to_numpy(object), counts), **long}, copy=False)
    manifest = build_manifest(dataset_dir, ["sweeps.tsv", *meta["file"]])
    outs = write_sweeps(out_dir, kept, data, manifest, rejects.frame())
    if len(rejects):
        log.warning("%s", rejects.message())
    log.info("ingested %d of %d sweeps (%d samples), %d rejected", len(kept), len(meta), len(data), len(rejects))
    return outs
