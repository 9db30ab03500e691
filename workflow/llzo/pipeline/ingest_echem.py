"""Ingest of ``echem.tsv`` and its BioLogic EC-Lab files into ``data/interim/<dataset>/``."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from llzo.atomic import write_parquet, write_tsv
from llzo.io.biologic import read_eclab
from llzo.io.errors import RawDataError
from llzo.io.manifest import build_manifest
from llzo.io.sheets import read_sheet

log = logging.getLogger(__name__)

#: EC-Lab columns each technique needs (galvani's canonical names) -> interim column.
NEEDED = {
    "PEIS": {"freq/Hz": "freq_Hz", "Re(Z)/Ohm": "re_Z_ohm", "-Im(Z)/Ohm": "minus_im_Z_ohm"},
    "CYCLING": {"time/s": "time_s", "Ewe/V": "Ewe_V", "I/mA": "I_mA"},
}
OPTIONAL = {"cycle number": "cycle_number", "half cycle": "half_cycle", "Q charge/discharge/mA.h": "Q_mAh"}


def ingest(dataset_dir: str | Path, out_dir: str | Path) -> dict[str, Path]:
    """Validate the sheet, read every EC-Lab file and write the tidy interim tables.

    Outputs (in ``out_dir``)
    ------------------------
    echem_meta.parquet
        The validated sheet plus ``ec_lab_version``, ``reader``, ``n_rows``.
    echem_eis.parquet
        ``run_id, freq_Hz, re_Z_ohm, minus_im_Z_ohm`` (PEIS runs).
    echem_cycling.parquet
        ``run_id, time_s, Ewe_V, I_mA`` (+ ``cycle_number, half_cycle, Q_mAh`` where present)
        for CCD, SYM and FULL runs.
    manifest_echem.tsv
        ``path, bytes, sha256, ec_lab_version`` of the sheet and every EC-Lab file.

    Nothing is written unless every file reads cleanly.
    """
    dataset_dir, out_dir = Path(dataset_dir), Path(out_dir)
    meta = read_sheet(dataset_dir, "echem")
    eis, cyc, extra, info = [], [], {}, []
    for row in meta.itertuples(index=False):
        path = dataset_dir / row.file
        f = read_eclab(path)
        need = NEEDED["PEIS" if row.technique == "PEIS" else "CYCLING"]
        for col in need:
            if col not in f.data.columns:
                raise RawDataError(f"{row.technique} run {row.run_id!r} needs column {col!r}; the file has "
                                   f"{list(f.data.columns)}", path, column=col)
        keep = {**need, **{k: v for k, v in OPTIONAL.items() if k in f.data.columns and row.technique != "PEIS"}}
        df = f.data[list(keep)].rename(columns=keep)
        if len(df) < 2:
            raise RawDataError(f"only {len(df)} data row(s): truncated file?", path)
        df.insert(0, "run_id", row.run_id)
        (eis if row.technique == "PEIS" else cyc).append(df)
        extra[row.file] = {"ec_lab_version": f.ec_lab_version}
        info.append({"ec_lab_version": f.ec_lab_version, "reader": f.reader, "n_rows": len(df)})
        log.info("%s: %d rows (EC-Lab %s, %s)", row.file, len(df), f.ec_lab_version, f.reader)
    meta = pd.concat([meta, pd.DataFrame(info)], axis=1)
    empty_eis = pd.DataFrame({"run_id": pd.Series(dtype=str), **{c: pd.Series(dtype=np.float64)
                                                                for c in NEEDED["PEIS"].values()}})
    empty_cyc = pd.DataFrame({"run_id": pd.Series(dtype=str), **{c: pd.Series(dtype=np.float64)
                                                                for c in NEEDED["CYCLING"].values()}})
    data_eis = pd.concat(eis, ignore_index=True) if eis else empty_eis
    data_cyc = pd.concat(cyc, ignore_index=True) if cyc else empty_cyc
    manifest = build_manifest(dataset_dir, ["echem.tsv", *meta["file"]], extra=extra)
    if "ec_lab_version" not in manifest:
        manifest["ec_lab_version"] = ""
    outs = {
        "meta": out_dir / "echem_meta.parquet",
        "eis": out_dir / "echem_eis.parquet",
        "cycling": out_dir / "echem_cycling.parquet",
        "manifest": out_dir / "manifest_echem.tsv",
    }
    write_parquet(meta, outs["meta"])
    write_parquet(data_eis, outs["eis"])
    write_parquet(data_cyc, outs["cycling"])
    write_tsv(manifest, outs["manifest"])
    log.info("ingested %d EC-Lab runs (%d EIS points, %d cycling rows)", len(meta), len(data_eis), len(data_cyc))
    return outs
