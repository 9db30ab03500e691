"""EC-Lab column names and units: one canonical name per quantity, whichever reader read it.

EC-Lab names a column by quantity and unit (``Ewe/V``, ``<I>/mA``, ``Q charge/discharge/mA.h``),
and the same quantity is named differently by the text export, the binary and the libraries:
``dq/mA.h`` (binary) vs ``dQ/mA.h`` (text), ``<Ewe>/V`` (impedance) vs ``Ewe/V``, ``ox/red``
(text) vs ``ox or red`` (yadg), ``control/V/mA`` (text) vs ``control_I``/``control_V`` (binary).
The canonical names here are galvani's (:func:`galvani.BioLogic.fieldname_to_dtype`:
``<I>/mA`` -> ``I/mA``, ``<Ewe>/V`` and ``Ecell/V`` -> ``Ewe/V``, ``dq/mA.h`` -> ``dQ/mA.h``);
yadg's names are mapped back to EC-Lab's text-export names first (the inverse of yadg's own
``mpt_columns`` table). Units stay in the names.

Three-electrode runs add ``Ece/V`` (counter electrode vs reference). ``Ewe/V`` is then the
working electrode vs the reference, and the cell voltage is ``Ewe - Ece``; in a two-electrode
run the reference is the counter electrode and ``Ewe/V`` is the cell voltage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: yadg names whose unit yadg's binary table gets wrong, with the unit the values really have.
#: ``Q charge or discharge`` is labelled ``C`` for ``.mpr`` files, but its values equal the
#: ``.mpt`` twin's ``Q charge/discharge/mA.h`` on every real pair (tests/io/test_eclab.py).
YADG_UNIT_FIXES = {"Q charge or discharge": "mA·h"}

#: yadg names that are not in yadg's text-export table (binary-only columns).
_YADG_EXTRA = {
    "control_I": "control/mA",
    "control_V": "control/V",
    "control": "control/V/mA",
    "ox or red": "ox/red",
    "Q charge or discharge": "Q charge/discharge/mA.h",
    "dq": "dq/mA.h",
    "Energy we": "Energy we/W.h",
    "z cycle": "z cycle",
}

#: Columns the pipeline uses, by what they are.
TIME = "time/s"
EWE = "Ewe/V"
ECE = "Ece/V"
EWE_ECE = "Ewe-Ece/V"
CURRENT = "I/mA"
CONTROL = "control/V/mA"
CONTROL_I = "control/mA"
CONTROL_V = "control/V"
DQ = "dQ/mA.h"
Q_TOTAL = "(Q-Qo)/mA.h"
Q_HALF = "Q charge/discharge/mA.h"
Q_CHARGE = "Q charge/mA.h"
Q_DISCHARGE = "Q discharge/mA.h"
FREQ = "freq/Hz"
RE_Z = "Re(Z)/Ohm"
MINUS_IM_Z = "-Im(Z)/Ohm"
ABS_Z = "|Z|/Ohm"
PHASE_Z = "Phase(Z)/deg"

#: ``mode`` values EC-Lab writes (1 galvanostatic, 2 potentiostatic, 3 rest/open circuit).
MODE_GALVANOSTATIC, MODE_POTENTIOSTATIC, MODE_REST = 1, 2, 3


def canonical_column(name: str) -> tuple[str, np.dtype]:
    """Galvani's canonical name and dtype of an EC-Lab column (unknown names: float64)."""
    from galvani.BioLogic import fieldname_to_dtype

    try:
        canon, dtype = fieldname_to_dtype(name)
    except ValueError:
        return name, np.dtype(np.float64)
    return canon, np.dtype(dtype)


def _yadg_table() -> dict[tuple[str, str | None], str]:
    from yadg.extractors.eclab.mpt_columns import column_units

    out: dict[tuple[str, str | None], str] = {}
    for eclab_name, (yname, unit) in column_units.items():
        out.setdefault((yname, unit), eclab_name)
    return out


