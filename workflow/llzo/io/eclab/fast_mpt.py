r"""The project's fast parser of EC-Lab ``.mpt`` text exports (the data table at memory speed).

The data table is parsed column-wise by pyarrow's multithreaded CSV reader with the file's
decimal separator (correctly rounded floats, like Python's ``float``), so it returns the same
values as yadg (the reader of record) and galvani (the older reference), one to two orders of
magnitude faster on big cycling logs (``workflow/scripts/bench_mpt.py`` prints the ratios); the
parity tests in ``tests/io/test_eclab.py`` assert identical values on every real file.

Text exports are accepted as EC-Lab writes them and as they arrive after a copy or a git
checkout: CRLF or LF line endings, Windows-1252 text (``µ``, ``²``), decimal point or comma.
Two quirks of real exports are read, not refused, and written into :attr:`ECLabFile.notes`:

* ``Nb header lines : N`` off by a few lines (the column-name line is searched within
  :data:`HEADER_SEARCH_LINES` lines of line N: the line of tab-separated names followed by a
  numeric row with as many values);
* column names without data (EC-Lab >= 11.6 can write ``...\\t\\tEwe-Ece/V`` after the last
  name with data): the names after the first empty name are dropped when the rows hold exactly
  the values of the names before it.

References
----------
EC-Lab Software User's Manual, BioLogic (text export, section "Export as text").
"""

from __future__ import annotations

import re
from pathlib import Path

from llzo.io.eclab.columns import canonical_frame, split_control
from llzo.io.eclab.fixed_layout import field_format, parse_table
from llzo.io.eclab.record import ECLabFile
from llzo.io.errors import RawDataError

MAGIC = (b"EC-Lab ASCII FILE", b"BT-Lab ASCII FILE")
_NB_RE = re.compile(rb"^Nb header lines\s*:\s*(\d+)\s*$")
_VERSION_RE = re.compile(r"(?:EC|BT)-Lab for windows v\s*([0-9][0-9.]*)", re.IGNORECASE)
_DEVICE_RE = re.compile(r"^Device\s*:\s*(.+)$")
_NUM_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
#: How far (lines) from the declared ``Nb header lines`` the column-name line is searched.
HEADER_SEARCH_LINES = 10


def decode(b: bytes) -> str:
    """EC-Lab text (Windows-1252, latin-1 for bytes cp1252 leaves undefined)."""
    try:
        return b.decode("cp1252")
    except UnicodeDecodeError:
        return b.decode("latin-1")


def _is_names(line: str) -> bool:
    names = [n.strip() for n in line.rstrip("\r\n").split("\t")]
    while names and not names[-1]:
        names.pop()
    return len(names) >= 2 and bool(names[0]) and not any(_NUM_RE.match(n) for n in names if n)


def _is_row(line: str) -> int:
    """Count the values of a data row: tab-separated fields, the first a number (0 if not a row).

    A damaged value further on (text in a number) is reported by the table parser with its line.
    """
    cells = line.rstrip("\r\n").rstrip("\t").split("\t")
    if not cells or not _NUM_RE.match(cells[0].strip()):
        return 0
    return len(cells)


def _names_with_data(line: str, n_values: int) -> tuple[list[str], list[str]]:
    """Column names that have data and names without (see module doc)."""
    names = [n.strip() for n in line.rstrip("\r\n").split("\t")]
    while names and not names[-1]:
        names.pop()
    if "" in names:
        k = names.index("")
        if n_values == k:
            return names[:k], [n for n in names[k:] if n]
    return names, []


def split_header(raw: bytes, path: Path) -> tuple[list[str], list[str], int, int, list[str]]:
    """Parse the header of an ``.mpt``.

    Returns
    -------
    header, names, names_line, data_offset, notes
        Header lines (before the column names), column names with data, 1-based line of the
        column names, byte offset of the first data row, quirks met.

    Raises
    ------
    RawDataError
        Not an EC-Lab export, no ``Nb header lines``, truncated header, no column-name line
        near the declared count.
    """
    if not raw:
        raise RawDataError("empty file (expected an EC-Lab text export)", path, line=1)
    nl = raw.find(b"\n")
    first = raw[: nl if nl >= 0 else len(raw)].rstrip(b"\r")
    if first not in MAGIC:
        raise RawDataError(f"first line is {decode(first[:40])!r}, not 'EC-Lab ASCII FILE': not an "
                           "EC-Lab text export", path, line=1)
    offsets = [0]  # start of every line (and the end of the last complete one)
    nb = None
    pos = 0
    while True:
        nl = raw.find(b"\n", pos)
        if nl < 0:
            break
        pos = nl + 1
        offsets.append(pos)
        if len(offsets) == 3:
            m = _NB_RE.match(raw[offsets[1]: nl].rstrip(b"\r"))
            if not m:
                raise RawDataError("second line must be 'Nb header lines : N'", path, line=2)
            nb = int(m.group(1))
            if nb < 3:
                raise RawDataError(f"'Nb header lines : {nb}' is too small (at least 3)", path, line=2)
        if nb is not None and len(offsets) > nb + HEADER_SEARCH_LINES + 1:
            break
    complete = len(offsets) - 1
    if nb is None or complete < nb:
        raise RawDataError(f"file is truncated: it ends inside the header ('Nb header lines : {nb}' announced, "
                           f"{complete} complete lines found)", path, line=complete + 1)
    lines = [decode(raw[offsets[i]: offsets[i + 1]]) for i in range(len(offsets) - 1)]

    def names_at(k: int) -> bool:  # k: 0-based line index
        if not (2 <= k < len(lines)) or not _is_names(lines[k]):
            return False
        if k + 1 >= len(lines):
            return True  # names as the last line: "no data rows" is reported below
        n = _is_row(lines[k + 1])
        names, _ = _names_with_data(lines[k], n)
        return n == len(names) or (k + 1 == len(lines) - 1 and 0 < n < len(names))

    k0 = nb - 1
    order = [k0] + [k0 + s * d for d in range(1, HEADER_SEARCH_LINES + 1) for s in (-1, 1)]
    found = next((k for k in order if names_at(k)), None)
    if found is None:
        raise RawDataError(
            f"line {nb} should hold the tab-separated column names ('Nb header lines : {nb}'), but it reads "
            f"{lines[k0].rstrip()[:60]!r}, and no line within {HEADER_SEARCH_LINES} lines of it does: the header "
            "line count is wrong or the file was edited", path, line=nb)
    notes = []
    if found != k0:
        notes.append(f"'Nb header lines : {nb}' is off by {found - k0:+d}: the column names are on line "
                     f"{found + 1}; read from there")
    n_first = _is_row(lines[found + 1]) if found + 1 < len(lines) else 0
    names, orphans = _names_with_data(lines[found], n_first)
    if orphans:
        notes.append(f"column name(s) {orphans} on line {found + 1} have no data (after an empty name); ignored")
    header = [ln.rstrip("\r\n") for ln in lines[:found]]
    return header, names, found + 1, offsets[found + 1], notes


