"""Reader for I-V sweep CSVs (c-AFM tip or Au pad; raw-data contract in docs/data-contract.md).

Format: optional ``#`` comment lines, then the header ``time_s,bias_V,current_A`` and, for
multi-cycle (memristor) files, a 4th column ``cycle`` (int from 1). SI units: s, V vs Li/Li+, A.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
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
        # round_trip: Python's correctly rounded float(); the C parser's default is off by one unit in
        # the last place for a few values in a million (e.g. '-5.61238e-18')
        df = pd.read_csv(io.StringIO(body), names=names, header=None, dtype=np.float64, engine="c",
                         float_precision="round_trip")
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


#: Header lines the batch reader takes as they are (anything else goes through :func:`read_sweep_csv`).
_HEADERS = {b"time_s,bias_V,current_A": 3, b"time_s,bias_V,current_A,cycle": 4}


def _body(raw: bytes) -> tuple[int, bytes] | None:
    """Columns and data rows of a sweep CSV in the plain layout, or None (then the file is read alone)."""
    if not raw.isascii():
        return None
    pos = 0
    while True:  # comment and blank lines before the header
        nl = raw.find(b"\n", pos)
        if nl < 0:
            return None
        line = raw[pos:nl]
        if line.startswith(b"#") or not line.strip():
            pos = nl + 1
            continue
        break
    ncols = _HEADERS.get(line)
    body = raw[nl + 1:]
    if ncols is None or not body or b"\r" in body or b"\n\n" in body or body.startswith(b"\n"):
        return None
    return ncols, body if body.endswith(b"\n") else body + b"\n"


def read_sweep_table(paths: Sequence[str | Path]) -> tuple[pd.DataFrame, np.ndarray]:
    """Read many sweep CSVs into one long table, as :func:`read_sweep_csv` reads each, one parse for all.

    Files in the plain layout (ASCII, ``#`` comments, the header ``time_s,bias_V,current_A[,cycle]``
    in this order, LF line ends, no blank line inside the data) are concatenated and parsed by
    pyarrow's CSV reader in one pass (correctly rounded, like ``float()``), then checked together
    (finite values, increasing time, integer cycles). Any other file, and every file of a batch
    that fails a check, is read by :func:`read_sweep_csv`, which names the problem. 10,000 sweeps
    take seconds, where reading them one by one with pandas takes about a minute.

    Returns
    -------
    table : pandas.DataFrame
        ``cycle`` (int64; 1 for files without the column), ``time_s``, ``bias_V``, ``current_A``
        of every file, in ``paths`` order.
    counts : numpy.ndarray
        Rows of each file.

    Raises
    ------
    RawDataError
        As :func:`read_sweep_csv`, for the first bad file in ``paths`` order.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    paths = [Path(p) for p in paths]
    parts: list[dict[str, np.ndarray] | None] = [None] * len(paths)
    groups: dict[int, list[tuple[int, bytes]]] = {3: [], 4: []}
    for i, p in enumerate(paths):
        with open(p, "rb") as fh:
            got = _body(fh.read())
        if got is not None:
            groups[got[0]].append((i, got[1]))
    for ncols, files in groups.items():
        if not files:
            continue
        names = ["time_s", "bias_V", "current_A", "cycle"][:ncols]
        counts = np.array([b.count(b"\n") for _, b in files])
        try:
            table = pacsv.read_csv(
                pa.BufferReader(b"".join(b for _, b in files)),
                read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
                parse_options=pacsv.ParseOptions(quote_char=False),
                convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.float64())))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            continue  # a bad value somewhere: each file alone says where
        if table.num_rows != counts.sum() or any(c.null_count for c in table.columns):
            continue
        cols = {n: table.column(n).to_numpy() for n in names}
        bounds = np.r_[0, np.cumsum(counts)]
        bad = ~np.isfinite(np.column_stack(list(cols.values()))).all(axis=1)
        step_ok = np.diff(cols["time_s"]) > 0
        step_ok[bounds[1:-1] - 1] = True  # from one file to the next
        bad[1:] |= ~step_ok
        if ncols == 4:
            bad |= (cols["cycle"] != np.round(cols["cycle"])) | (cols["cycle"] < 1)
        bad_file = np.add.reduceat(bad, bounds[:-1]) > 0
        for k, (i, _) in enumerate(files):
            if not bad_file[k]:
                a, b = bounds[k], bounds[k + 1]
                parts[i] = {n: v[a:b] for n, v in cols.items()}
    for i, p in enumerate(paths):
        if parts[i] is None:
            df = read_sweep_csv(p)
            parts[i] = {n: df[n].to_numpy() for n in df.columns}
    counts = np.array([len(part["time_s"]) for part in parts], dtype=np.int64)
    cycle = [part["cycle"].astype(np.int64) if "cycle" in part else np.ones(len(part["time_s"]), np.int64)
             for part in parts]
    long = {"cycle": np.concatenate(cycle) if parts else np.zeros(0, np.int64)}
    for n in REQUIRED:
        long[n] = np.concatenate([part[n] for part in parts]) if parts else np.zeros(0)
    return pd.DataFrame(long, copy=False), counts
