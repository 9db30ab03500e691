"""Ingest of ``maps.tsv`` and its AFM map files into ``data/interim/<dataset>/``.

Writes the maps files of :mod:`llzo.interim` (the maps table, one NetCDF per map with the raw,
unlevelled ``height_m`` and the kind's channel in SI units, the manifest of the sheet, every map
file and every mask). A map that cannot be read is rejected with its file, line, column and reason
(:mod:`llzo.pipeline.rejects`, ``rejected_maps.tsv``): its row leaves the interim maps table, the
other maps are analysed. A bad sheet stops the ingest.
"""

from __future__ import annotations

import logging
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from llzo.interim import map_file, maps_folder, write_map, write_maps_meta
from llzo.io.afm import KIND_CHANNEL, map_channels, read_afm, read_mask
from llzo.io.errors import RawDataError
from llzo.io.manifest import build_manifest
from llzo.io.sheets import read_sheet
from llzo.pipeline.rejects import RejectList

log = logging.getLogger(__name__)

#: Sheet columns copied into the reject list (which analyses the map was meant for).
SHEET_KEEP = ("kind", "stage")

def _given(value) -> bool:
    """Tell whether an optional text cell of the sheet is filled in."""
    return isinstance(value, str) and bool(value.strip())


def read_map_row(dataset_dir: Path, row: pd.Series, sheet_row: int) -> xr.Dataset:
    """Read one sheet row's map (and mask) into a Dataset with SI variables."""
    path = dataset_dir / row["file"]
    channel = row.get("channel")
    h, c = map_channels(read_afm(path), row["kind"], path, channel.strip() if _given(channel) else None)
    title, var = KIND_CHANNEL[row["kind"]]
    if h.shape != c.shape:
        raise RawDataError(f"channels Height {h.shape} and {title} {c.shape} differ in shape", path)
    dims = ("y_m", "x_m")  # the arrays are shared, not copied (a 2048^2 map is 32 MB per channel)
    ds = xr.Dataset({"height_m": (dims, h.values, {"units": "m", "title": h.attrs["title"], "levelled": "no"}),
                     var: (dims, c.values, {"units": c.attrs["units"], "title": c.attrs["title"], "levelled": "no"})},
                    coords={"y_m": h["y_m"], "x_m": h["x_m"]})
    if _given(row.get("mask_file")):
        m = read_mask(dataset_dir / row["mask_file"], h.shape)
        ds["boundary_mask"] = (("y_m", "x_m"), m.astype(np.uint8))
        ds["boundary_mask"].attrs = {"units": "1", "source_file": str(row["mask_file"])}
    bias = row.get("bias_V")
    ds.attrs = {"map_id": str(row["map_id"]), "kind": str(row["kind"]), "stage": str(row["stage"]),
                "bias_V": float(bias) if bias is not None and pd.notna(bias) else np.nan,
                "source_file": str(row["file"]), "format": h.attrs["format"],
                "pixel_size_x_m": h.attrs["pixel_size_x_m"], "pixel_size_y_m": h.attrs["pixel_size_y_m"]}
    return ds


def _ingest_map(dataset_dir: Path, row: dict, sheet_row: int, folder: Path) -> dict:
    """Read one sheet row's map, write its NetCDF into ``folder``; return its columns of the maps table."""
    ds = read_map_row(dataset_dir, pd.Series(row), sheet_row)
    write_map(folder, ds)
    return {"nx": ds.sizes["x_m"], "ny": ds.sizes["y_m"],
            "pixel_size_x_m": ds.attrs["pixel_size_x_m"], "pixel_size_y_m": ds.attrs["pixel_size_y_m"],
            "channel_title": ds[KIND_CHANNEL[row["kind"]][1]].attrs["title"],
            "format": ds.attrs["format"],
            "has_mask": "boundary_mask" in ds, "nc_file": map_file(row["map_id"])}


def ingest(dataset_dir: str | Path, out_dir: str | Path, workers: int = 1) -> dict[str, Path]:
    """Validate ``maps.tsv``, read every map and write the interim files (see module docstring).

    Each map is written as soon as it is read (``workers`` processes read maps side by side; the
    files do not depend on it), into a temporary folder that becomes ``maps/`` when every map has
    been read or rejected.
    """
    dataset_dir, out_dir = Path(dataset_dir), Path(out_dir)
    meta = read_sheet(dataset_dir, "maps")
    rows = meta.to_dict("records")
    rejects = RejectList("maps", "map_id", dataset_dir, tuple(k for k in SHEET_KEEP if k in meta))
    extra: dict[int, dict] = {}
    with maps_folder(out_dir) as tmp, _pool(workers) as pool:
        jobs = [pool.submit(_ingest_map, dataset_dir, r, i + 1, tmp) for i, r in enumerate(rows)]
        for i, (r, job) in enumerate(zip(rows, jobs, strict=True)):
            try:
                extra[i] = job.result()
            except RawDataError as exc:  # rejected with its reason; the other maps go on
                rejects.add(exc, str(r["map_id"]), r)
                continue
            log.info("read map %s (%s, %dx%d px), %d/%d (%.0f %%)", r["map_id"], r["kind"], extra[i]["nx"],
                     extra[i]["ny"], i + 1, len(rows), 100.0 * (i + 1) / len(rows))
    files = ["maps.tsv", *meta["file"]]  # rejected files too: editing one reruns the ingest
    if "mask_file" in meta:
        files += [m for m in meta["mask_file"] if _given(m)]
    kept = sorted(extra)
    meta = pd.concat([meta.iloc[kept].reset_index(drop=True), pd.DataFrame([extra[i] for i in kept])], axis=1)
    manifest = build_manifest(dataset_dir, files)
    outs = write_maps_meta(out_dir, meta, manifest, rejects.frame())
    if len(rejects):
        log.warning("%s", rejects.message())
    log.info("ingested %d maps, %d rejected", len(meta), len(rejects))
    return outs


class _Inline:
    """A pool of no processes: each job runs when it is submitted."""

    def submit(self, fn, *args):
        fut: Future = Future()
        try:
            fut.set_result(fn(*args))
        except BaseException as exc:
            fut.set_exception(exc)
        return fut

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _pool(workers: int):
    """``workers`` processes (forked), or inline work for one."""
    if workers <= 1:
        return _Inline()
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method))
