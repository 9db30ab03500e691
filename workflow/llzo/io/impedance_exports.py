"""Impedance spectra from other potentiostats: Gamry ``.DTA`` and Autolab text exports.

Behind the one function :func:`read_impedance_export`:

* Gamry Framework ``.DTA`` files are read by pyimpspec's own parser (``pyimpspec.parse_data``,
  the maintained EIS library this project fits with), which handles the file's several tables
  (an ``OCVCURVE`` before the ``ZCURVE``) and its aborted-run variant.
* Autolab exports in ZView's ``Z60W Data File`` text layout (what NOVA/FRA write for ZView) are
  read here: pyimpspec does not read that layout, and it is a plain comma-separated table after
  a fixed header (the number of points, then a quoted column-title line ``Freq ... Z'(a) Z''(b)
  ...``). ``Z''`` is the imaginary part as such (negative for a capacitive arc).
  impedance.py's ``readFile(..., "autolab")`` is the parity reference (tests, dev dependency).

References
----------
Yrjana, V. and Bobacka, J., "Deareating the distribution of relaxation times and Kramers-Kronig
tests with pyimpspec", (pyimpspec documentation, version 5); Murbach, M. D. et al.,
"impedance.py: A Python package for electrochemical impedance analysis", J. Open Source Softw.
5 (2020) 2349.
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
    path = Path(path)
    kind = kind_of(path)
    if kind is None:
        raise RawDataError(f"unknown extension {path.suffix!r}: expected a Gamry .DTA or an Autolab .txt export", path)
    if kind == "gamry":
        f, z = _read_gamry(path)
    else:
        f, z = read_zview_text(path)
    f, z = np.asarray(f, np.float64), np.asarray(z, np.complex128)
    if f.size == 0 or f.size != z.size:
        raise RawDataError(f"no impedance points in this {kind.capitalize()} export", path)
    if not (np.isfinite(f).all() and np.isfinite(z).all()):
        bad = int(np.argmax(~(np.isfinite(f) & np.isfinite(z))))
        raise RawDataError(f"point {bad + 1} is not a finite number", path)
    return pd.DataFrame({"freq_Hz": f, "re_Z_ohm": z.real, "minus_im_Z_ohm": -z.imag})


def _read_gamry(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies (Hz) and impedances (ohm) of a Gamry ``.DTA`` by pyimpspec's parser."""
    import pyimpspec

    try:
        spectra = pyimpspec.parse_data(str(path))
    except Exception as exc:  # the library's failure is a property of the file
        what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise RawDataError(f"not a readable Gamry impedance file (pyimpspec {what})", path) from None
    if len(spectra) != 1:
        raise RawDataError(f"{len(spectra)} impedance tables in this Gamry file, expected one", path)
    return spectra[0].get_frequencies(), spectra[0].get_impedances()


def read_zview_text(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Read a ``Z60W Data File`` text export (Autolab NOVA/FRA for ZView).

    Layout: a first line ``"Z60W Data File: Version ..."``, comment lines, a line of run settings,
    the number of points, a quoted column-title line (``Freq (Hz)``, ``Ampl``, ``Bias``,
    ``Time(Sec)``, ``Z'(a)``, ``Z''(b)``, ``GD``, ``Err``, ``Range``), then one comma-separated row
    per point. UTF-8 with or without BOM, LF or CRLF.

    Returns
    -------
    f_Hz, Z_ohm : numpy.ndarray
        Frequencies (Hz) and complex impedances ``Z' + j Z''`` (ohm), in the file's order.

    Raises
    ------
    RawDataError
        Naming the line (and column) of every row that is not a number, a missing title line, or a
        point count that differs from the declared one.
    """
    path = Path(path)
    lines = path.read_bytes().decode("utf-8-sig", errors="replace").splitlines()
    if not lines or not lines[0].strip().strip('"').startswith("Z60W"):
        raise RawDataError("not a ZView 'Z60W Data File' text export (first line)", path, line=1)
    title = next((k for k, ln in enumerate(lines) if ln.strip().strip('"').lstrip().startswith("Freq")), None)
    if title is None:
        raise RawDataError("no column-title line starting with 'Freq'", path)
    names = lines[title].strip().strip('"').replace("Freq (Hz)", "Freq(Hz)").split()
    try:
        i_f, i_re, i_im = names.index("Freq(Hz)"), names.index("Z'(a)"), names.index("Z''(b)")
    except ValueError:
        raise RawDataError(f"column titles {names} lack Freq (Hz), Z'(a) or Z''(b)", path, line=title + 1) from None
    try:
        declared = int(lines[title - 1].strip())
    except (ValueError, IndexError):
        declared = None
    rows, problems = [], []
    for k in range(title + 1, len(lines)):
        if not lines[k].strip():
            continue
        cells = lines[k].split(",")
        vals = []
        for j in (i_f, i_re, i_im):
            try:
                vals.append(float(cells[j]))
            except (ValueError, IndexError):
                problems.append(f"line {k + 1}, column {j + 1}: {cells[j] if j < len(cells) else ''!r} is not a number")
                break
        else:
            rows.append(vals)
    if declared is not None and not problems and len(rows) != declared:
        problems.append(f"{len(rows)} points, but line {title} declares {declared}")
    if problems:
        raise RawDataError("; ".join(problems), path)
    a = np.asarray(rows, np.float64).reshape(-1, 3)
    return a[:, 0], a[:, 1] + 1j * a[:, 2]


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


__all__ = ["KINDS", "describe_export", "kind_of", "read_impedance_export", "read_zview_text"]