_YADG: dict[tuple[str, str | None], str] | None = None


def eclab_name_of_yadg(name: str, unit: str | None) -> str:
    """EC-Lab's text-export name of a yadg variable (``("Ewe", "V")`` -> ``"Ewe/V"``).

    Unknown names come back as ``name/unit`` (or ``name`` without a unit), so nothing is lost.
    """
    global _YADG
    if _YADG is None:
        _YADG = _yadg_table()
    unit = YADG_UNIT_FIXES.get(name, unit)
    if (name, unit) in _YADG:
        return _YADG[(name, unit)]
    if name in _YADG_EXTRA:
        return _YADG_EXTRA[name]
    same = [v for (n, _u), v in _YADG.items() if n == name]
    if len(same) == 1:
        return same[0]
    return f"{name}/{unit}" if unit else name


def unit_of(column: str) -> str:
    """Return the unit in a canonical column name (``"Q charge/discharge/mA.h"`` -> ``"mA.h"``, ``"Ns"`` -> ``""``)."""
    if column == CONTROL:
        return "V/mA"
    if "/" not in column:
        return ""
    unit = column.rsplit("/", 1)[1]
    return "" if unit.startswith(("discharge", "red")) else unit


def canonical_frame(cols: dict[str, np.ndarray]) -> pd.DataFrame:
    """Build a frame of canonical names and dtypes from ``{EC-Lab name: values}`` (duplicates get `` 2``)."""
    out: dict[str, np.ndarray] = {}
    for name, values in cols.items():
        canon, dtype = canonical_column(name)
        key, k = canon, 2
        while key in out:
            key = f"{canon} {k}"
            k += 1
        arr = np.asarray(values)
        if arr.dtype != dtype:
            if dtype.kind in "iub" and arr.dtype.kind == "f" and not np.isfinite(arr).all():
                arr = arr.astype(np.float64)  # an integer column with gaps stays float
            else:
                arr = arr.astype(dtype)
        out[key] = np.ascontiguousarray(arr)
    # one block per column, sharing the arrays: pandas' own constructor would copy every column into
    # one 2-D block (0.1-0.8 s for a 1M-row export, more than parsing it)
    import pyarrow as pa

    return pa.table(out).to_pandas(split_blocks=True)


def split_control(df: pd.DataFrame) -> pd.DataFrame:
    """Add ``control/mA`` and ``control/V`` from ``control/V/mA`` and ``mode`` (as the binary has them).

    EC-Lab's text export holds the set point of every row in one column ``control/V/mA``: a
    current (mA) in galvanostatic and rest rows, a potential (V) in potentiostatic rows
    (``mode`` 2). Rows of the other kind are NaN. Frames that already have the split columns, or
    no ``control/V/mA`` and ``mode``, are returned unchanged.
    """
    if CONTROL not in df.columns or "mode" not in df.columns:
        return df
    pot = df["mode"].to_numpy() == MODE_POTENTIOSTATIC
    c = df[CONTROL].to_numpy(np.float64)
    df = df.copy(deep=False)  # new columns only: the caller's frame keeps its own
    if CONTROL_I not in df.columns:
        df[CONTROL_I] = np.where(pot, np.nan, c)
    if CONTROL_V not in df.columns:
        df[CONTROL_V] = np.where(pot, c, np.nan)
    return df


def cell_voltage(df: pd.DataFrame) -> tuple[np.ndarray, str]:
    """Cell voltage (V) and what it is.

    Two-electrode runs (no ``Ece/V``): ``Ewe/V``, measured against the counter electrode, which
    is also the reference. Three-electrode runs: ``Ewe - Ece`` (the working electrode against
    the counter electrode, ``Ewe-Ece/V`` where EC-Lab exported it), because a short circuit
    collapses the voltage between the two electrodes and a symmetric cell's overpotential is
    the sum of both interfaces; ``Ewe/V`` alone would hold one interface only.

    Returns
    -------
    values, source
        ``source`` is ``"Ewe/V"``, ``"Ewe-Ece/V"`` or ``"Ewe/V - Ece/V"``.
    """
    if ECE not in df.columns:
        return df[EWE].to_numpy(np.float64), EWE
    if EWE_ECE in df.columns:
        return df[EWE_ECE].to_numpy(np.float64), EWE_ECE
    return df[EWE].to_numpy(np.float64) - df[ECE].to_numpy(np.float64), f"{EWE} - {ECE}"


