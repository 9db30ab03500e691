"""The interim data of a dataset, ``data/interim/<dataset>/``: file names, writers and loaders.

Ingest (``llzo.pipeline.ingest_<sheet>``) reads a sample sheet and its raw files and writes the
tidy tables below with the ``write_*`` functions; notebooks read them with the ``load_*``
functions; the Snakemake rules take the file names from :data:`FILES` (ingest outputs, notebook
inputs). Nothing else spells these names.

Files, per sample sheet
-----------------------
sweeps
    ``sweeps_meta.parquet``: the validated ``sweeps.tsv``, one row per sweep.
    ``sweeps.parquet``: long table ``sweep_id, cycle, time_s, bias_V, current_A`` (``cycle`` = 1
    for single-cycle files).
maps
    ``maps_meta.parquet``: the validated ``maps.tsv`` plus, per map, ``nx, ny, pixel_size_x_m,
    pixel_size_y_m, channel_title`` (the file's name of the property channel used), ``format,
    has_mask, nc_file``.
    ``maps/<map_id>.nc``: one NetCDF per map with the raw, unlevelled ``height_m`` and the kind's
    channel (``modulus_Pa``, ``potential_V`` or ``current_A``) on ``y_m``/``x_m`` coordinates,
    ``boundary_mask`` (uint8) when the sheet gives a ``mask_file``; attributes ``map_id, kind,
    stage, bias_V, source_file, format, pixel_size_x_m, pixel_size_y_m``.
echem
    ``echem_meta.parquet``: the validated ``echem.tsv`` plus ``ec_lab_version, reader, n_rows``.
    ``echem_eis.parquet``: ``run_id, freq_Hz, re_Z_ohm, minus_im_Z_ohm`` (PEIS runs).
    ``echem_cycling.parquet``: ``run_id, time_s, Ewe_V, I_mA`` (+ ``cycle_number, half_cycle,
    Q_mAh`` where the file has them) for CCD, SYM and FULL runs.
every sheet
    ``manifest_<sheet>.tsv``: ``path, bytes, sha256`` (+ ``ec_lab_version`` for echem) of the
    sheet and every raw file it names; written last, so its time stamp is the ingest's.

Parquet files are written without index with zstd compression, NetCDF files in the classic
format with xarray's scipy engine (deterministic bytes); every file atomically
(:mod:`llzo.atomic`), so a failed ingest leaves no partial table.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from llzo.atomic import atomic_dir, write_parquet, write_tsv

if TYPE_CHECKING:
    import xarray as xr

SHEETS = ("sweeps", "maps", "echem")

SWEEPS_META = "sweeps_meta.parquet"
SWEEPS = "sweeps.parquet"
MAPS_META = "maps_meta.parquet"
MAPS_DIR = "maps"
ECHEM_META = "echem_meta.parquet"
ECHEM_EIS = "echem_eis.parquet"
ECHEM_CYCLING = "echem_cycling.parquet"
REJECTED_SWEEPS = "rejected_sweeps.tsv"
REJECTED_MAPS = "rejected_maps.tsv"
REJECTED_ECHEM = "rejected_echem.tsv"

#: Techniques of ``echem.tsv`` whose data are in :data:`ECHEM_EIS`; the others are in :data:`ECHEM_CYCLING`.
EIS_TECHNIQUES = ("PEIS",)

#: Data files of each sheet that notebooks read (a name ending in "/" is a directory).
DATA = {
    "sweeps": (SWEEPS_META, SWEEPS),
    "maps": (MAPS_META, MAPS_DIR + "/"),
    "echem": (ECHEM_META, ECHEM_EIS, ECHEM_CYCLING),
}


def manifest_name(sheet: str) -> str:
    """File name of the SHA-256 manifest of a sheet's raw files (``manifest_<sheet>.tsv``)."""
    if sheet not in SHEETS:
        raise ValueError(f"unknown sample sheet {sheet!r}; expected one of {SHEETS}")
    return f"manifest_{sheet}.tsv"


#: Reject lists (:mod:`llzo.pipeline.rejects`): the raw files an ingest could not use, and why.
REJECTS = {"sweeps": REJECTED_SWEEPS, "maps": REJECTED_MAPS, "echem": REJECTED_ECHEM}

#: Everything the ingest of each sheet writes: its data files, its reject list, then its manifest.
FILES = {sheet: (*DATA[sheet], *([REJECTS[sheet]] if sheet in REJECTS else []), manifest_name(sheet))
         for sheet in SHEETS}


