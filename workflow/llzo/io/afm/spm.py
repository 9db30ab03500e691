"""Bruker / Veeco NanoScope maps (``.spm``, ``.000``-``.999``), read with AFMReader (pySPM).

AFMReader returns a bare array and a pixel size in nm, heights scaled to nm; each channel is put
back into its own SI unit here from the unit the header states (``@Sens.`` scale).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import xarray as xr

from llzo.io.afm.units import make_channel, to_si
from llzo.io.errors import RawDataError

SPM_SUFFIX = re.compile(r"^\.(spm|\d{3})$", re.IGNORECASE)


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


def read_spm(path: Path, channels: list[str] | None) -> dict[str, xr.DataArray]:
    """Read the given (default: all) channels of a NanoScope file in SI units."""
    _check_spm_header(path)  # before importing pySPM (seconds) and before pySPM can hang
    from AFMReader.spm import load_spm

    units = _spm_units(path)
    out = {}
    for ch in channels or list(units):
        image, px_nm = load_spm(path, ch)
        if ch not in units:
            raise RawDataError(f"channel {ch!r}: no Z scale in the header; refused", path, column=ch)
        scale, unit = to_si(units[ch], path, ch)
        dx = float(px_nm) * 1e-9
        out[ch] = make_channel(np.asarray(image) * scale, dx, dx, unit, ch, path, "nanoscope")
    return out
