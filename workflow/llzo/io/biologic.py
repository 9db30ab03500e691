"""Reader of BioLogic EC-Lab files: ``.mpt`` text exports and ``.mpr`` binaries.

galvani (``MPTfile``, ``MPRfile``) is the reference. The default ``.mpt`` path parses the data
table with pyarrow's multithreaded CSV reader (correctly rounded floats, like Python's
``float``), so it returns the same values, dtypes and column names as galvani, an order of
magnitude faster on big cycling logs (``workflow/scripts/bench/bench_mpt.py``).

Column names are galvani's canonical ones (:func:`galvani.BioLogic.fieldname_to_dtype`):
``<I>/mA`` -> ``I/mA``, ``<Ewe>/V`` and ``Ecell/V`` -> ``Ewe/V``, ``dq/mA.h`` -> ``dQ/mA.h``;
unknown names are kept as float columns. Text exports are accepted with CRLF (as EC-Lab writes
them) or LF line endings, in Windows-1252/latin-1, with a decimal point or a decimal comma.

References
----------
EC-Lab Software User's Manual, BioLogic (text export, section "Export as text").
galvani, echemdata/galvani ``galvani/BioLogic.py``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from llzo.io.errors import RawDataError

MAGIC = (b"EC-Lab ASCII FILE", b"BT-Lab ASCII FILE")
_NB_RE = re.compile(rb"^Nb header lines\s*:\s*(\d+)\s*$")
_VERSION_RE = re.compile(r"(?:EC|BT)-Lab for windows v\s*([0-9][0-9.]*)", re.IGNORECASE)
_NUM_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class ECLabFile:
    """One EC-Lab file read into a table.

    Attributes
    ----------
    data
        One column per EC-Lab column (galvani's canonical names, units in the names:
        ``time/s``, ``Ewe/V``, ``I/mA``, ``freq/Hz``, ...).
    ec_lab_version
        Version of EC-Lab that wrote the file (``"11.50"``), or for ``.mpr`` files the binary
        layout (EC-Lab does not store its version number in the binary).
    technique
        Technique title from the header (``.mpt``), or ``""``.
    path
        The file.
    reader
        ``"pyarrow"``, ``"galvani-mpt"`` or ``"galvani-mpr"``.
    header
        Header lines (``.mpt``).
    """

    data: pd.DataFrame
    ec_lab_version: str
    technique: str
    path: Path
    reader: str
    header: list[str] = field(default_factory=list)


def canonical_column(name: str) -> tuple[str, np.dtype]:
    """Galvani's canonical name and dtype of an EC-Lab column (unknown names: float64)."""
    from galvani.BioLogic import fieldname_to_dtype

    try:
        canon, dtype = fieldname_to_dtype(name)
    except ValueError:
        return name, np.dtype(np.float64)
    return canon, np.dtype(dtype)


def _decode(b: bytes) -> str:
    try:
        return b.decode("cp1252")
    except UnicodeDecodeError:
        return b.decode("latin-1")


def _split_header(raw: bytes, path: Path) -> tuple[list[str], list[str], int, int]:
    """Header lines, column names, header line count and byte offset of the data table."""
    if not raw:
        raise RawDataError("empty file (expected an EC-Lab text export)", path, line=1)
    offsets = [0]
    pos = 0
    nb = None
    while True:
        nl = raw.find(b"\n", pos)
        if nl < 0:
            break
        pos = nl + 1
        offsets.append(pos)
        if len(offsets) == 2:
            first = raw[: nl].rstrip(b"\r")
            if first not in MAGIC:
                raise RawDataError(f"first line is {_decode(first[:40])!r}, not 'EC-Lab ASCII FILE': not an "
                                   "EC-Lab text export", path, line=1)
        if len(offsets) == 3:
            m = _NB_RE.match(raw[offsets[1]: nl].rstrip(b"\r"))
            if not m:
                raise RawDataError("second line must be 'Nb header lines : N'", path, line=2)
            nb = int(m.group(1))
            if nb < 3:
                raise RawDataError(f"'Nb header lines : {nb}' is too small (at least 3)", path, line=2)
        if nb is not None and len(offsets) > nb:
            break
    if nb is None or len(offsets) <= nb:
        raise RawDataError(f"file is truncated: it ends inside the header ('Nb header lines : {nb}' announced, "
                           f"{len(offsets) - 1} complete lines found)", path, line=len(offsets))
    lines = [_decode(raw[offsets[i]: offsets[i + 1]]).rstrip("\r\n") for i in range(nb)]
    names = lines[nb - 1].strip().split("\t")
    bad = (len(names) < 2 or any(not n.strip() for n in names) or any(_NUM_RE.match(n.strip()) for n in names))
    if bad:
        raise RawDataError(
            f"line {nb} should hold the tab-separated column names ('Nb header lines : {nb}'), but it reads "
            f"{lines[nb - 1][:60]!r}: the header line count is wrong or the file was edited", path, line=nb)
    return lines[: nb - 1], [n.strip() for n in names], nb, offsets[nb]


