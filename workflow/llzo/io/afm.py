"""Readers of AFM maps: one :class:`xarray.DataArray` per channel, SI units in ``attrs``.

Formats
-------
Gwyddion ``.gwy``
    Read with :mod:`gwyfile`; every data field is a channel, titled by its ``/N/data/title``;
    lateral size from ``xreal``/``yreal`` (m), z unit from ``si_unit_z``.
Bruker / Veeco NanoScope (``.spm``, ``.000``-``.999``), Asylum ``.ibw``, JPK (``.jpk``, ``.jpk-qi-image``)
    Read with AFMReader, which returns a bare array and a pixel size in nm, heights scaled to nm
    and (``.ibw``) *every* channel multiplied by 1e9. Each channel is put back into its own SI
    unit here: the unit the file states (NanoScope ``@Sens.`` scale, JPK calibration slot) or,
    for ``.ibw`` whose header has no per-channel unit, Asylum's channel naming convention.
    A channel whose unit cannot be established is refused with :class:`RawDataError`.

Every DataArray has dims ``("y_m", "x_m")`` with coordinates at pixel centres (m, row 0 at the
top of the image as the instrument displays it) and ``attrs``: ``units`` (SI), ``title``
(the channel name in the file), ``source_file``, ``format``, ``pixel_size_x_m``,
``pixel_size_y_m``.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import numpy as np
import xarray as xr

from llzo.io.errors import RawDataError

#: Canonical channel titles of the data contract and the names instruments use for them.
CHANNEL_ALIASES: dict[str, tuple[str, ...]] = {
    "Height": ("Height", "HeightRetrace", "HeightTrace", "Height Sensor", "height_trace",
               "height_retrace", "Topography", "Z"),
    "DMT Modulus": ("DMT Modulus", "DMTModulus", "DMT modulus", "Modulus", "YoungsModulus"),
    "Potential": ("Potential", "Surface Potential", "SurfacePotential", "PotentialRetrace",
                  "PotentialTrace", "NapPotentialRetrace", "KPFM"),
    "Current": ("Current", "CurrentRetrace", "CurrentTrace", "TUNA Current", "C-AFM Current"),
}

#: Multipliers from unit strings found in files to SI.
_UNIT_SCALE: dict[str, tuple[float, str]] = {
    "m": (1.0, "m"), "mm": (1e-3, "m"), "um": (1e-6, "m"), "µm": (1e-6, "m"), "~m": (1e-6, "m"),
    "nm": (1e-9, "m"), "pm": (1e-12, "m"),
    "V": (1.0, "V"), "mV": (1e-3, "V"), "uV": (1e-6, "V"), "µV": (1e-6, "V"),
    "A": (1.0, "A"), "mA": (1e-3, "A"), "uA": (1e-6, "A"), "µA": (1e-6, "A"), "nA": (1e-9, "A"),
    "pA": (1e-12, "A"), "fA": (1e-15, "A"),
    "Pa": (1.0, "Pa"), "kPa": (1e3, "Pa"), "MPa": (1e6, "Pa"), "GPa": (1e9, "Pa"),
    "N": (1.0, "N"), "nN": (1e-9, "N"), "pN": (1e-12, "N"), "N/m": (1.0, "N/m"),
    "deg": (1.0, "deg"), "º": (1.0, "deg"), "°": (1.0, "deg"),
}

#: Asylum Research channel name (without Trace/Retrace) -> SI unit; .ibw states no per-channel unit.
_IBW_UNITS = {"Height": "m", "Amplitude": "m", "ZSensor": "m", "Deflection": "m", "Phase": "deg",
              "Potential": "V", "NapPotential": "V", "SurfacePotential": "V", "Current": "A"}

_SPM_SUFFIX = re.compile(r"^\.(spm|\d{3})$", re.IGNORECASE)


def _si(unit: str, file: Path, channel: str) -> tuple[float, str]:
    unit = unit.strip()
    if unit in _UNIT_SCALE:
        return _UNIT_SCALE[unit]
    raise RawDataError(f"channel {channel!r}: unit {unit!r} cannot be converted to SI; refused", file,
                       column=channel)


def _make(data: np.ndarray, dx_m: float, dy_m: float, units: str, title: str, file: Path, fmt: str,
          x0_m: float = 0.0, y0_m: float = 0.0) -> xr.DataArray:
    data = np.asarray(data, dtype=np.float64)
    if data.ndim != 2 or min(data.shape) < 2:
        raise RawDataError(f"channel {title!r} is not a 2-D image (shape {data.shape})", file, column=title)
    if not (np.isfinite(dx_m) and np.isfinite(dy_m) and dx_m > 0 and dy_m > 0):
        raise RawDataError(f"channel {title!r}: invalid pixel size {dx_m!r} x {dy_m!r} m", file, column=title)
    ny, nx = data.shape
    return xr.DataArray(
        data,
        dims=("y_m", "x_m"),
        coords={"y_m": y0_m + (np.arange(ny) + 0.5) * dy_m, "x_m": x0_m + (np.arange(nx) + 0.5) * dx_m},
        name=title,
        attrs={"units": units, "title": title, "source_file": str(file), "format": fmt,
               "pixel_size_x_m": float(dx_m), "pixel_size_y_m": float(dy_m)},
    )


# --- Gwyddion ---------------------------------------------------------------------------------
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


def _read_gwy(path: Path) -> dict[str, xr.DataArray]:
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
        sxy, uxy = _si(xyu or "m", path, title)
        if uxy != "m":
            raise RawDataError(f"channel {title!r}: lateral unit {xyu!r} is not a length", path, column=title)
        if zu:
            sz, uz = _si(zu, path, title)
        else:
            sz, uz = 1.0, ""
        ny, nx = data.shape
        out[title] = _make(data * sz, xreal * sxy / nx, yreal * sxy / ny, uz, title, path, "gwy",
                           xoff * sxy, yoff * sxy)
    return out


# --- AFMReader formats --------------------------------------------------------------------------
def _spm_units(path: Path) -> dict[str, str]:
    """Return the unit of each NanoScope image channel, as pySPM (hence AFMReader) scales it.

    ``@2:Z scale: V [Sens. X] (...) v V`` means data x v x ``@Sens. X`` (e.g. ``nm/V``): the
    unit is that of the sensitivity without ``/V``; a Z scale without ``[Sens.]`` stays in V.
    """
    import pySPM

    scan = pySPM.Bruker(str(path))
    units: dict[str, str] = {}
    for layer in scan.layers:
        val = layer.get(b"@2:Image Data")
        zs = layer.get(b"@2:Z scale")
        if not val or not zs:
            continue
        m = re.search(r'"([^"]*)"', val[0].decode("latin1"))
        if not m or m.group(1) in units:
            continue
        zscale = zs[0].decode("latin1")
        sens = re.search(r"\[([^]]+)\]", zscale)
        if sens is None:
            units[m.group(1)] = "V"
            continue
        parts = scan.scanners[0][b"@" + sens.group(1).encode("latin1")][0].decode("latin1").split()
        unit = parts[2] if len(parts) > 2 else parts[0]
        units[m.group(1)] = unit[:-2] if unit.endswith("/V") else unit
    return units


_SPM_HEADER_LEN = re.compile(rb"^\\Data length:\s*(\d+)", re.MULTILINE)


def _check_spm_header(path: Path) -> None:
    r"""Check that a NanoScope header ends with ``\*File list end`` within its declared length.

    pySPM reads header lines until that line and loops forever at end of file when it is
    missing (a truncated copy), so the file is refused here first. The header length is the
    first ``\Data length`` of the ``\*File list`` section (the whole file if none is stated).

    Raises
    ------
    RawDataError
        Not a NanoScope file, or no ``\*File list end`` line within the declared header.
    """
    with open(path, "rb") as fh:
        head = fh.read(4096)
        if not head.lstrip().startswith(b"\\*File list"):
            raise RawDataError("cannot read AFM map: not a NanoScope file (no '\\*File list' header)", path)
        m = _SPM_HEADER_LEN.search(head)
        size = path.stat().st_size
        n = min(int(m.group(1)), size) if m else size
        fh.seek(0)
        header = fh.read(n)
    for line in header.splitlines():
        if line.rstrip().replace(b"\\", b"") == b"*File list end":
            return
    where = f"within the {int(m.group(1))}-byte header the file declares" if m else "in the file"
    raise RawDataError(f"cannot read AFM map: truncated NanoScope header (no '\\*File list end' line {where}; "
                       f"the file has {size} bytes)", path)


def _read_spm(path: Path, channels: list[str] | None) -> dict[str, xr.DataArray]:
    _check_spm_header(path)  # before importing pySPM (seconds) and before pySPM can hang
    from AFMReader.spm import load_spm

    units = _spm_units(path)
    out = {}
    for ch in channels or list(units):
        image, px_nm = load_spm(path, ch)
        if ch not in units:
            raise RawDataError(f"channel {ch!r}: no Z scale in the header; refused", path, column=ch)
        scale, unit = _si(units[ch], path, ch)
        dx = float(px_nm) * 1e-9
        out[ch] = _make(np.asarray(image) * scale, dx, dx, unit, ch, path, "nanoscope")
    return out


#: numpy item size (bytes) of each Igor wave type code (TN003); 0 is a text wave.
_IBW_ITEMSIZE = {1: 16, 2: 4, 3: 8, 4: 8, 5: 16, 8: 1, 9: 2, 0x10: 2, 0x11: 4, 0x20: 4, 0x21: 8,
                 0x48: 1, 0x49: 2, 0x50: 2, 0x51: 4, 0x60: 4, 0x61: 8}
#: Version -> (binary header struct after the version field, names of its size fields).
_IBW_BIN_HEADERS = {
    1: ("lh", ("wfmSize",)),
    2: ("lllh", ("wfmSize", "noteSize", "pictSize")),
    3: ("llllh", ("wfmSize", "noteSize", "formulaSize", "pictSize")),
    5: ("hllll4l4llll", ("wfmSize", "formulaSize", "noteSize", "dataEUnitsSize", "dimEUnitsSize",
                          "dimLabelsSize", "sIndicesSize")),
}
#: Byte size of WaveHeader5 (its type code is at offset 16, nDim[4] at 68).
_IBW_WAVEHEADER5 = 320


def _check_ibw_header(path: Path) -> None:
    """Check an Igor binary wave's header sizes against the file size before igor2 reads it.

    igor2 allocates whatever the header's size fields say; a few stray bytes in the header turn
    them into tens of GB. Every size must be >= 0 and all of them together (headers, wave data,
    note, units, labels, indices) must fit in the file; for version 5, the data the dimensions
    describe (``nDim`` product x item size) must fit in ``wfmSize``.

    Raises
    ------
    RawDataError
        Unknown version, or a size that is negative or larger than the file.
    """
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(64 + _IBW_WAVEHEADER5)
    if len(head) < 8:
        raise RawDataError(f"cannot read AFM map: .ibw file of {size} bytes is too short for an Igor header", path)
    for order in "<>":
        version = struct.unpack_from(order + "h", head)[0]
        if version in _IBW_BIN_HEADERS:
            break
    else:
        raise RawDataError(f"cannot read AFM map: not an Igor binary wave (version field {head[:2]!r})", path)
    fmt, names = _IBW_BIN_HEADERS[version]
    bin_size = 2 + struct.calcsize("<" + fmt)
    if len(head) < bin_size:
        raise RawDataError(f"cannot read AFM map: .ibw header cut off ({size} bytes)", path)
    vals = struct.unpack_from(order + fmt, head, 2)
    if version == 5:
        vals = vals[1:]  # checksum first
        sizes = {"wfmSize": vals[0], "formulaSize": vals[1], "noteSize": vals[2], "dataEUnitsSize": vals[3],
                 "dimEUnitsSize": sum(vals[4:8]), "dimLabelsSize": sum(vals[8:12]), "sIndicesSize": vals[12]}
        negative = [n for n, v in zip(("wfmSize", "formulaSize", "noteSize", "dataEUnitsSize"), vals[:4],
                                      strict=True) if v < 0]
        negative += [f"{n}[{i}]" for n, k in (("dimEUnitsSize", 4), ("dimLabelsSize", 8))
                     for i, v in enumerate(vals[k:k + 4]) if v < 0]
        negative += ["sIndicesSize"] if vals[12] < 0 else []
    else:
        sizes = dict(zip(names, vals[:len(names)], strict=True))
        negative = [n for n, v in sizes.items() if v < 0]
    if negative:
        raise RawDataError(f"cannot read AFM map: corrupt .ibw header (negative {', '.join(negative)})", path)
    need = bin_size + sum(sizes.values()) + (16 if version in (2, 3) else 0)
    if need > size:
        detail = ", ".join(f"{n} {v}" for n, v in sizes.items() if v)
        raise RawDataError(f"cannot read AFM map: corrupt or truncated .ibw header (sizes {detail} need "
                           f"{need} bytes, the file has {size})", path)
    if version == 5:
        if len(head) < 64 + _IBW_WAVEHEADER5 or sizes["wfmSize"] < _IBW_WAVEHEADER5:
            raise RawDataError(f"cannot read AFM map: .ibw wave header cut off (wfmSize {sizes['wfmSize']})", path)
        wtype = struct.unpack_from(order + "h", head, 64 + 16)[0]
        dims = struct.unpack_from(order + "4l", head, 64 + 68)
        if any(d < 0 for d in dims):
            raise RawDataError(f"cannot read AFM map: corrupt .ibw header (negative dimension in {dims})", path)
        itemsize = _IBW_ITEMSIZE.get(wtype, 0)
        count = 1
        for d in dims:
            if d <= 0:
                break
            count *= d
        data_bytes = sizes["wfmSize"] - _IBW_WAVEHEADER5
        if itemsize and count * itemsize > data_bytes:
            raise RawDataError(f"cannot read AFM map: corrupt .ibw header (dimensions {dims} x {itemsize} "
                               f"bytes need {count * itemsize} bytes, the wave holds {data_bytes})", path)


def _ibw_channels(path: Path) -> list[str]:
    from igor2 import binarywave

    wave = binarywave.load(str(path))["wave"]
    return [lab.decode() for labels in wave["labels"] for lab in labels if lab]


def _read_ibw(path: Path, channels: list[str] | None) -> dict[str, xr.DataArray]:
    _check_ibw_header(path)
    from AFMReader.ibw import load_ibw

    out = {}
    for ch in channels or _ibw_channels(path):
        base = re.sub(r"(Re)?[Tt]race$", "", ch)
        if base not in _IBW_UNITS:
            raise RawDataError(f"channel {ch!r}: .ibw stores no per-channel unit and {base!r} is not a known "
                               "Asylum channel; refused rather than guessed", path, column=ch)
        image, px_nm = load_ibw(path, ch)
        # AFMReader multiplies every .ibw channel by 1e9 (m -> nm); the stored values are SI.
        data = np.asarray(image, dtype=np.float64) / 1e9
        dx = float(px_nm) * 1e-9
        out[ch] = _make(data, dx, dx, _IBW_UNITS[base], ch, path, "ibw")
    return out


def _jpk_units(path: Path) -> dict[str, str]:
    """Return the unit of the default calibration slot of every JPK channel (JPKImageSpec 2.0 tags)."""
    import tifffile

    units = {}
    with tifffile.TiffFile(str(path)) as tif:
        for page in tif.pages[1:]:
            tags = {t.code: t.value for t in page.tags.values()}
            name = f"{tags[0x8050]}_{'trace' if tags.get(0x8051, 0) == 0 else 'retrace'}"
            default, n_slots = tags.get(0x8081), int(tags.get(0x8080, 0))
            for k in range(n_slots):
                if tags.get(0x8090 + 0x30 * k) == default:
                    units[name] = str(tags.get(0x80A2 + 0x30 * k, ""))
    return units


def _read_jpk(path: Path, channels: list[str] | None) -> dict[str, xr.DataArray]:
    from AFMReader.jpk import load_jpk

    units = _jpk_units(path)
    out = {}
    for ch in channels or list(units):
        image, px_nm = load_jpk(path, ch)
        unit = units.get(ch, "")
        if not unit:
            raise RawDataError(f"channel {ch!r}: no unit in its calibration slot; refused", path, column=ch)
        data = np.asarray(image, dtype=np.float64)
        if ch.split("_")[0] in ("height", "measuredHeight", "amplitude"):
            data = data / 1e9  # AFMReader converts these (only) from m to nm
        scale, si_unit = _si(unit, path, ch)
        dx = float(px_nm) * 1e-9
        out[ch] = _make(data * scale, dx, dx, si_unit, ch, path, "jpk")
    return out


def read_afm(path: str | Path, channels: list[str] | None = None) -> dict[str, xr.DataArray]:
    """Read the channels of an AFM map file.

    Parameters
    ----------
    path
        ``.gwy``, NanoScope ``.spm``/``.00N``, ``.ibw`` or JPK file.
    channels
        Channel names as stored in the file (default: all). Ignored for ``.gwy`` (all are read).

    Returns
    -------
    dict of str to xarray.DataArray
        Channel name -> image in SI units (``attrs["units"]``), dims ``("y_m", "x_m")``.

    Raises
    ------
    RawDataError
        Missing, unreadable or truncated file, unknown format, a requested channel that is not in
        the file, or a channel whose unit cannot be established.
    """
    path = Path(path)
    if not path.is_file():
        raise RawDataError("map file not found", path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".gwy":
            return _read_gwy(path)
        if _SPM_SUFFIX.match(suffix):
            return _read_spm(path, channels)
        if suffix == ".ibw":
            return _read_ibw(path, channels)
        if suffix == ".jpk" or path.name.lower().endswith(".jpk-qi-image"):
            return _read_jpk(path, channels)
    except RawDataError:
        raise
    except Exception as exc:  # the libraries raise anything from struct.error to IndexError on bad bytes
        raise RawDataError(f"cannot read AFM map ({type(exc).__name__}: {exc})", path) from None
    raise RawDataError(f"unknown AFM map format {suffix!r} (expected .gwy, .spm/.00N, .ibw, .jpk)", path)


def canonical_channels(maps: dict[str, xr.DataArray], file: str | Path) -> dict[str, xr.DataArray]:
    """Pick the contract's channels (``Height``, ``DMT Modulus``, ``Potential``, ``Current``) by title.

    Parameters
    ----------
    maps
        Output of :func:`read_afm`.
    file
        For error messages.

    Returns
    -------
    dict
        Canonical title -> DataArray (renamed; ``attrs["title"]`` keeps the file's name). Only the
        titles found are present.

    Raises
    ------
    RawDataError
        A canonical channel in an unexpected unit (e.g. ``Height`` not in m).
    """
    expected = {"Height": "m", "DMT Modulus": "Pa", "Potential": "V", "Current": "A"}
    out = {}
    for canon, aliases in CHANNEL_ALIASES.items():
        for alias in aliases:
            if alias in maps:
                da = maps[alias]
                if da.attrs["units"] != expected[canon]:
                    raise RawDataError(f"channel {alias!r} is in {da.attrs['units']!r}, expected "
                                       f"{expected[canon]!r}", file, column=alias)
                out[canon] = da.rename(canon)
                break
    return out


def read_mask(path: str | Path, shape: tuple[int, int]) -> np.ndarray:
    """Read a boundary mask (``.npy`` or PNG): nonzero on boundary pixels, same shape as the map.

    Raises
    ------
    RawDataError
        Unreadable file, unknown extension or a shape other than ``shape``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".npy":
            arr = np.load(path, allow_pickle=False)
        elif suffix == ".png":
            from PIL import Image

            with Image.open(path) as im:
                arr = np.asarray(im)
            if arr.ndim == 3:  # RGB(A) drawing: any non-black colour channel marks the boundary
                arr = arr[..., :3].max(axis=2)
        else:
            raise RawDataError(f"mask must be .npy or .png, not {suffix!r}", path)
    except RawDataError:
        raise
    except Exception as exc:
        raise RawDataError(f"cannot read boundary mask ({type(exc).__name__}: {exc})", path) from None
    if arr.shape != tuple(shape):
        raise RawDataError(f"mask shape {arr.shape} differs from the map's {tuple(shape)}", path)
    return np.asarray(arr) != 0
