"""Ingest of ``echem.tsv`` and its files into ``data/interim/<dataset>/``.

Every run named in the sheet is read and checked (every row); a run whose file cannot be used
is rejected with the file, line or column and the reason (:mod:`llzo.pipeline.rejects`), the
others are written. Nothing of a rejected run reaches the interim tables. A sheet that cannot
be parsed at all still stops the ingest (:class:`llzo.io.errors.SheetError`).

Files: EC-Lab ``.mpr``/``.mpt`` (any technique; :mod:`llzo.io.eclab`), and for PEIS runs also
Gamry ``.DTA`` and Autolab ``.txt`` exports (:mod:`llzo.io.impedance_exports`).

What is taken from a file
-------------------------
PEIS (also GEIS, and the impedance steps of modulo-bat runs): ``freq/Hz``, ``Re(Z)/Ohm``,
``-Im(Z)/Ohm`` (or ``|Z|`` and ``Phase(Z)``); a file with several spectra gives its first one
(the others are counted in ``notes``).

CCD, SYM, FULL: time, the working-electrode potential ``Ewe_V``, the cell voltage ``Ecell_V``
(``Ewe - Ece`` in three-electrode runs, see :func:`llzo.io.eclab.columns.cell_voltage`), the
current (measured, or derived: :func:`llzo.io.eclab.current.cell_current`) and the instrument's
own structure columns where present: ``Ns`` (sequence), ``mode`` (1 galvanostatic, 2
potentiostatic, 3 rest/OCV), ``half_cycle``, ``cycle_number``, ``Q_mAh`` (``Q charge/discharge``,
reset at each half cycle) and ``Qo_mAh`` (``(Q-Qo)``, running). Absent integer columns are -1,
absent charges NaN.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from llzo import interim
from llzo.io.eclab import cell_current, cycling_table, impedance, read_eclab
from llzo.io.eclab import columns as C
from llzo.io.eclab.columns import CYCLING_TABLE_COLUMNS
from llzo.io.errors import RawDataError, SheetError
from llzo.io.impedance_exports import kind_of, read_impedance_export
from llzo.io.manifest import build_manifest
from llzo.io.paths import resolve_in_dataset
from llzo.io.sheets import read_sheet
from llzo.pipeline.rejects import RejectList

log = logging.getLogger(__name__)

EIS_COLUMNS = ["freq_Hz", "re_Z_ohm", "minus_im_Z_ohm"]
CYCLING_FLOAT = ["time_s", "Ewe_V", "Ecell_V", "I_mA", "cycle_number", "Q_mAh", "Qo_mAh"]
CYCLING_INT = ["Ns", "mode", "half_cycle"]
CYCLING_COLUMNS = list(CYCLING_TABLE_COLUMNS)
#: Sheet columns copied into the reject list (which analyses the file was meant for).
SHEET_KEEP = ("technique", "cell", "interlayer", "state", "cathode")


def _line(f, row: int) -> int | None:
    return None if f.first_line is None else f.first_line + row


def _first_bad(ok: np.ndarray) -> int:
    return int(np.argmax(~ok))


def _spectra(freq: np.ndarray) -> np.ndarray:
    """Spectrum index (0, 1, ...) of each impedance point: a new sweep starts where f rises."""
    return np.r_[0, np.cumsum(np.diff(freq) > 0)]


def read_peis(path: Path, run_id: str) -> tuple[pd.DataFrame, dict]:
    """Impedance points of a PEIS run (first spectrum) and what was read."""
    if kind_of(path) is not None:
        from llzo.io.impedance_exports import describe_export

        df = read_impedance_export(path)
        d = describe_export(path)
        info = {"ec_lab_version": "", "reader": "impedance.py", "instrument": d["instrument"],
                "technique_in_file": d["technique"], "notes": ""}
    else:
        f = read_eclab(path)
        z = impedance(f.data)
        if z is None:
            need = [c for c in (C.FREQ, C.RE_Z, C.MINUS_IM_Z) if c not in f.data.columns]
            raise RawDataError(f"PEIS run {run_id!r} needs column {need[0]!r} (impedance: freq/Hz with Re(Z)/Ohm "
                               f"and -Im(Z)/Ohm, or |Z|/Ohm and Phase(Z)/deg); the file has {list(f.data.columns)}",
                               path, column=need[0])
        freq, re_z, mim_z, _how = z
        df = pd.DataFrame({"freq_Hz": freq, "re_Z_ohm": re_z, "minus_im_Z_ohm": mim_z})
        info = {"ec_lab_version": f.ec_lab_version, "reader": f.reader, "instrument": f.instrument,
                "technique_in_file": f.technique, "notes": "; ".join(f.notes)}
    ok = np.isfinite(df.to_numpy()).all(axis=1) & (df["freq_Hz"].to_numpy() > 0)
    if not ok.all():
        raise RawDataError(f"impedance point {_first_bad(ok) + 1} is not finite or has a frequency <= 0", path)
    spec = _spectra(df["freq_Hz"].to_numpy())
    if spec[-1] > 0:
        info["notes"] = "; ".join(filter(None, [info["notes"], f"{spec[-1] + 1} spectra in the file: the first is "
                                                f"used ({int((spec == 0).sum())} points)"]))
        df = df[spec == 0].reset_index(drop=True)
    if len(df) < 2:
        raise RawDataError(f"only {len(df)} impedance point(s): truncated file?", path)
    return df, info


def read_cycling(path: Path, run_id: str, technique: str) -> tuple[pd.DataFrame, dict]:
    """Time series of a CCD/SYM/FULL run (see module doc) and what was read."""
    if kind_of(path) is not None:
        raise RawDataError(f"{technique} run {run_id!r}: a {path.suffix} impedance export holds no cycling data "
                           "(expected an EC-Lab .mpr or .mpt)", path)
    f = read_eclab(path)
    d = f.data
    for col in (C.TIME, C.EWE):
        if col not in d.columns:
            raise RawDataError(f"{technique} run {run_id!r} needs column {col!r}; the file has {list(d.columns)}",
                               path, column=col)
    z = impedance(d)
    if z is not None and len(z[0]) >= 0.9 * len(d):
        raise RawDataError(f"{technique} run {run_id!r}: the file is an impedance run (a frequency on every row: "
                           f"{f.technique or 'EIS'}), not a current log; list it as PEIS", path, column=C.FREQ)
    cur = cell_current(d)
    if cur is None:
        raise RawDataError(f"{technique} run {run_id!r} needs a current: the file has no 'I/mA' (or '<I>/mA'), no set "
                           "point 'control/V/mA' with 'mode', and no charge 'dQ/mA.h' or '(Q-Qo)/mA.h'; it has "
                           f"{list(d.columns)}", path, column="I/mA")
    i_mA, i_source = cur
    out, v_source = cycling_table(d, i_mA)
    n = len(out)
    # every row: finite time, potential and current; time never goes back
    for col, name in (("time_s", C.TIME), ("Ewe_V", C.EWE), ("I_mA", i_source), ("Ecell_V", v_source)):
        ok = np.isfinite(out[col].to_numpy())
        if not ok.all():
            k = _first_bad(ok)
            raise RawDataError(f"row {k + 1} of the data: {name} is not a finite number", path, line=_line(f, k),
                               column=name)
    back = np.diff(out["time_s"].to_numpy()) < 0
    if back.any():
        k = int(np.argmax(back)) + 1
        raise RawDataError(f"row {k + 1} of the data: time/s goes back ({out['time_s'].iloc[k - 1]:.6g} -> "
                           f"{out['time_s'].iloc[k]:.6g} s)", path, line=_line(f, k), column=C.TIME)
    if n < 2:
        raise RawDataError(f"only {n} data row(s): truncated file?", path)
    info = {"ec_lab_version": f.ec_lab_version, "reader": f.reader, "instrument": f.instrument,
            "technique_in_file": f.technique, "notes": "; ".join(f.notes), "current_source": i_source,
            "voltage_source": v_source, "I_resolution_mA": f.uncertainty.get(C.CURRENT,
                                                                             f.uncertainty.get(C.CONTROL_I, np.nan))}
    return out, info


def sheet_problems(dataset_dir: Path, name: str = "echem") -> list[str]:
    """Every row problem of a sheet against its schema (``row N, line N+1, column 'c': what``).

    :func:`llzo.io.sheets.read_sheet` stops at the first; this lists them all for the message.
    """
    import jsonschema

    from llzo.io.sheets import SHEETS, load_schema

    path = Path(dataset_dir) / f"{name}.tsv"
    schema = load_schema(name)
    try:
        df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
        return []
    numeric = [k for k, v in schema.get("properties", {}).items() if v.get("type") in ("number", "integer")]
    validator = jsonschema.Draft202012Validator(schema)
    out, seen = [], set()
    for i, rec in enumerate(df.to_dict("records"), start=1):
        rec = {k: v for k, v in rec.items() if v != ""}
        for k in numeric:
            if k in rec:
                try:
                    rec[k] = float(rec[k])
                except ValueError:
                    out.append(f"row {i}, line {i + 1}, column '{k}': {rec[k]!r} is not a number")
                    rec.pop(k)
        for err in validator.iter_errors(rec):
            col = str(err.path[0]) if err.path else (err.message.split("'")[1] if "'" in err.message else "")
            out.append(f"row {i}, line {i + 1}, column '{col}': {err.message}")
        rid = rec.get(SHEETS[name])
        if rid in seen:
            out.append(f"row {i}, line {i + 1}, column '{SHEETS[name]}': duplicate {SHEETS[name]} {rid!r}")
        seen.add(rid)
    return out


def _empty(cols_float: list[str], cols_int: list[str] = ()) -> pd.DataFrame:
    return pd.DataFrame({"run_id": pd.Series(dtype=str), **{c: pd.Series(dtype=np.float64) for c in cols_float},
                         **{c: pd.Series(dtype=np.int64) for c in cols_int}})


def ingest(dataset_dir: str | Path, out_dir: str | Path) -> dict[str, Path]:
    """Validate the sheet, read and check every run's file, write the tidy tables and the reject list.

    Outputs (in ``out_dir``)
    ------------------------
    echem_meta.parquet
        The sheet rows of the runs that were ingested, plus ``ec_lab_version, reader,
        instrument, technique_in_file, n_rows, current_source, voltage_source,
        I_resolution_mA, notes``.
    echem_eis.parquet
        ``run_id, freq_Hz, re_Z_ohm, minus_im_Z_ohm`` (PEIS runs).
    echem_cycling.parquet
        ``run_id`` and :data:`CYCLING_COLUMNS` (CCD, SYM and FULL runs).
    rejected_echem.tsv
        ``file, run_id, line, column, reason, technique, cell, interlayer, state, cathode`` of
        every run that could not be used (empty when none).
    manifest_echem.tsv
        ``path, bytes, sha256, ec_lab_version`` of the sheet and every existing file it names.

    Raises
    ------
    SheetError
        The sheet itself is unusable (nothing is written).
    """
    dataset_dir, out_dir = Path(dataset_dir), Path(out_dir)
    try:
        meta = read_sheet(dataset_dir, "echem", check_files=False)
    except SheetError as exc:  # the sheet itself is unusable: stop, naming every problem at once
        others = [p for p in sheet_problems(dataset_dir) if not p.startswith(f"row {exc.row},")]
        if others:
            exc.message += f"; and {len(others)} more problem(s): " + "; ".join(others)
        raise
    rejects = RejectList("echem", "run_id", dataset_dir, SHEET_KEEP)
    eis, cyc, info, good, extra, present = [], [], [], [], {}, []
    sheet_path = dataset_dir / "echem.tsv"
    for i, row in enumerate(meta.to_dict("records"), start=1):
        run = row["run_id"]
        try:
            path = resolve_in_dataset(dataset_dir, row["file"], sheet=sheet_path, row=i, column="file")
            if not path.is_file():
                raise RawDataError(f"{row['file']!r} named in the sheet does not exist", sheet_path, row=i,
                                   line=i + 1, column="file")
            present.append(row["file"])
            if row["technique"] == "PEIS":
                df, inf = read_peis(path, run)
            else:
                df, inf = read_cycling(path, run, row["technique"])
        except RawDataError as exc:
            rejects.add(exc, run, row)
            continue
        df.insert(0, "run_id", run)
        (eis if row["technique"] == "PEIS" else cyc).append(df)
        info.append({**inf, "n_rows": len(df)})
        good.append(i - 1)
        extra[row["file"]] = {"ec_lab_version": inf["ec_lab_version"]}
        log.info("%s: %d rows (%s, %s)", row["file"], len(df), inf["ec_lab_version"] or inf["instrument"],
                 inf["reader"])
    meta = pd.concat([meta.iloc[good].reset_index(drop=True), pd.DataFrame(info)], axis=1)
    for col in ("current_source", "voltage_source", "notes"):
        if col not in meta:
            meta[col] = ""
    meta[["current_source", "voltage_source", "notes"]] = meta[["current_source", "voltage_source",
                                                                "notes"]].fillna("")
    if "I_resolution_mA" not in meta:
        meta["I_resolution_mA"] = np.nan
    data_eis = pd.concat(eis, ignore_index=True) if eis else _empty(EIS_COLUMNS)
    data_cyc = pd.concat(cyc, ignore_index=True) if cyc else _empty(CYCLING_FLOAT, CYCLING_INT)[
        ["run_id", *CYCLING_COLUMNS]]
    manifest = build_manifest(dataset_dir, ["echem.tsv", *present], extra=extra)
    if "ec_lab_version" not in manifest:
        manifest["ec_lab_version"] = ""
    outs = interim.write_echem(out_dir, meta, data_eis, data_cyc, rejects.frame(), manifest)
    if len(rejects):
        log.warning("%s", rejects.message())
    log.info("ingested %d of %d runs (%d EIS points, %d cycling rows); %d rejected", len(meta),
             len(meta) + len(rejects), len(data_eis), len(data_cyc), len(rejects))
    return outs
