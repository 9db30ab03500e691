"""Readers of AFM maps: one :class:`xarray.DataArray` per channel, SI units in ``attrs``.

One module per format, each wrapping a maintained library and putting every channel back into
its own SI unit (:mod:`~llzo.io.afm.units`):

- :mod:`~llzo.io.afm.gwy`: Gwyddion ``.gwy`` (gwyfile);
- :mod:`~llzo.io.afm.spm`: Bruker / Veeco NanoScope ``.spm``, ``.000``-``.999`` (AFMReader);
- :mod:`~llzo.io.afm.ibw`: Asylum Research ``.ibw`` (AFMReader, igor2);
- :mod:`~llzo.io.afm.jpk`: JPK ``.jpk``, ``.jpk-qi-image`` (AFMReader).

:func:`read_afm` picks the reader by file name. Which channel is the contract's ``Height``,
``DMT Modulus``, ``Potential`` or ``Current``: :mod:`~llzo.io.afm.channels` (vendor alias table,
the ``channel`` column of ``maps.tsv``). Boundary masks: :mod:`~llzo.io.afm.mask`.
"""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from llzo.io.afm.channels import CHANNEL_ALIASES, KIND_CHANNEL, canonical_channels, map_channels
from llzo.io.afm.gwy import read_gwy
from llzo.io.afm.ibw import read_ibw
from llzo.io.afm.jpk import read_jpk
from llzo.io.afm.mask import read_mask
from llzo.io.afm.spm import SPM_SUFFIX, read_spm
from llzo.io.errors import RawDataError

__all__ = ["CHANNEL_ALIASES", "KIND_CHANNEL", "canonical_channels", "map_channels", "read_afm", "read_mask"]


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
            return read_gwy(path)
        if SPM_SUFFIX.match(suffix):
            return read_spm(path, channels)
        if suffix == ".ibw":
            return read_ibw(path, channels)
        if suffix == ".jpk" or path.name.lower().endswith(".jpk-qi-image"):
            return read_jpk(path, channels)
    except RawDataError:
        raise
    except Exception as exc:  # the libraries raise anything from struct.error to IndexError on bad bytes
        raise RawDataError(f"cannot read AFM map ({type(exc).__name__}: {exc})", path) from None
    raise RawDataError(f"unknown AFM map format {suffix!r} (expected .gwy, .spm/.00N, .ibw, .jpk)", path)
