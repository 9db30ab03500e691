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


def _unit_hint(column: str | None, header: list[str]) -> str:
    """`` (found 'x_mA': wrong unit? ...)`` when the header has ``column`` with another unit suffix."""
    if not column or "_" not in column:
        return ""
    stem = column.rsplit("_", 1)[0]
    near = [h for h in header if h != column and "_" in str(h) and str(h).rsplit("_", 1)[0] == stem]
    if not near:
        return ""
    return f" (found {near[0]!r}: wrong unit? the contract wants {column!r}; convert the values and rename it)"


def _field_counts(text: str, n_header: int, path: Path) -> dict[int, int]:
    """Return the data rows with fewer fields than the header ({row: n}); raise for a row with more."""
    short = {}
    for k, line in enumerate(text.splitlines()[1:], start=1):
        if not line.strip():
            continue
        n = line.count("\t") + 1
        if n > n_header:
            raise SheetError(f"{n} tab-separated fields where the header has {n_header} (a tab inside a value?)",
                             path, row=k, line=k + 1)
        if n < n_header:
            short[k] = n
    return short


def _numeric_columns(schema: dict) -> list[str]:
    return [k for k, v in schema.get("properties", {}).items() if v.get("type") in ("number", "integer")]


def _coerce_numbers(df: pd.DataFrame, schema: dict, path: Path) -> None:
    """Convert number columns read as text; the first cell that is not a number is reported (row, column)."""
    for col in _numeric_columns(schema):
        if col not in df.columns or pd.api.types.is_numeric_dtype(df[col]):
            continue
        num = pd.to_numeric(df[col], errors="coerce")
        bad = num.isna() & df[col].notna()
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0]) + 1
            raise SheetError(f"invalid value {df[col].iloc[i - 1]!r}: not a number", path, row=i, line=i + 1,
                             column=col)
        df[col] = num


def _locate_error(df: pd.DataFrame, schema: dict, path: Path, short_rows: dict[int, int]) -> SheetError:
    validator = jsonschema.Draft202012Validator(schema)
    for i, rec in enumerate(_records(df), start=1):
        errors = sorted(validator.iter_errors(rec), key=lambda e: list(e.path))
        if errors:
            err = errors[0]
            column = str(err.path[0]) if err.path else None
            if column is None and err.validator == "required":
                column = err.message.split("'")[1] if "'" in err.message else None
                msg = f"required column {column!r} is empty or missing" + _unit_hint(column, list(df.columns))
                if i in short_rows:
                    msg += f" (the row has only {short_rows[i]} of {len(df.columns)} tab-separated fields: cut off?)"
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
        hint = _unit_hint(missing[0], header) or " (tab-separated?)"
        raise SheetError(
            f"header lacks required column(s) {missing}; found {header}{hint}",
            path, line=1, column=missing[0],
        )
    short_rows = _field_counts(text, len(header), path)
    strings = {c: str for c in _string_columns(schema) if c in header}
    try:
        df = pd.read_csv(path, sep="\t", dtype=strings, encoding="utf-8-sig", keep_default_na=True)
    except (pd.errors.ParserError, ValueError) as exc:
        raise SheetError(f"cannot parse as TSV: {exc}", path) from None
    if df.empty:
        raise SheetError("no data rows below the header", path, line=2)
    _coerce_numbers(df, schema, path)
    try:
        validate(df, str(SCHEMA_DIR / f"{name}.schema.yaml"))
    except WorkflowError:
        raise _locate_error(df, schema, path, short_rows) from None
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
