"""Gwyddion ``.gwy`` maps, read with :mod:`gwyfile` after a bounded check of the file's structure.

Every data field is a channel, titled by its ``/N/data/title``; lateral size from
``xreal``/``yreal`` (m), z unit from ``si_unit_z``.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import xarray as xr

from llzo.io.afm.units import make_channel, to_si
from llzo.io.errors import RawDataError

#: Byte size of the fixed-size GWY component types; arrays (upper case) hold a uint32 count first.
_GWY_SCALAR = {"b": 1, "c": 1, "i": 4, "q": 8, "d": 8}
_GWY_ITEM = {"C": 1, "I": 4, "Q": 8, "D": 8}
#: Deepest object nesting accepted (Gwyddion files nest 3-4 levels).
_GWY_MAX_DEPTH = 64


class _GwyBad(Exception):
    """Structural defect found by the GWY pre-scan (message says where)."""


def _gwy_cstring_end(buf: bytes, pos: int, end: int, what: str) -> int:
    """Return the index just past the NUL ending the string at ``pos`` (which must lie before ``end``)."""
    nul = buf.find(b"\0", pos, end)
    if nul < 0:
        raise _GwyBad(f"{what} at byte {pos} has no terminating NUL within its enclosing object")
    return nul + 1


def _gwy_uint32(buf: bytes, pos: int, end: int, what: str) -> int:
    if pos + 4 > end:
        raise _GwyBad(f"{what} at byte {pos} is cut off")
    return struct.unpack_from("<I", buf, pos)[0]


def _gwy_object(buf: bytes, pos: int, end: int, depth: int) -> int:
    """Check the serialized object at ``pos`` (name, uint32 size, components); return its end."""
    if depth > _GWY_MAX_DEPTH:
        raise _GwyBad(f"objects nested deeper than {_GWY_MAX_DEPTH} levels at byte {pos}")
    p = _gwy_cstring_end(buf, pos, end, "object name")
    size = _gwy_uint32(buf, p, end, "object size")
    start = p + 4
    stop = start + size
    if stop > end:
        raise _GwyBad(f"object at byte {pos} declares {size} bytes but only {end - start} remain")
    p = start
    while p < stop:
        p = _gwy_component(buf, p, stop, depth)
    return stop


def _gwy_component(buf: bytes, pos: int, end: int, depth: int) -> int:
    """Check the component (name, type code, value) at ``pos`` within ``[pos, end)``; return its end."""
    p = _gwy_cstring_end(buf, pos, end, "component name")
    if p >= end:
        raise _GwyBad(f"component at byte {pos} has no type code")
    code = chr(buf[p])
    p += 1
    if code in _GWY_SCALAR:
        p += _GWY_SCALAR[code]
    elif code == "s":
        p = _gwy_cstring_end(buf, p, end, "string value")
    elif code == "o":
        p = _gwy_object(buf, p, end, depth + 1)
    elif code in _GWY_ITEM or code in "SO":
        n = _gwy_uint32(buf, p, end, "array length")
        p += 4
        if code in _GWY_ITEM:
            p += n * _GWY_ITEM[code]
        elif n > end - p:  # each string or object takes at least one byte
            raise _GwyBad(f"array at byte {pos} declares {n} items but only {end - p} bytes remain")
        else:
            for _ in range(n):
                p = (_gwy_cstring_end(buf, p, end, "string item") if code == "S"
                     else _gwy_object(buf, p, end, depth + 1))
    else:
        raise _GwyBad(f"component at byte {pos} has unknown type code {code!r}")
    if p > end:
        raise _GwyBad(f"component at byte {pos} runs past the end of its enclosing object")
    return p


def _check_gwy_structure(path: Path) -> None:
    """Pre-scan a ``.gwy`` file: magic ``GWYP``, then a GwyContainer whose sizes all fit the file.

    gwyfile trusts every size and terminator it reads and can loop forever on a truncated file;
    this bounded walk of the serialization (Gwyddion's "GWYP" format: NUL-terminated names, a
    uint32 byte size per object, typed components) rejects such a file first.

    Raises
    ------
    RawDataError
        Empty file, wrong magic, or a name, size or component that does not fit the file.
    """
    buf = path.read_bytes()
    if not buf:
        raise RawDataError("not a readable Gwyddion .gwy file (empty file)", path)
    if buf[:4] != b"GWYP":
        raise RawDataError(f"not a readable Gwyddion .gwy file (magic {buf[:4]!r}, expected b'GWYP')", path)
    try:
        _gwy_object(buf, 4, len(buf), 0)
    except _GwyBad as exc:
        raise RawDataError(f"not a readable Gwyddion .gwy file (truncated or corrupt: {exc})", path) from None


def read_gwy(path: Path) -> dict[str, xr.DataArray]:
    """Read every channel of a ``.gwy`` file (title -> DataArray in SI units)."""
    import gwyfile
    from gwyfile.util import find_datafields

    _check_gwy_structure(path)
    try:
        obj = gwyfile.load(str(path))
        titled = list(find_datafields(obj))
    except Exception as exc:  # gwyfile raises bare ValueError/struct.error/KeyError on bad bytes
        raise RawDataError(f"not a readable Gwyddion .gwy file ({type(exc).__name__}: {exc})", path) from None
    fields = {}
    for num, title in titled:
        key = f"/{num}/data"
        if key not in obj:
            raise RawDataError(f"not a readable Gwyddion .gwy file: channel {title!r} has a title "
                               f"({key}/title) but no data field ({key})", path, column=str(title))
        fields[title] = obj[key]
    if not fields:
        raise RawDataError("the .gwy file holds no data field (image channel)", path)
    out = {}
    for title, f in fields.items():
        try:
            data = np.asarray(f.data, dtype=np.float64)
            zu = f.si_unit_z.unitstr if f.si_unit_z is not None else ""
            xyu = f.si_unit_xy.unitstr if f.si_unit_xy is not None else "m"
            xreal, yreal = float(f.xreal), float(f.yreal)
            xoff, yoff = float(f.get("xoff", 0.0)), float(f.get("yoff", 0.0))
        except Exception as exc:
            raise RawDataError(f"channel {title!r} is incomplete ({type(exc).__name__}: {exc})", path,
                               column=title) from None
        sxy, uxy = to_si(xyu or "m", path, title)
        if uxy != "m":
            raise RawDataError(f"channel {title!r}: lateral unit {xyu!r} is not a length", path, column=title)
        if zu:
            sz, uz = to_si(zu, path, title)
        else:
            sz, uz = 1.0, ""
        ny, nx = data.shape
        out[title] = make_channel(data * sz, xreal * sxy / nx, yreal * sxy / ny, uz, title, path, "gwy",
                           xoff * sxy, yoff * sxy)
    return out