def _find_bad_line(data: bytes, ncols: int, first_line: int, dec: str) -> tuple[int, str]:
    """First malformed data line (1-based file line) and what is wrong with it."""
    for i, ln in enumerate(data.split(b"\n")):
        s = ln.rstrip(b"\r")
        if not s.strip():
            if i < data.count(b"\n"):
                return first_line + i, "empty line inside the data table"
            continue
        parts = _decode(s).rstrip("\t").split("\t")
        if len(parts) != ncols:
            return first_line + i, f"{len(parts)} values where the header has {ncols} columns (truncated file?)"
        for p in parts:
            if not _NUM_RE.match(p.strip()):
                return first_line + i, f"value {p!r} is not a number"
    return first_line, "unparseable data table"


def _version(header: list[str]) -> str:
    for ln in header:
        m = _VERSION_RE.search(ln)
        if m:
            return m.group(1)
    return "unknown"


def _technique(header: list[str]) -> str:
    for ln in header[2:6]:
        if ln.strip():
            return ln.strip()
    return ""


def _canonical_frame(cols: dict[str, np.ndarray]) -> pd.DataFrame:
    out: dict[str, np.ndarray] = {}
    for name, values in cols.items():
        canon, dtype = canonical_column(name)
        key = canon
        k = 2
        while key in out:
            key = f"{canon} {k}"
            k += 1
        out[key] = np.asarray(values).astype(dtype) if np.asarray(values).dtype != dtype else np.asarray(values)
    return pd.DataFrame(out)


def read_mpt(path: str | Path, engine: str = "fast") -> ECLabFile:
    """Read an EC-Lab ``.mpt`` text export.

    Parameters
    ----------
    path
        The ``.mpt`` file.
    engine
        ``"fast"`` (pyarrow CSV, default) or ``"galvani"`` (the reference ``MPTfile``).

    Returns
    -------
    ECLabFile

    Raises
    ------
    RawDataError
        Not an EC-Lab export, a wrong ``Nb header lines``, a truncated or malformed table (the
        file and line are named).
    """
    path = Path(path)
    raw = path.read_bytes()
    header, names, nb, start = _split_header(raw, path)
    data = memoryview(raw)[start:]
    nl = raw.find(b"\n", start)
    first = raw[start: nl if nl >= 0 else len(raw)].rstrip(b"\r")
    if not first.strip():
        raise RawDataError("no data rows below the column names", path, line=nb + 1)
    dec = "," if (b"," in first and b"." not in first) else "."
    version, technique = _version(header), _technique(header)
    if engine == "galvani":
        return ECLabFile(_read_galvani_mpt(raw, path, dec, nb, names), version, technique, path, "galvani-mpt",
                         header)
    if engine != "fast":
        raise ValueError(f"engine must be 'fast' or 'galvani', not {engine!r}")
    import pyarrow as pa
    import pyarrow.csv as pacsv

    n_first = len(_decode(first).split("\t"))
    colnames = [f"c{i}" for i in range(len(names))]
    if n_first == len(names) + 1 and first.endswith(b"\t"):
        colnames.append("_trailing")
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data)),
            read_options=pacsv.ReadOptions(column_names=colnames, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.float64() for c in colnames[: len(names)]},
                                                 decimal_point=dec, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        line, what = _find_bad_line(bytes(data), len(names), nb + 1, dec)
        raise RawDataError(what, path, line=line) from None
    if table.num_rows == 0:
        raise RawDataError("no data rows below the column names", path, line=nb + 1)
    if table.column(0).null_count or any(table.column(i).null_count for i in range(len(names))):
        line, what = _find_bad_line(bytes(data), len(names), nb + 1, dec)
        raise RawDataError(what, path, line=line)
    cols = {n: table.column(i).to_numpy() for i, n in enumerate(names)}
    return ECLabFile(_canonical_frame(cols), version, technique, path, "pyarrow", header)


