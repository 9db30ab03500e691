"""Impedance spectra from other potentiostats: Gamry ``.DTA`` and Autolab text exports.

The files are read by an impedance library's own parsers, behind the one function
:func:`read_impedance_export`, so the library can be swapped in one place. Chosen:
impedance.py (``impedance.preprocessing.readGamry`` and ``readFile(..., "autolab")``), because
it is already a pinned dependency, its parsers import nothing but numpy, and its own tests
assert exactly these files' values (``shared/fixtures/real``: Gamry EISPOT, 72 points from
200015.6 Hz; Autolab ZView-layout text, 41 points from 10 kHz). pyimpspec's ``parse_data``
reads the same formats and more (if the EIS analysis moves to pyimpspec, only this function
changes).

References
----------
Murbach, M. D. et al., "impedance.py: A Python package for electrochemical impedance
analysis", J. Open Source Softw. 5 (2020) 2349.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from llzo.io.errors import RawDataError

#: File kinds by extension: Gamry Framework data files and Autolab (NOVA/FRA) text exports.
KINDS = {".dta": "gamry", ".txt": "autolab"}


def kind_of(path: str | Path) -> str | None:
    """``"gamry"`` or ``"autolab"`` by extension, else ``None``."""
    return KINDS.get(Path(path).suffix.lower())


def read_impedance_export(path: str | Path) -> pd.DataFrame:
    """Read a Gamry ``.DTA`` or Autolab ``.txt`` impedance spectrum.

    Returns
    -------
    DataFrame
        ``freq_Hz``, ``re_Z_ohm``, ``minus_im_Z_ohm`` (the files' order of points).

    Raises
    ------
    RawDataError
        Unknown extension, or the library cannot read the file or finds no points.
    """
    from impedance import preprocessing

    path = Path(path)
    kind = kind_of(path)
    if kind is None:
        raise RawDataError(f"unknown extension {path.suffix!r}: expected a Gamry .DTA or an Autolab .txt export", path)
    try:
        if kind == "gamry":
            f, z = preprocessing.readGamry(str(path))
        else:
            f, z = preprocessing.readFile(str(path), instrument="autolab")
    except Exception as exc:  # the library's failure is a property of the file
        what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise RawDataError(f"not a readable {kind.capitalize()} impedance export (impedance.py {what})", path) from None
    f, z = np.asarray(f, np.float64), np.asarray(z, np.complex128)
    if f.size == 0 or f.size != z.size:
        raise RawDataError(f"no impedance points in this {kind.capitalize()} export", path)
    if not (np.isfinite(f).all() and np.isfinite(z).all()):
        bad = int(np.argmax(~(np.isfinite(f) & np.isfinite(z))))
        raise RawDataError(f"point {bad + 1} is not a finite number", path)
    return pd.DataFrame({"freq_Hz": f, "re_Z_ohm": z.real, "minus_im_Z_ohm": -z.imag})


def describe_export(path: str | Path) -> dict:
    """Instrument, technique and software of a Gamry/Autolab export, as far as the text says."""
    path = Path(path)
    kind = kind_of(path)
    text = path.read_bytes()[:200_000].decode("utf-8-sig", errors="replace")
    info = {"instrument": "", "software": "", "technique": ""}
    if kind == "gamry":
        for ln in text.splitlines():
            cells = ln.split("\t")
            if cells[0] == "TAG" and len(cells) > 1:
                info["technique"] = cells[1]
            elif cells[0] == "PSTAT" and len(cells) > 2:
                info["instrument"] = f"Gamry {cells[2]}"
            elif cells[0] == "FRAMEWORKVERSION" and len(cells) > 2:
                info["software"] = f"Gamry Framework {cells[2]}"
            elif cells[0] == "ZCURVE":
                break
        info["instrument"] = info["instrument"] or "Gamry"
    elif kind == "autolab":
        first = text.splitlines()[0].strip().strip('"') if text.strip() else ""
        info.update(instrument="Autolab", software=first, technique="impedance (FRA)")
    return info


__all__ = ["KINDS", "describe_export", "kind_of", "read_impedance_export"]
