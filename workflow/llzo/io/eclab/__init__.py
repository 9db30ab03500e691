"""Readers of BioLogic EC-Lab files: ``.mpr`` binaries and ``.mpt`` text exports.

One module per concern:

* :mod:`~llzo.io.eclab.yadg_reader`: yadg, the reader of record (every ``.mpr`` yadg knows,
  incl. EC-Lab >= 11.50; ``.mpt``), with the instrument's resolution per column;
* :mod:`~llzo.io.eclab.fast_mpt`: this project's columnar ``.mpt`` parser (identical values,
  much faster on big logs; header quirks of real exports handled);
* :mod:`~llzo.io.eclab.galvani_ref`: galvani, the second parity reference;
* :mod:`~llzo.io.eclab.columns`: canonical column names, units, cell voltage, impedance;
* :mod:`~llzo.io.eclab.current`: the current of files without a current column.

:func:`read_eclab` (``engine="auto"``) reads ``.mpr`` with yadg and ``.mpt`` with the fast
parser; an ``.mpt`` the fast parser refuses is read with yadg when yadg can (noted in
:attr:`ECLabFile.notes`). The parity of the three readers on every real file is asserted in
``tests/io/test_eclab.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from llzo.io.eclab.columns import canonical_column, cell_voltage, cycling_table, impedance
from llzo.io.eclab.current import cell_current
from llzo.io.eclab.fast_mpt import read_mpt_fast
from llzo.io.eclab.galvani_ref import mpr_layout, read_mpr_galvani, read_mpt_galvani
from llzo.io.eclab.record import ECLabFile
from llzo.io.eclab.yadg_reader import read_yadg
from llzo.io.errors import RawDataError

ENGINES = ("auto", "yadg", "fast", "galvani")
#: Current resolution of the potentiostat: 0.004 % of the current range (VMP-3/SP-300 datasheet,
#: the value yadg uses), as a fraction.
CURRENT_RESOLUTION_OF_RANGE = 0.004e-2


def current_range_mA(i_range_codes: np.ndarray) -> float | None:
    """Largest current range (mA) among EC-Lab's ``I Range`` codes, or ``None`` if unknown."""
    from yadg.extractors.eclab.techniques import param_map

    amps = {code: si for _s, code, si, *_ in param_map["I Range"] if isinstance(si, float) and si > 0}
    vals = [amps[int(c)] for c in np.unique(i_range_codes) if int(c) in amps]
    return 1e3 * max(vals) if vals else None


def _with_current_resolution(f: ECLabFile) -> ECLabFile:
    """Set the resolution of ``I/mA`` and ``control/mA`` from the ``I Range`` column (mA)."""
    if "I Range" not in f.data.columns:
        return f
    fsr = current_range_mA(f.data["I Range"].to_numpy())
    if fsr is None:
        return f
    unc = dict(f.uncertainty)
    for col in ("I/mA", "control/mA"):
        if col in f.data.columns:
            unc[col] = CURRENT_RESOLUTION_OF_RANGE * fsr
    return ECLabFile(f.data, f.ec_lab_version, f.technique, f.path, f.reader, f.header, f.instrument, unc, f.notes,
                     f.first_line)


def read_eclab(path: str | Path, engine: str = "auto") -> ECLabFile:
    """Read an EC-Lab ``.mpr`` or ``.mpt`` (by extension).

    Parameters
    ----------
    path
        The file.
    engine
        ``"auto"`` (yadg for ``.mpr``, the fast parser for ``.mpt`` with yadg as fallback),
        ``"yadg"``, ``"fast"`` (``.mpt`` only) or ``"galvani"``.

    Raises
    ------
    RawDataError
        The file cannot be read (file, line and column named where known).
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    path = Path(path)
    if not path.is_file():
        raise RawDataError("file not found", path)
    suffix = path.suffix.lower()
    if suffix not in (".mpr", ".mpt"):
        raise RawDataError(f"unknown extension {path.suffix!r}: expected an EC-Lab .mpt or .mpr file", path)
    if engine == "galvani":
        f = read_mpr_galvani(path) if suffix == ".mpr" else read_mpt_galvani(path)
    elif suffix == ".mpr":
        if engine == "fast":
            raise ValueError("the fast parser reads .mpt text exports only")
        f = read_yadg(path)
    elif engine == "yadg":
        f = read_yadg(path)
    elif engine == "fast":
        f = read_mpt_fast(path)
    else:
        try:
            f = read_mpt_fast(path)
        except RawDataError as fast_err:
            try:
                f = read_yadg(path)
            except RawDataError:
                raise fast_err from None
            f.notes.append(f"the fast parser refused the file ({fast_err.message}); read by yadg")
    # the resolution comes from yadg's datasheet table: set where yadg read the file (the fast path
    # stays free of yadg's ~1 s import, which a big .mpt ingest does not need)
    return _with_current_resolution(f) if f.reader == "yadg" else f


__all__ = ["ENGINES", "ECLabFile", "canonical_column", "cell_current", "cell_voltage", "current_range_mA",
           "cycling_table", "impedance", "mpr_layout", "read_eclab"]
