"""EC-Lab files through yadg, the reader of record.

yadg reads ``.mpr`` binaries of every EC-Lab version it knows (incl. >= 11.50, whose column ids
galvani 0.5 does not know) and ``.mpt`` exports.

yadg returns an :class:`xarray.DataTree` with units in attributes and, for each quantity, an
``<name>_uncertainty`` variable (the instrument's resolution from the device datasheet for
potentials and currents, e.g. 0.004 % of the current range; the text-to-float precision for the
other columns of a text export). This module maps yadg's names back to EC-Lab's (see
:mod:`llzo.io.eclab.columns`) and keeps the instrument uncertainties in
:attr:`ECLabFile.uncertainty`. yadg 7.0.1 computes the current resolutions in A while the current
columns are in mA; they are converted here.

References
----------
Kraus, P. et al., "yadg: yet another datagram", J. Open Source Softw. 7 (2022) 4166;
dgbowl/yadg ``src/yadg/extractors/eclab/``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from llzo.io.eclab.columns import canonical_frame, eclab_name_of_yadg, split_control
from llzo.io.eclab.record import ECLabFile
from llzo.io.errors import RawDataError

#: yadg uncertainty sources kept: the device datasheet and yadg's estimate for binary floats (the
#: text-to-float precision of text exports, ``str_conv``, is not an instrument property).
KEEP_SOURCES = ("datasheet", "estimate")


def _locale_of(path: Path) -> str:
    """``de_DE`` for a text export written with decimal commas, else ``en_US``."""
    from llzo.io.eclab.fast_mpt import decimal_separator, split_header

    raw = path.read_bytes()
    _, _, _, start, _ = split_header(raw, path)
    nl = raw.find(b"\n", start)
    return "de_DE" if decimal_separator(raw[start: nl if nl >= 0 else len(raw)]) == "," else "en_US"


def _mpr_layout(path: Path) -> str:
    from llzo.io.eclab.galvani_ref import mpr_layout

    try:
        return mpr_layout(path)
    except (OSError, ValueError, IndexError):
        return "unknown EC-Lab version"


def read_yadg(path: str | Path) -> ECLabFile:
    """Read an ``.mpr`` or ``.mpt`` with yadg's ``eclab.mpr`` / ``eclab.mpt`` extractor.

    Raises
    ------
    RawDataError
        yadg cannot read the file; the message names the EC-Lab generation (``.mpr``) and
        yadg's reason.
    """
    import yadg.extractors

    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind not in ("mpr", "mpt"):
        raise RawDataError(f"unknown extension {path.suffix!r}: expected an EC-Lab .mpt or .mpr file", path)
    locale = _locale_of(path) if kind == "mpt" else "en_US"
    yadg_log = logging.getLogger("yadg")
    level, propagate = yadg_log.level, yadg_log.propagate
    heard = _Heard()
    yadg_log.setLevel(logging.WARNING)
    yadg_log.propagate = False  # yadg's warnings become notes of the file (below), not log noise
    yadg_log.addHandler(heard)
    try:
        tree = yadg.extractors.extract(filetype=f"eclab.{kind}", path=path, locale=locale,
                                       encoding="windows-1252", timezone="UTC")
    except Exception as exc:  # any failure inside the library is a property of the file
        what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if kind == "mpr":
            raise RawDataError(f"unreadable .mpr written by {_mpr_layout(path)}: yadg {what}", path) from None
        raise RawDataError(f"yadg cannot read this EC-Lab text export: {what}", path) from None
    finally:
        yadg_log.removeHandler(heard)
        yadg_log.setLevel(level)
        yadg_log.propagate = propagate
    ds = tree.to_dataset()
    cols: dict[str, np.ndarray] = {}
    unc: dict[str, float] = {}
    for name, var in ds.data_vars.items():
        if name.endswith("_uncertainty") or var.ndim != 1:
            continue
        eclab = eclab_name_of_yadg(str(name), var.attrs.get("units"))
        values = var.values
        if name == "I Range" and values.dtype.kind in "UO":
            values = _i_range_codes(values)
        cols[eclab] = values
    for eclab, values in cols.items():
        if values.dtype.kind in "UOS":  # yadg keeps a column with a non-number as text
            bad = next((k for k, v in enumerate(values) if not _is_number(v)), 0)
            raise RawDataError(f"value {str(values[bad])!r} in data row {bad + 1} is not a number", path,
                               column=eclab)
    frame = canonical_frame(cols)
    if frame.empty:
        raise RawDataError(f"no data rows (yadg found {len(frame.columns)} column(s) and {len(frame)} row(s))", path)
    canon_of = dict(zip(cols, frame.columns, strict=True))
    for name, var in ds.data_vars.items():
        if not str(name).endswith("_uncertainty") or var.attrs.get("yadg_uncertainty_source") not in KEEP_SOURCES:
            continue
        base = str(name)[: -len("_uncertainty")]
        target = next((v for v in ds.data_vars if str(v).replace(" ", "_") == base and v != name), base)
        if target not in ds.data_vars:
            continue
        eclab = eclab_name_of_yadg(str(target), ds[target].attrs.get("units"))
        canon = canon_of.get(eclab)
        if canon is not None:
            vals = np.asarray(var.values, np.float64)
            scale = 1e3 if canon.endswith("/mA") and var.attrs.get("yadg_uncertainty_source") == "datasheet" else 1.0
            unc[canon] = scale * float(np.nanmax(vals)) if vals.size else float("nan")
    meta = json.loads(ds.attrs.get("original_metadata", "{}") or "{}")
    log = meta.get("log") or {}
    settings = meta.get("settings") or {}
    if kind == "mpr":
        version = str(log.get("ec_lab_version") or _mpr_layout(path))
        technique = str(settings.get("technique", ""))
        instrument = f"SN {log['device_sn']}" if log.get("device_sn") else ""
        header: list[str] = []
    else:
        from llzo.io.eclab.fast_mpt import header_device, header_technique, header_version, split_header

        header, _, names_line, _, _ = split_header(path.read_bytes(), path)
        version, technique, instrument = header_version(header), header_technique(header), header_device(header)
    notes = [f"yadg: {m}" for m in heard.messages if "unknown" in m.lower() or "ambiguous" in m.lower()]
    first_line = names_line + 1 if kind == "mpt" else None
    return ECLabFile(split_control(frame), version, technique, path, "yadg", header, instrument, unc, notes,
                     first_line)


class _Heard(logging.Handler):
    """Collects yadg's warnings about a file (unknown or ambiguous column ids)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _is_number(v) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


def _i_range_codes(values: np.ndarray) -> np.ndarray:
    """EC-Lab's integer ``I Range`` codes from yadg's range names (``"10 mA"`` -> its code)."""
    from yadg.extractors.eclab.techniques import param_map

    table = {s: code for s, code, *_ in param_map["I Range"]}
    return np.array([table.get(str(v), -1) for v in values], dtype=np.int64)


__all__ = ["read_yadg"]
