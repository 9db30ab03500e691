"""Units of AFM channels: unit strings found in files -> SI, and the common DataArray layout.

Every reader returns one :class:`xarray.DataArray` per channel with dims ``("y_m", "x_m")``,
coordinates at pixel centres (m, row 0 at the top of the image as the instrument displays it)
and ``attrs``: ``units`` (SI), ``title`` (the channel name in the file), ``source_file``,
``format``, ``pixel_size_x_m``, ``pixel_size_y_m``. A channel whose unit cannot be converted to
SI is refused (:class:`~llzo.io.errors.RawDataError`), never guessed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from llzo.io.errors import RawDataError

#: Multipliers from unit strings found in files to SI.
UNIT_SCALE: dict[str, tuple[float, str]] = {
    "m": (1.0, "m"), "mm": (1e-3, "m"), "um": (1e-6, "m"), "µm": (1e-6, "m"), "~m": (1e-6, "m"),
    "nm": (1e-9, "m"), "pm": (1e-12, "m"),
    "V": (1.0, "V"), "mV": (1e-3, "V"), "uV": (1e-6, "V"), "µV": (1e-6, "V"),
    "A": (1.0, "A"), "mA": (1e-3, "A"), "uA": (1e-6, "A"), "µA": (1e-6, "A"), "nA": (1e-9, "A"),
    "pA": (1e-12, "A"), "fA": (1e-15, "A"),
    "Pa": (1.0, "Pa"), "kPa": (1e3, "Pa"), "MPa": (1e6, "Pa"), "GPa": (1e9, "Pa"),
    "N": (1.0, "N"), "nN": (1e-9, "N"), "pN": (1e-12, "N"), "N/m": (1.0, "N/m"),
    "deg": (1.0, "deg"), "º": (1.0, "deg"), "°": (1.0, "deg"),
}

def to_si(unit: str, file: Path, channel: str) -> tuple[float, str]:
    """Return ``(factor, SI unit)`` of a unit string found in a file (``"nm"`` -> ``(1e-9, "m")``).

    Raises
    ------
    RawDataError
        A unit not in :data:`UNIT_SCALE`.
    """
    unit = unit.strip()
    if unit in UNIT_SCALE:
        return UNIT_SCALE[unit]
    raise RawDataError(f"channel {channel!r}: unit {unit!r} cannot be converted to SI; refused", file,
                       column=channel)


def make_channel(data: np.ndarray, dx_m: float, dy_m: float, units: str, title: str, file: Path, fmt: str,
                 x0_m: float = 0.0, y0_m: float = 0.0) -> xr.DataArray:
    """Wrap one channel (already in SI ``units``) in the common DataArray layout (see the module docstring).

    Raises
    ------
    RawDataError
        Not a 2-D image of at least 2 x 2 pixels, or a pixel size that is not finite and positive.
    """
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
