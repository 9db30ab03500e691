"""Reader for I-V sweep CSVs (c-AFM tip or Au pad; raw-data contract in docs/data-contract.md).

Format: optional ``#`` comment lines, then the header ``time_s,bias_V,current_A`` and, for
multi-cycle (memristor) files, a 4th column ``cycle`` (int from 1). SI units: s, V vs Li/Li+, A.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from llzo.io.errors import RawDataError

REQUIRED = ("time_s", "bias_V", "current_A")
OPTIONAL = ("cycle",)


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RawDataError("file is UTF-16 encoded; save it as UTF-8 (or ASCII) CSV", path, line=1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RawDataError("not UTF-8/ASCII text", path, line=line) from None


def _bad_cell(body: str, names: list[str], first_line: int, path: Path) -> RawDataError:
    """Find the first cell that is missing, not a number or not finite."""
    for k, text in enumerate(body.splitlines()):
        if not text.strip():
            continue
        cells = text.split(",")
        line = first_line + k
        if len(cells) != len(names):
            return RawDataError(f"expected {len(names)} comma-separated values, found {len(cells)}", path, line=line)
        for name, cell in zip(names, cells, strict=True):
            try:
                v = float(cell)
            except ValueError:
                return RawDataError(f"{cell.strip()!r} is not a number", path, line=line, column=name)
            if not np.isfinite(v):
                return RawDataError(f"non-finite value {cell.strip()!r}", path, line=line, column=name)
    return RawDataError("cannot parse the data rows", path)


def read_sweep_csv(path: str | Path) -> pd.DataFrame:
    """Read one sweep CSV into a tidy frame.

    Parameters
    ----------
    path
        The CSV file (opened read-only).

    Returns
    -------
    pandas.DataFrame
        Columns ``time_s`` (s), ``bias_V`` (V vs Li/Li+), ``current_A`` (A, negative for Li+
        reduction at the working electrode) as float64, and ``cycle`` (int64, 1-based) when the
        file has it.

    Raises
    ------
    RawDataError
        Missing/unknown header columns, text in a number column, non-finite values, a
        non-increasing time column, an empty file; the message names the file and line.
    """
    path = Path(path)
    with open(path, "rb") as fh:
        text = _decode(fh.read(), path)
    lines = text.splitlines()
    n_comment = 0
    while n_comment < len(lines) and (lines[n_comment].startswith("#") or not lines[n_comment].strip()):
        n_comment += 1
    if n_comment >= len(lines):
        raise RawDataError("empty file: no header 'time_s,bias_V,current_A'", path, line=max(1, n_comment))
    header_line = n_comment + 1
    names = [c.strip() for c in lines[n_comment].split(",")]
    for col in REQUIRED:
        if col not in names:
            raise RawDataError(
                f"header {','.join(names)!r} lacks column {col!r} (expected time_s,bias_V,current_A[,cycle])",
                path, line=header_line, column=col,
            )
    unknown = [c for c in names if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise RawDataError(f"unknown column {unknown[0]!r} (wrong unit suffix?)", path, line=header_line,
                           column=unknown[0])
    body = "\n".join(lines[n_comment + 1 :])
    if not body.strip():
        raise RawDataError("no data rows below the header", path, line=header_line + 1)
    try:
        df = pd.read_csv(io.StringIO(body), names=names, header=None, dtype=np.float64, engine="c")
    except (ValueError, pd.errors.ParserError):
        raise _bad_cell(body, names, header_line + 1, path) from None
    values = df.to_numpy()
    if df.isna().any().any() or not np.isfinite(values).all():
        raise _bad_cell(body, names, header_line + 1, path)
    dt = np.diff(df["time_s"].to_numpy())
    if (dt <= 0).any():
        k = int(np.nonzero(dt <= 0)[0][0]) + 1
        raise RawDataError("time_s does not increase", path, line=header_line + 1 + k, column="time_s")
    if "cycle" in df:
        cyc = df["cycle"].to_numpy()
        if (cyc != np.round(cyc)).any() or (cyc < 1).any():
            k = int(np.nonzero((cyc != np.round(cyc)) | (cyc < 1))[0][0])
            raise RawDataError("cycle must be an integer >= 1", path, line=header_line + 1 + k, column="cycle")
        df["cycle"] = cyc.astype(np.int64)
    return df
