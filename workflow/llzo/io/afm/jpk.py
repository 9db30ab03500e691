"""JPK maps (``.jpk``, ``.jpk-qi-image``), read with AFMReader (tifffile).

The unit of each channel is that of its default calibration slot (JPKImageSpec 2.0 TIFF tags);
AFMReader converts height-like channels (only) from m to nm, which is undone here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from llzo.io.afm.units import make_channel, to_si
from llzo.io.errors import RawDataError


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


def read_jpk(path: Path, channels: list[str] | None) -> dict[str, xr.DataArray]:
    """Read the given (default: all) channels of a JPK file in SI units."""
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
        scale, si_unit = to_si(unit, path, ch)
        dx = float(px_nm) * 1e-9
        out[ch] = make_channel(data * scale, dx, dx, si_unit, ch, path, "jpk")
    return out
