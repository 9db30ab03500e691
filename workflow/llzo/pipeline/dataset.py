"""Which dataset a run reads and which of its sample sheets are present.

``dataset: demo`` and the lab presets (``workflow/config/lab_presets/<name>.yaml``) are written by
the virtual lab (all three sheets); any other name is a folder ``data/raw/<name>/`` the user
filled with one to three sample sheets.
"""

from __future__ import annotations

from pathlib import Path

from llzo.interim import SHEETS
from llzo.lab.presets import is_lab_dataset

DEMO = "demo"


class DatasetError(ValueError):
    """The dataset folder is missing or holds no sample sheet (the message says what to do)."""


def dataset_paths(dataset: str) -> dict[str, str]:
    """Folders of a dataset, relative to the project root: ``raw``, ``truth``, ``interim``, ``results``."""
    return {"raw": f"data/raw/{dataset}", "truth": f"data/truth/{dataset}",
            "interim": f"data/interim/{dataset}", "results": f"results/{dataset}"}


def dataset_sheets(dataset: str, raw_dir: str | Path) -> set[str]:
    """Sample sheets of a dataset: all three for a lab dataset, those present in the user's folder.

    Raises
    ------
    DatasetError
        The folder does not exist, or it holds none of ``sweeps.tsv``, ``maps.tsv``, ``echem.tsv``.
    """
    if is_lab_dataset(dataset):
        return set(SHEETS)
    raw = Path(raw_dir)
    if not raw.is_dir():
        raise DatasetError(
            f"dataset {dataset!r}: folder {raw}/ does not exist.\n"
            f"Create it with one or more sample sheets (sweeps.tsv, maps.tsv, echem.tsv) and the raw "
            f"files they name (I-V sweep CSVs, Gwyddion .gwy / Bruker .spm / JPK / .ibw maps, BioLogic "
            f".mpt/.mpr files); data/README.md describes every column. Or run the default dataset "
            f"(--config dataset={DEMO}) or a lab preset (workflow/config/lab_presets/<name>.yaml)"
        )
    sheets = {s for s in SHEETS if (raw / f"{s}.tsv").is_file()}
    if not sheets:
        raise DatasetError(f"dataset {dataset!r}: {raw}/ holds none of sweeps.tsv, maps.tsv, echem.tsv "
                           f"(see data/README.md)")
    return sheets


def raw_inputs(dataset: str, raw_dir: str | Path) -> str | list[str]:
    """Return the inputs of an ingest rule: a lab dataset's folder (the lab's output), else every file of the folder."""
    if is_lab_dataset(dataset):
        return str(raw_dir)
    return sorted(str(p) for p in Path(raw_dir).rglob("*") if p.is_file())
