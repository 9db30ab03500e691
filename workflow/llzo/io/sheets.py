"""Sample sheets of the raw-data contract (``sweeps.tsv``, ``maps.tsv``, ``echem.tsv``).

Each sheet is validated against its JSON schema in ``workflow/schemas/`` with Snakemake's
:func:`snakemake.utils.validate`; a failure is reported with the file, the 1-based data row and
the column. ``file`` (and ``mask_file``) paths must stay inside the dataset folder.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pandas as pd
import yaml

from llzo.io.errors import RawDataError, SheetError
from llzo.io.paths import resolve_in_dataset

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"
SHEETS = {"sweeps": "sweep_id", "maps": "map_id", "echem": "run_id"}
PATH_COLUMNS = ("file", "mask_file")


def load_schema(name: str) -> dict:
    """Load ``workflow/schemas/<name>.schema.yaml``."""
    with open(SCHEMA_DIR / f"{name}.schema.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _string_columns(schema: dict) -> list[str]:
    return [k for k, v in schema.get("properties", {}).items() if v.get("type") == "string"]


def _records(df: pd.DataFrame) -> list[dict]:
    return [{k: v for k, v in rec.items() if not pd.isna(v)} for rec in df.to_dict("records")]


def _locate_error(df: pd.DataFrame, schema: dict, path: Path) -> SheetError:
    validator = jsonschema.Draft202012Validator(schema)
    for i, rec in enumerate(_records(df), start=1):
        errors = sorted(validator.iter_errors(rec), key=lambda e: list(e.path))
        if errors:
            err = errors[0]
            column = str(err.path[0]) if err.path else None
            if column is None and err.validator == "required":
                column = err.message.split("'")[1] if "'" in err.message else None
                msg = f"required column {column!r} is empty or missing"
            else:
                value = rec.get(column) if column else None
                msg = f"invalid value {value!r}: {err.message}"
            return SheetError(msg, path, row=i, line=i + 1, column=column)
    return SheetError("sheet does not match its schema", path)


def read_sheet(dataset_dir: str | Path, name: str, *, check_files: bool = True) -> pd.DataFrame:
    """Read and validate one sample sheet of a dataset.

    Parameters
    ----------
    dataset_dir
        ``data/raw/<dataset>``.
    name
        ``"sweeps"``, ``"maps"`` or ``"echem"``.
    check_files
        Check that every ``file``/``mask_file`` exists inside the dataset folder.

    Returns
    -------
    pandas.DataFrame
        One row per raw file, columns as in the sheet (unknown columns kept).

    Raises
    ------
    SheetError
        Unreadable sheet, schema violation (file, row and column named), duplicate ids.
    UnsafePathError
        A path that leaves the dataset folder.
    """
    from snakemake.exceptions import WorkflowError
    from snakemake.utils import validate

    dataset_dir = Path(dataset_dir)
    path = dataset_dir / f"{name}.tsv"
    schema = load_schema(name)
    if not path.is_file():
        raise SheetError(f"sample sheet {name}.tsv not found", path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SheetError("not UTF-8 text (save the sheet as UTF-8)", path, line=line) from None
    if not text.strip():
        raise SheetError("empty sheet: expected a header row and one row per file", path, line=1)
    header = text.splitlines()[0].split("\t")
    missing = [c for c in schema.get("required", []) if c not in header]
    if missing:
        raise SheetError(
            f"header lacks required column(s) {missing}; found {header} (tab-separated?)",
            path, line=1, column=missing[0],
        )
    strings = {c: str for c in _string_columns(schema) if c in header}
    try:
        df = pd.read_csv(path, sep="\t", dtype=strings, encoding="utf-8-sig", keep_default_na=True)
    except (pd.errors.ParserError, ValueError) as exc:
        raise SheetError(f"cannot parse as TSV: {exc}", path) from None
    if df.empty:
        raise SheetError("no data rows below the header", path, line=2)
    try:
        validate(df, str(SCHEMA_DIR / f"{name}.schema.yaml"))
    except WorkflowError:
        raise _locate_error(df, schema, path) from None
    idcol = SHEETS[name]
    dup = df[idcol].duplicated(keep="first")
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0]) + 1
        raise SheetError(f"duplicate {idcol} {df[idcol].iloc[i - 1]!r}", path, row=i, line=i + 1, column=idcol)
    if check_files:
        for col in PATH_COLUMNS:
            if col not in df.columns:
                continue
            for i, rel in enumerate(df[col], start=1):
                if isinstance(rel, str) and rel.strip():
                    resolve_in_dataset(dataset_dir, rel, sheet=path, row=i, column=col)
    return df.reset_index(drop=True)


def sheet_file(dataset_dir: str | Path, rel: str) -> Path:
    """Path of a file named in an already validated sheet."""
    return Path(dataset_dir) / rel


__all__ = ["SHEETS", "RawDataError", "load_schema", "read_sheet", "sheet_file"]