def impedance(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, str] | None:
    """Frequency (Hz), Re(Z) and -Im(Z) (ohm) of the impedance rows, or ``None`` without impedance.

    ``Re(Z)/Ohm`` and ``-Im(Z)/Ohm`` when present; else (binaries of modulo-bat runs with EIS
    steps) from ``|Z|/Ohm`` and ``Phase(Z)/deg``: Re = |Z| cos(phase), -Im = -|Z| sin(phase).
    Rows without a frequency (> 0) are not impedance rows (rests and DC steps of the same file).
    """
    if FREQ not in df.columns:
        return None
    f = df[FREQ].to_numpy(np.float64)
    rows = np.isfinite(f) & (f > 0)
    if RE_Z in df.columns and MINUS_IM_Z in df.columns:
        return f[rows], df[RE_Z].to_numpy(np.float64)[rows], df[MINUS_IM_Z].to_numpy(np.float64)[rows], "Re(Z), -Im(Z)"
    if ABS_Z in df.columns and PHASE_Z in df.columns:
        mag = df[ABS_Z].to_numpy(np.float64)[rows]
        ph = np.radians(df[PHASE_Z].to_numpy(np.float64)[rows])
        return f[rows], mag * np.cos(ph), -mag * np.sin(ph), "|Z|, Phase(Z)"
    return None


#: Columns of :func:`cycling_table` (the tidy time series the cycling analyses use).
CYCLING_TABLE_COLUMNS = ("time_s", "Ewe_V", "Ecell_V", "I_mA", "Ns", "mode", "half_cycle", "cycle_number", "Q_mAh",
                         "Qo_mAh")


def cycling_table(df: pd.DataFrame, current_mA: np.ndarray) -> tuple[pd.DataFrame, str]:
    """Return the tidy time series of a cycling run and which voltage ``Ecell_V`` is.

    Columns :data:`CYCLING_TABLE_COLUMNS`: ``time_s``, ``Ewe_V`` (working electrode, the
    potential EC-Lab's limits act on), ``Ecell_V`` (:func:`cell_voltage`), ``I_mA`` (given:
    measured or derived), the instrument's ``Ns``, ``mode``, ``half_cycle`` (-1 when absent),
    ``cycle_number``, ``Q_mAh`` (``Q charge/discharge``, reset at each half cycle) and ``Qo_mAh``
    (``(Q-Qo)``, running) (NaN when absent).
    """
    v_cell, v_source = cell_voltage(df)
    n = len(df)
    out = pd.DataFrame({"time_s": df[TIME].to_numpy(np.float64), "Ewe_V": df[EWE].to_numpy(np.float64),
                        "Ecell_V": v_cell, "I_mA": np.asarray(current_mA, np.float64)})
    for col, src in (("Ns", "Ns"), ("mode", "mode"), ("half_cycle", "half cycle")):
        out[col] = df[src].to_numpy(np.int64) if src in df.columns else np.full(n, -1, np.int64)
    out["cycle_number"] = df["cycle number"].to_numpy(np.float64) if "cycle number" in df.columns else np.nan
    out["Q_mAh"] = df[Q_HALF].to_numpy(np.float64) if Q_HALF in df.columns else np.nan
    out["Qo_mAh"] = df[Q_TOTAL].to_numpy(np.float64) if Q_TOTAL in df.columns else np.nan
    return out[list(CYCLING_TABLE_COLUMNS)], v_source
