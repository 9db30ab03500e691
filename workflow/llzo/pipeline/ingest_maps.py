"""Ingest of ``maps.tsv`` and its AFM map files into ``data/interim/<dataset>/``.

Writes the maps files of :mod:`llzo.interim` (the maps table, one NetCDF per map with the raw,
unlevelled ``height_m`` and the kind's channel in SI units, the manifest of the sheet, every map
file and every mask). Nothing is written unless every map reads cleanly.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from llzo.interim import map_file, write_maps
from llzo.io.afm import KIND_CHANNEL, map_channels, read_afm, read_mask
from llzo.io.errors import RawDataError
from llzo.io.manifest import build_manifest
from llzo.io.sheets import read_sheet

log = logging.getLogger(__name__)

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
    c = c.assign_coords(x_m=h["x_m"], y_m=h["y_m"])
    ds = xr.Dataset({"height_m": h.drop_attrs(deep=False), var: c.drop_attrs(deep=False)})
    ds["height_m"].attrs = {"units": "m", "title": h.attrs["title"], "levelled": "no"}
    ds[var].attrs = {"units": c.attrs["units"], "title": c.attrs["title"], "levelled": "no"}
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


def ingest(dataset_dir: str | Path, out_dir: str | Path) -> dict[str, Path]:
    """Validate ``maps.tsv``, read every map and write the interim files (see module docstring)."""
    dataset_dir, out_dir = Path(dataset_dir), Path(out_dir)
    meta = read_sheet(dataset_dir, "maps")
    datasets, extra = [], []
    for i, row in meta.iterrows():
        ds = read_map_row(dataset_dir, row, i + 1)
        datasets.append(ds)
        extra.append({"nx": ds.sizes["x_m"], "ny": ds.sizes["y_m"],
                      "pixel_size_x_m": ds.attrs["pixel_size_x_m"], "pixel_size_y_m": ds.attrs["pixel_size_y_m"],
                      "channel_title": ds[KIND_CHANNEL[row["kind"]][1]].attrs["title"],
                      "format": ds.attrs["format"],
                      "has_mask": "boundary_mask" in ds, "nc_file": map_file(row["map_id"])})
        log.info("read map %s (%s, %dx%d px)", row["map_id"], row["kind"], ds.sizes["x_m"], ds.sizes["y_m"])
    meta = pd.concat([meta, pd.DataFrame(extra)], axis=1)
    files = ["maps.tsv", *meta["file"]]
    if "mask_file" in meta:
        files += [m for m in meta["mask_file"] if _given(m)]
    manifest = build_manifest(dataset_dir, files)
    outs = write_maps(out_dir, meta, datasets, manifest)
    log.info("ingested %d maps", len(meta))
    return outs

