"""Asylum Research Igor binary waves (``.ibw``), read with AFMReader (igor2) after a header check.

AFMReader multiplies *every* ``.ibw`` channel by 1e9; the stored values are SI, so that is undone.
The header has no per-channel unit: it comes from Asylum's channel naming convention
(:data:`IBW_UNITS`); a channel not named there is refused rather than guessed.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import numpy as np
import xarray as xr

from llzo.io.afm.units import make_channel
from llzo.io.errors import RawDataError

#: Asylum Research channel name (without Trace/Retrace) -> SI unit; .ibw states no per-channel unit.
IBW_UNITS = {"Height": "m", "Amplitude": "m", "ZSensor": "m", "Deflection": "m", "Phase": "deg",
              "Potential": "V", "NapPotential": "V", "SurfacePotential": "V", "Current": "A"}

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


def read_ibw(path: Path, channels: list[str] | None) -> dict[str, xr.DataArray]:
    """Read the given (default: all) channels of an ``.ibw`` file in SI units."""
    _check_ibw_header(path)
    from AFMReader.ibw import load_ibw

    out = {}
    for ch in channels or _ibw_channels(path):
        base = re.sub(r"(Re)?[Tt]race$", "", ch)
        if base not in IBW_UNITS:
            raise RawDataError(f"channel {ch!r}: .ibw stores no per-channel unit and {base!r} is not a known "
                               "Asylum channel; refused rather than guessed", path, column=ch)
        image, px_nm = load_ibw(path, ch)
        # AFMReader multiplies every .ibw channel by 1e9 (m -> nm); the stored values are SI.
        data = np.asarray(image, dtype=np.float64) / 1e9
        dx = float(px_nm) * 1e-9
        out[ch] = make_channel(data, dx, dx, IBW_UNITS[base], ch, path, "ibw")
    return out