def _read_galvani_mpt(raw: bytes, path: Path, dec: str, nb: int, names: list[str]) -> pd.DataFrame:
    from galvani.BioLogic import MPTfile

    if not raw.startswith(MAGIC[0] + b"\r\n") and not raw.startswith(MAGIC[1] + b"\r\n"):
        raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")  # galvani wants EC-Lab's CRLF
    try:
        arr, _ = MPTfile(io.BytesIO(raw), encoding="cp1252")
    except ValueError as exc:
        if "Invalid column header" in str(exc):
            raise RawDataError(f"galvani does not know a column: {exc}", path, line=nb) from None
        line, what = _find_bad_line(raw.split(b"\n", nb)[-1], len(names), nb + 1, dec)
        raise RawDataError(f"{what} (galvani: {exc})", path, line=line) from None
    return pd.DataFrame({n: arr[n] for n in arr.dtype.names})


def mpr_layout(path: str | Path) -> str:
    """Describe which EC-Lab generation wrote an ``.mpr`` (the binary holds no version number).

    Returns e.g. ``"EC-Lab >= 11.50 (mpr data module v3)"`` or ``"EC-Lab < 11.50 (mpr data module v2)"``.
    """
    raw = Path(path).read_bytes()
    from galvani.BioLogic import MPR_MAGIC

    new = raw[len(MPR_MAGIC) + 6 + 35: len(MPR_MAGIC) + 6 + 39] == b"\xff\xff\xff\xff"
    gen = "EC-Lab >= 11.50" if new else "EC-Lab < 11.50"
    i = raw.find(b"VMP data  ")
    ver = "?"
    if i >= 0:
        # module header: shortname(10) longname(25) [v2: 4 x 0xff + length u4 + version u4 | v1: length, version]
        j = i + 10 + 25 + (4 if new else 0)
        if len(raw) >= j + 8:
            ver = str(int(np.frombuffer(raw[j + 4: j + 8], "<u4")[0]))
    return f"{gen} (mpr data module v{ver})"


def read_mpr(path: str | Path) -> ECLabFile:
    """Read an EC-Lab ``.mpr`` binary with galvani.

    Raises
    ------
    RawDataError
        galvani cannot read it (most often a column id that a newer EC-Lab added): the message
        names the file, the EC-Lab generation and the column id, and suggests the ``.mpt`` export.
    """
    from galvani import BioLogic

    path = Path(path)
    layout = mpr_layout(path) if path.is_file() else "unknown"
    try:
        mpr = BioLogic.MPRfile(str(path))
    except NotImplementedError as exc:
        m = re.search(r"Column ID (\d+) after column (.+) is unknown", str(exc))
        cid, prev = (m.group(1), m.group(2)) if m else ("?", "?")
        raise RawDataError(
            f"unreadable .mpr written by {layout}: column id {cid} (after column '{prev}') is unknown to "
            f"galvani; export the run as text in EC-Lab (Experiment > Export as Text, .mpt) and name the "
            f".mpt file in echem.tsv", path, column=f"column id {cid}") from None
    except (ValueError, AssertionError, OSError, IndexError) as exc:
        raise RawDataError(f"unreadable .mpr written by {layout}: {exc or type(exc).__name__}; export the run "
                           f"as text in EC-Lab (.mpt) and name the .mpt file in echem.tsv", path) from None
    cols: dict[str, np.ndarray] = {}
    for name in mpr.data.dtype.names:
        if name == "flags":
            for flag in mpr.flags_dict:
                cols[flag] = mpr.get_flag(flag)
        else:
            cols[name] = np.asarray(mpr.data[name])
    df = _canonical_frame({k: v.astype(np.float64) if v.dtype.kind == "f" else v for k, v in cols.items()})
    return ECLabFile(df, layout, "", path, "galvani-mpr")


def read_eclab(path: str | Path, engine: str = "fast") -> ECLabFile:
    """Read an ``.mpt`` or ``.mpr`` file (by extension)."""
    path = Path(path)
    if not path.is_file():
        raise RawDataError("file not found", path)
    suffix = path.suffix.lower()
    if suffix == ".mpr":
        return read_mpr(path)
    if suffix == ".mpt":
        return read_mpt(path, engine=engine)
    raise RawDataError(f"unknown extension {path.suffix!r}: expected an EC-Lab .mpt or .mpr file", path)


__all__ = ["ECLabFile", "canonical_column", "mpr_layout", "read_eclab", "read_mpr", "read_mpt"]