def manifest_path(interim_dir: str | Path, sheet: str) -> Path:
    """``<interim_dir>/manifest_<sheet>.tsv``."""
    return Path(interim_dir) / manifest_name(sheet)


def data_paths(interim_dir: str | Path, sheets: Sequence[str]) -> list[str]:
    """Paths of the data files of ``sheets`` (what a notebook reading them depends on).

    Directories are returned without their trailing slash.
    """
    return [f"{Path(interim_dir)}/{name.rstrip('/')}" for s in sheets for name in DATA[s]]


def map_file(map_id: str) -> str:
    """Path of one map's NetCDF relative to the interim folder (``maps/<map_id>.nc``)."""
    return f"{MAPS_DIR}/{map_id}.nc"


# --- writers (ingest) -------------------------------------------------------------------------
def write_sweeps(interim_dir: str | Path, meta: pd.DataFrame, data: pd.DataFrame,
                 manifest: pd.DataFrame, rejected: pd.DataFrame | None = None) -> dict[str, Path]:
    """Write the sweeps tables, the reject list and the manifest (last); return the paths by role."""
    d = Path(interim_dir)
    outs = {"meta": d / SWEEPS_META, "data": d / SWEEPS, "rejected": d / REJECTED_SWEEPS,
            "manifest": manifest_path(d, "sweeps")}
    write_parquet(meta, outs["meta"])
    write_parquet(data, outs["data"])
    write_tsv(_rejects_or_empty(rejected, "sweep_id"), outs["rejected"])
    write_tsv(manifest, outs["manifest"])
    return outs


def _rejects_or_empty(rejected: pd.DataFrame | None, id_column: str) -> pd.DataFrame:
    """Return the reject list, or an empty one with its base columns."""
    if rejected is not None:
        return rejected
    return pd.DataFrame(columns=["file", id_column, "line", "column", "reason"])


def write_maps(interim_dir: str | Path, meta: pd.DataFrame, maps: Sequence[xr.Dataset],
               manifest: pd.DataFrame) -> dict[str, Path]:
    """Write one NetCDF per map (attribute ``map_id`` names it), the maps table and the manifest."""
    with maps_folder(interim_dir) as tmp:
        for ds in maps:
            write_map(tmp, ds)
    return write_maps_meta(interim_dir, meta, manifest)


@contextlib.contextmanager
def maps_folder(interim_dir: str | Path) -> Iterator[Path]:
    """Yield a temporary maps folder to fill with :func:`write_map`; it becomes ``maps/`` on success.

    For an ingest that writes each map as soon as it is read (a lab's maps do not fit in memory
    together); then :func:`write_maps_meta`.
    """
    with atomic_dir(Path(interim_dir) / MAPS_DIR) as tmp:
        yield tmp


def write_map(folder: Path, ds: xr.Dataset) -> None:
    """Write one map's NetCDF (``<map_id>.nc``) into ``folder`` (:func:`maps_folder`)."""
    ds.to_netcdf(Path(folder) / Path(map_file(ds.attrs["map_id"])).name, engine="scipy")


def write_maps_meta(interim_dir: str | Path, meta: pd.DataFrame, manifest: pd.DataFrame,
                    rejected: pd.DataFrame | None = None) -> dict[str, Path]:
    """Write the maps table, the reject list and the manifest (last), after the maps folder."""
    d = Path(interim_dir)
    outs = {"meta": d / MAPS_META, "maps": d / MAPS_DIR, "rejected": d / REJECTED_MAPS,
            "manifest": manifest_path(d, "maps")}
    write_parquet(meta, outs["meta"])
    write_tsv(_rejects_or_empty(rejected, "map_id"), outs["rejected"])
    write_tsv(manifest, outs["manifest"])
    return outs


def write_echem(interim_dir: str | Path, meta: pd.DataFrame, eis: pd.DataFrame, cycling: pd.DataFrame,
                rejected: pd.DataFrame, manifest: pd.DataFrame) -> dict[str, Path]:
    """Write the echem tables (PEIS and cycling data), the reject list and the manifest (last)."""
    d = Path(interim_dir)
    outs = {"meta": d / ECHEM_META, "eis": d / ECHEM_EIS, "cycling": d / ECHEM_CYCLING,
            "rejected": d / REJECTED_ECHEM, "manifest": manifest_path(d, "echem")}
    write_parquet(meta, outs["meta"])
    write_parquet(eis, outs["eis"])
    write_parquet(cycling, outs["cycling"])
    write_tsv(rejected, outs["rejected"])
    write_tsv(manifest, outs["manifest"])
    return outs