def find_bad_line(data: bytes, ncols: int, first_line: int) -> tuple[int, str]:
    """First malformed data line (1-based file line) and what is wrong with it."""
    n_lines = data.count(b"\n")
    for i, ln in enumerate(data.split(b"\n")):
        s = ln.rstrip(b"\r")
        if not s.strip():
            if i < n_lines:
                return first_line + i, "empty line inside the data table"
            continue
        parts = decode(s).rstrip("\t").split("\t")
        if len(parts) != ncols:
            return first_line + i, f"{len(parts)} values where the header has {ncols} columns (truncated file?)"
        for p in parts:
            if not _NUM_RE.match(p.strip()):
                return first_line + i, f"value {p!r} is not a number"
    return first_line, "unparseable data table"


def header_version(header: list[str]) -> str:
    """EC-Lab version from the header lines (``"11.50"``), or ``"unknown"``."""
    for ln in header:
        m = _VERSION_RE.search(ln)
        if m:
            return m.group(1)
    return "unknown"


def header_technique(header: list[str]) -> str:
    """Technique title: the first non-empty line after the two magic lines."""
    for ln in header[2:6]:
        if ln.strip():
            return ln.strip()
    return ""


def header_device(header: list[str]) -> str:
    """Potentiostat (``"SP-300 (SN 1854)"``) from the ``Device :`` line, or ``""``."""
    for ln in header:
        m = _DEVICE_RE.match(ln.strip())
        if m:
            return m.group(1).strip()
    return ""


def decimal_separator(first_row: bytes) -> str:
    """``","`` for a de_DE export (decimal comma), else ``"."``."""
    return "," if (b"," in first_row and b"." not in first_row) else "."


def read_mpt_fast(path: str | Path) -> ECLabFile:
    """Read an EC-Lab ``.mpt`` text export with the fast columnar parser.

    Returns
    -------
    ECLabFile
        ``reader="fast"``; no :attr:`~ECLabFile.uncertainty` (the ingest adds yadg's).

    Raises
    ------
    RawDataError
        Not an EC-Lab export, an unusable header, a truncated or malformed table (file and
        line named).
    """
    path = Path(path)
    raw = path.read_bytes()
    header, names, nb, start, notes = split_header(raw, path)
    data = memoryview(raw)[start:]
    nl = raw.find(b"\n", start)
    first = raw[start: nl if nl >= 0 else len(raw)].rstrip(b"\r")
    if not first.strip():
        raise RawDataError("no data rows below the column names", path, line=nb + 1)
    dec = decimal_separator(first)
    fields = first.rstrip(b"\t").split(b"\t") if first.endswith(b"\t") else first.split(b"\t")
    if len(fields) == len(names):  # EC-Lab's fixed layout: parsed column-wise (llzo.io.eclab.fixed_layout)
        values = parse_table(raw, start, [field_format(f) for f in fields], dec)
        if values is not None:
            cols = dict(zip(names, values, strict=True))
            return ECLabFile(split_control(canonical_frame(cols)), header_version(header), header_technique(header),
                             path, "fast", header, header_device(header), {}, notes, nb + 1)
    n_first = len(decode(first).split("\t"))
    colnames = [f"c{i}" for i in range(len(names))]
    if n_first == len(names) + 1 and first.endswith(b"\t"):
        colnames.append("_trailing")
    import pyarrow as pa  # the general path: any number format pyarrow reads (correctly rounded)
    import pyarrow.csv as pacsv

    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data)),
            read_options=pacsv.ReadOptions(column_names=colnames, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.float64() for c in colnames[: len(names)]},
                                                 decimal_point=dec, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        line, what = find_bad_line(bytes(data), len(names), nb + 1)
        raise RawDataError(what, path, line=line) from None
    if table.num_rows == 0:
        raise RawDataError("no data rows below the column names", path, line=nb + 1)
    if any(table.column(i).null_count for i in range(len(names))):
        line, what = find_bad_line(bytes(data), len(names), nb + 1)
        raise RawDataError(what, path, line=line)
    cols = {n: table.column(i).to_numpy() for i, n in enumerate(names)}
    return ECLabFile(split_control(canonical_frame(cols)), header_version(header), header_technique(header),
                     path, "fast", header, header_device(header), {}, notes, nb + 1)


__all__ = ["HEADER_SEARCH_LINES", "MAGIC", "decode", "find_bad_line", "header_device", "header_technique",
           "header_version", "read_mpt_fast", "split_header"]
