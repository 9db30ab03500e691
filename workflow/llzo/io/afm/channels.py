"""Which channel of an AFM file holds what: the vendor channel alias table and the map-kind lookup.

The data contract names four channels by title: ``Height`` (m), ``DMT Modulus`` (Pa),
``Potential`` (V) and ``Current`` (A). Instruments and export software name them differently;
:data:`CHANNEL_ALIASES` lists the names accepted for each, tried in that order (the first one in
the file is used). A file using another name works with the optional ``channel`` column of
``maps.tsv``, which names the file's channel holding the kind's quantity (modulus, potential or
current); its unit is still checked.

==================  ==========================================================================
contract title      accepted names, by vendor
==================  ==========================================================================
``Height`` (m)      contract/Gwyddion ``Height``; Asylum ``HeightRetrace``, ``HeightTrace``;
                    Bruker ``Height Sensor``; JPK QI ``height_trace``, ``height_retrace``,
                    ``measuredHeight_trace``, ``measuredHeight_retrace``; generic ``Topography``,
                    ``Z``; Asylum ``ZSensorRetrace``, ``ZSensorTrace``
``DMT Modulus``     Bruker PeakForce QNM ``DMT Modulus`` (NanoScope >= 9 title), ``DMTModulus``
(Pa)                (``@2:Image Data`` name), ``DMT modulus``; generic ``Modulus``; Asylum
                    ``YoungsModulus`` (a Young's modulus from another contact model)
``Potential`` (V)   contract/Bruker ``Potential``, ``Surface Potential``, ``SurfacePotential``;
                    Asylum ``PotentialRetrace``, ``PotentialTrace``, ``NapPotentialRetrace``,
                    ``NapPotentialTrace``; generic ``KPFM``
``Current`` (A)     contract ``Current``; Asylum ``CurrentRetrace``, ``CurrentTrace``; Bruker
                    ``TUNA Current``; generic ``C-AFM Current``
==================  ==========================================================================

Not aliases: JPK QI ``adhesion_trace`` (N) and ``slope_trace`` (N/m) are force-curve results,
not a modulus (a ``channel`` naming them is refused by the unit check); ``Amplitude``, ``Phase``
and ``Deflection`` channels are read but not used.
"""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from llzo.io.errors import RawDataError

#: Contract title -> names instruments use for it, in the order they are tried.
CHANNEL_ALIASES: dict[str, tuple[str, ...]] = {
    "Height": ("Height", "HeightRetrace", "HeightTrace", "Height Sensor", "height_trace", "height_retrace",
               "measuredHeight_trace", "measuredHeight_retrace", "Topography", "Z", "ZSensorRetrace",
               "ZSensorTrace"),
    "DMT Modulus": ("DMT Modulus", "DMTModulus", "DMT modulus", "Modulus", "YoungsModulus"),
    "Potential": ("Potential", "Surface Potential", "SurfacePotential", "PotentialRetrace", "PotentialTrace",
                  "NapPotentialRetrace", "NapPotentialTrace", "KPFM"),
    "Current": ("Current", "CurrentRetrace", "CurrentTrace", "TUNA Current", "C-AFM Current"),
}

#: SI unit of each contract channel.
CHANNEL_UNITS = {"Height": "m", "DMT Modulus": "Pa", "Potential": "V", "Current": "A"}

#: Map kind of ``maps.tsv`` -> contract title of its property channel and its name in the interim NetCDF.
KIND_CHANNEL = {"modulus": ("DMT Modulus", "modulus_Pa"), "kpfm": ("Potential", "potential_V"),
                "current": ("Current", "current_A")}


def _checked(da: xr.DataArray, canon: str, file: str | Path) -> xr.DataArray:
    if da.attrs["units"] != CHANNEL_UNITS[canon]:
        raise RawDataError(f"channel {da.attrs['title']!r} is in {da.attrs['units']!r}, expected "
                           f"{CHANNEL_UNITS[canon]!r} (it is used as {canon!r})", file, column=da.attrs["title"])
    return da.rename(canon)


def canonical_channels(maps: dict[str, xr.DataArray], file: str | Path) -> dict[str, xr.DataArray]:
    """Pick the contract's channels (``Height``, ``DMT Modulus``, ``Potential``, ``Current``) by title.

    Parameters
    ----------
    maps
        Output of :func:`llzo.io.afm.read_afm`.
    file
        For error messages.

    Returns
    -------
    dict
        Contract title -> DataArray (renamed; ``attrs["title"]`` keeps the file's name). Only the
        titles found are present; for each, the first of :data:`CHANNEL_ALIASES` in the file.

    Raises
    ------
    RawDataError
        A contract channel in an unexpected unit (e.g. ``Height`` not in m).
    """
    out = {}
    for canon, aliases in CHANNEL_ALIASES.items():
        found = next((a for a in aliases if a in maps), None)
        if found is not None:
            out[canon] = _checked(maps[found], canon, file)
    return out


def map_channels(maps: dict[str, xr.DataArray], kind: str, file: str | Path,
                 channel: str | None = None) -> tuple[xr.DataArray, xr.DataArray]:
    """Find the ``Height`` and the property channel of a map of ``kind`` (a row of ``maps.tsv``).

    Parameters
    ----------
    maps
        Output of :func:`llzo.io.afm.read_afm`.
    kind
        ``modulus``, ``kpfm`` or ``current``.
    file
        The map file (for error messages).
    channel
        The sheet's ``channel`` column: the file's name of the property channel (``None`` or empty:
        looked up in :data:`CHANNEL_ALIASES`).

    Returns
    -------
    height, prop : xarray.DataArray
        Renamed to their contract titles, units checked.

    Raises
    ------
    RawDataError
        A channel not in the file (the message lists the channels it has) or in the wrong unit.
    """
    title = KIND_CHANNEL[kind][0]
    chans = canonical_channels(maps, file)
    have = sorted(maps)
    if channel:
        if channel not in maps:
            raise RawDataError(f"map of kind {kind!r}: the sheet's channel {channel!r} is not in the file "
                               f"(found: {have})", file, column="channel")
        chans[title] = _checked(maps[channel], title, file)
    for need in ("Height", title):
        if need not in chans:
            names = ", ".join(repr(a) for a in CHANNEL_ALIASES[need])
            raise RawDataError(f"map of kind {kind!r} has no channel titled {need!r} (found: {have}); accepted "
                               f"names: {names}" + ("; or name it in the sheet's 'channel' column"
                                                    if need == title else ""), file, column=need)
    return chans["Height"], chans[title]
