"""The value every EC-Lab reader returns: :class:`ECLabFile`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class ECLabFile:
    """One EC-Lab file read into a table.

    Attributes
    ----------
    data
        One column per EC-Lab column under its canonical name (units in the names, see
        :mod:`llzo.io.eclab.columns`: ``time/s``, ``Ewe/V``, ``I/mA``, ``freq/Hz``, ...). The
        set point ``control/V/mA`` is also split by ``mode`` into ``control/mA`` (galvanostatic
        and rest rows) and ``control/V`` (potentiostatic rows), as EC-Lab's binary stores them.
    ec_lab_version
        Version of EC-Lab that wrote the file (``"11.50"``) when the file states it (``.mpt``
        headers do), else the binary layout (``"EC-Lab >= 11.50 (mpr data module v3)"``).
    technique
        Technique title (``"Galvanostatic Cycling with Potential Limitation"``, ``"MB"``), or ``""``.
    path
        The file.
    reader
        ``"yadg"`` (the reader of record), ``"fast"`` (this project's ``.mpt`` parser),
        ``"galvani-mpt"`` or ``"galvani-mpr"`` (the parity references).
    header
        Header lines of an ``.mpt`` (without the column-name line); empty for ``.mpr``.
    instrument
        Potentiostat model and serial number where the file names it (``"SP-300 (SN 1854)"``).
    uncertainty
        Instrument resolution of a column, ``{canonical column: value in the column's unit}``,
        where yadg provides it (from the device datasheet, e.g. 0.004 % of the current range for
        ``I/mA``); empty for the other readers.
    notes
        Quirks met while reading (a header line count that was off, column names without data),
        in words; the ingest writes them into ``echem_meta``.
    first_line
        1-based line of the first data row in a text export (row ``i`` of :attr:`data` is on
        line ``first_line + i``); ``None`` for binaries.
    """

    data: pd.DataFrame
    ec_lab_version: str
    technique: str
    path: Path
    reader: str
    header: list[str] = field(default_factory=list)
    instrument: str = ""
    uncertainty: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    first_line: int | None = None
