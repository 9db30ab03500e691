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
def _read_gwy(path: Path) -> dict[str, xr.DataArray]:
    import gwyfile
    from gwyfile.util import get_datafields

    try:
        obj = gwyfile.load(str(path))
        fields = get_datafields(obj)
    except Exception as exc:  # gwyfile raises bare ValueError/struct.error/KeyError on bad bytes
        raise RawDataError(f"not a readable Gwyddion .gwy file ({type(exc).__name__}: {exc})", path) from None
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


def _read_spm(path: Path, channels: list[str] | None) -> dict[str, xr.DataArray]:
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


def _ibw_channels(path: Path) -> list[str]:
    from igor2 import binarywave

    wave = binarywave.load(str(path))["wave"]
    return [lab.decode() for labels in wave["labels"] for lab in labels if lab]


def _read_ibw(path: Path, channels: list[str] | None) -> dict[str, xr.DataArray]:
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
