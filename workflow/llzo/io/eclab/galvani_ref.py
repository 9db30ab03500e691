"""galvani, the parity reference for EC-Lab files.

It reads ``.mpr`` binaries up to EC-Lab 11.4x and CRLF ``.mpt`` exports; EC-Lab >= 11.50 binaries
stop at column ids it does not know.

References
----------
galvani, echemdata/galvani ``galvani/BioLogic.py`` (``MPRfile``, ``MPTfile``).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from llzo.io.eclab.columns import canonical_frame, split_control
from llzo.io.eclab.fast_mpt import MAGIC, find_bad_line, header_device, header_technique, header_version, split_header
from llzo.io.eclab.record import ECLabFile
from llzo.io.errors import RawDataError


def mpr_layout(path: str | Path) -> str:
    """Describe which EC-Lab generation wrote an ``.mpr`` from its module headers.

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


def read_mpr_galvani(path: str | Path) -> ECLabFile:
    """Read an EC-Lab ``.mpr`` binary with galvani's ``MPRfile``.

    Raises
    ------
    RawDataError
        galvani cannot read it (most often a column id that a newer EC-Lab added): the message
        names the file, the EC-Lab generation and the column id.
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
            f"galvani", path, column=f"column id {cid}") from None
    except (ValueError, AssertionError, OSError, IndexError, EOFError) as exc:
        raise RawDataError(f"unreadable .mpr written by {layout}: galvani {exc or type(exc).__name__}", path) from None
    cols: dict[str, np.ndarray] = {}
    for name in mpr.data.dtype.names:
        if name == "flags":
            for flag in mpr.flags_dict:
                cols[flag] = mpr.get_flag(flag)
        else:
            cols[name] = np.asarray(mpr.data[name])
    df = canonical_frame({k: v.astype(np.float64) if v.dtype.kind == "f" else v for k, v in cols.items()})
    return ECLabFile(split_control(df), layout, "", path, "galvani-mpr")


def read_mpt_galvani(path: str | Path) -> ECLabFile:
    """Read an ``.mpt`` with galvani's ``MPTfile`` (parity reference; LF files are given CRLF first)."""
    from galvani.BioLogic import MPTfile

    path = Path(path)
    raw = path.read_bytes()
    header, names, nb, _start, notes = split_header(raw, path)
    if notes:  # galvani trusts the declared count: give it the corrected one
        raw = re.sub(rb"Nb header lines\s*:\s*\d+", f"Nb header lines : {nb}".encode(), raw, count=1)
    if not raw.startswith(MAGIC[0] + b"\r\n") and not raw.startswith(MAGIC[1] + b"\r\n"):
        raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")  # galvani wants EC-Lab's CRLF
    try:
        arr, _ = MPTfile(io.BytesIO(raw), encoding="cp1252")
    except ValueError as exc:
        if "Invalid column header" in str(exc):
            raise RawDataError(f"galvani does not know a column: {exc}", path, line=nb) from None
        line, what = find_bad_line(raw.split(b"\n", nb)[-1], len(names), nb + 1)
        raise RawDataError(f"{what} (galvani: {exc})", path, line=line) from None
    df = pd.DataFrame({n: arr[n] for n in arr.dtype.names})
    return ECLabFile(split_control(df), header_version(header), header_technique(header), path, "galvani-mpt",
                     header, header_device(header), {}, notes, nb + 1)


__all__ = ["mpr_layout", "read_mpr_galvani", "read_mpt_galvani"]
