"""The cell current of an EC-Lab run, also when the file holds no current column.

Many GCPL and MB binaries carry no ``I/mA`` or ``<I>/mA``: the current is then the set point
of the galvanostatic steps plus what charge flowed elsewhere. :func:`cell_current` returns, per
row,

* the measured ``I/mA`` (``<I>/mA``) where the file has it;
* else, in galvanostatic rows (``mode`` 1): the set point ``control/mA`` (EC-Lab's
  ``control/V/mA`` in those rows; its sign already says oxidation or reduction, as ``ox/red``
  confirms);
* in rest and open-circuit rows (``mode`` 3): 0;
* elsewhere (potentiostatic steps, ``mode`` 2, and files without ``mode``): dQ/dt, the charge
  passed since the previous row (``dQ/mA.h``, or the difference of ``(Q-Qo)/mA.h``) over the
  time since it, in mA (``3600 dQ / dt``; EC-Lab's ``<I>`` is defined the same way).

The first row of a galvanostatic step averages over the switching instant in the measured
``<I>`` (e.g. -0.019 mA between +0.03 and -0.03 mA steps) while the set point is already the
new value; tests compare the two on every other row (``tests/io/test_eclab.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from llzo.io.eclab.columns import (
    CONTROL_I,
    CURRENT,
    DQ,
    MODE_GALVANOSTATIC,
    MODE_REST,
    Q_TOTAL,
    TIME,
)


def charge_rate_mA(df: pd.DataFrame) -> np.ndarray | None:
    """dQ/dt in mA from ``dQ/mA.h`` or ``(Q-Qo)/mA.h`` and ``time/s`` (first row: 0), or ``None``."""
    if TIME not in df.columns:
        return None
    t = df[TIME].to_numpy(np.float64)
    if DQ in df.columns:
        dq = df[DQ].to_numpy(np.float64).copy()
    elif Q_TOTAL in df.columns:
        dq = np.diff(df[Q_TOTAL].to_numpy(np.float64), prepend=np.nan)
    else:
        return None
    dt = np.diff(t, prepend=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        i = np.where(dt > 0, 3600.0 * dq / dt, 0.0)
    i[0] = 0.0 if not np.isfinite(i[0]) else i[0]
    return np.nan_to_num(i, nan=0.0)


def cell_current(df: pd.DataFrame) -> tuple[np.ndarray, str] | None:
    """Return the current (mA, positive = oxidation at the working electrode) and how it was obtained.

    Returns
    -------
    (I_mA, source) or None
        ``source``: ``"I/mA"`` (measured), ``"set point + dQ/dt"`` or ``"dQ/dt"``; ``None``
        when the file has neither a current, nor a set point with ``mode``, nor a charge column.
    """
    if CURRENT in df.columns:
        return df[CURRENT].to_numpy(np.float64), CURRENT
    rate = charge_rate_mA(df)
    if "mode" in df.columns and CONTROL_I in df.columns:
        mode = df["mode"].to_numpy()
        setp = df[CONTROL_I].to_numpy(np.float64)
        i = rate.copy() if rate is not None else np.full(len(df), np.nan)
        galv = mode == MODE_GALVANOSTATIC
        i[galv] = setp[galv]
        i[mode == MODE_REST] = 0.0
        if np.isnan(i).any():
            return None
        return i, "set point + dQ/dt" if rate is not None else "set point"
    if rate is not None:
        return rate, "dQ/dt"
    return None


__all__ = ["cell_current", "charge_rate_mA"]