# --- loaders (notebooks) ----------------------------------------------------------------------
def _filtered(path: Path, ids: list[str], id_column: str) -> pd.DataFrame:
    """Rows of a Parquet table whose ``id_column`` is in ``ids`` (read with a row filter)."""
    return pd.read_parquet(path, filters=[(id_column, "in", ids or [""])])


def load_sweeps(interim_dir: str | Path, protocol: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load the sweeps of a dataset.

    Parameters
    ----------
    interim_dir
        ``data/interim/<dataset>``.
    protocol
        ``"trigger"`` or ``"memristor"`` to load only those sweeps; ``None``: all.

    Returns
    -------
    meta : pandas.DataFrame
        One row per sweep (the validated ``sweeps.tsv``).
    data : pandas.DataFrame
        ``sweep_id, cycle, time_s, bias_V, current_A`` of those sweeps, in file order.
    """
    d = Path(interim_dir)
    meta = pd.read_parquet(d / SWEEPS_META)
    if protocol is None:
        return meta, pd.read_parquet(d / SWEEPS)
    meta = meta[meta["protocol"] == protocol].reset_index(drop=True)
    return meta, _filtered(d / SWEEPS, list(meta["sweep_id"]), "sweep_id")


def load_maps_meta(interim_dir: str | Path) -> pd.DataFrame:
    """Load the maps table (validated ``maps.tsv`` plus the per-map columns listed in the module docstring)."""
    return pd.read_parquet(Path(interim_dir) / MAPS_META)


class MapList(Sequence):
    """The maps of a dataset, each read from its NetCDF when it is taken (a lab's maps do not fit in memory).

    A sequence of xarray Datasets (``len``, indexing, iteration, unpacking); :attr:`paths` are
    the files, for code that reads them in worker processes.
    """

    def __init__(self, paths: list[Path]) -> None:
        self.paths = list(paths)

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return MapList(self.paths[i])
        return load_map(self.paths[i])

    def __repr__(self) -> str:
        return f"MapList({[p.name for p in self.paths]})"


def load_map(path: str | Path) -> xr.Dataset:
    """Load one interim map's NetCDF into memory."""
    import xarray as xr

    with xr.open_dataset(path, engine="scipy") as ds:
        return ds.load()


def load_maps(interim_dir: str | Path, kind: str | None = None) -> MapList:
    """Load the maps of a dataset as xarray Datasets, in sheet order, each when it is used.

    Parameters
    ----------
    interim_dir
        ``data/interim/<dataset>``.
    kind
        ``"modulus"``, ``"kpfm"`` or ``"current"`` to load only those maps; ``None``: all.

    Returns
    -------
    MapList
        A sequence of xarray Datasets, each read from disk when taken (:class:`MapList`):
        ``height_m`` (raw, unlevelled), the kind's channel (``modulus_Pa``, ``potential_V`` or
        ``current_A``, unlevelled), ``boundary_mask`` where given; attributes ``map_id, kind,
        stage, bias_V, pixel_size_x_m, pixel_size_y_m, format, source_file``.
    """
    d = Path(interim_dir)
    meta = load_maps_meta(d)
    if kind is not None:
        meta = meta[meta["kind"] == kind]
    return MapList([d / nc for nc in meta["nc_file"]])


def load_echem(interim_dir: str | Path, technique: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load the runs of one electrochemical technique and their data.

    Parameters
    ----------
    interim_dir
        ``data/interim/<dataset>``.
    technique
        ``"PEIS"`` (impedance), ``"CCD"``, ``"SYM"`` or ``"FULL"`` (column ``technique`` of
        ``echem.tsv``).

    Returns
    -------
    runs : pandas.DataFrame
        The sheet rows of that technique (``run_id, file, technique, cell, interlayer, state,
        area_cm2, ...``), index reset.
    data : pandas.DataFrame
        For PEIS ``run_id, freq_Hz, re_Z_ohm, minus_im_Z_ohm``; otherwise ``run_id, time_s, Ewe_V,
        I_mA`` (+ ``cycle_number, half_cycle, Q_mAh`` where present); rows of those runs only.
    """
    d = Path(interim_dir)
    meta = pd.read_parquet(d / ECHEM_META)
    runs = meta[meta["technique"] == technique].reset_index(drop=True)
    table = ECHEM_EIS if technique in EIS_TECHNIQUES else ECHEM_CYCLING
    return runs, _filtered(d / table, list(runs["run_id"]), "run_id")
