"""``llzo inspect FILE...``: what an instrument file holds and which analyses it can feed.

For each file: instrument, software version, technique(s), sequences, columns with units, rows,
time span, and for every analysis of the pipeline whether the file can feed it (and why not).
A lab member runs this before writing a sample sheet.

File kinds are found by a registry (:data:`INSPECTORS`, by extension): EC-Lab ``.mpr``/``.mpt``,
Gamry ``.DTA``, Autolab ``.txt`` now; AFM maps and sweep CSVs can register theirs with
:func:`register`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from llzo.io.errors import RawDataError


@dataclass(frozen=True)
class Inspection:
    """What :func:`inspect_file` found in one file.

    Attributes
    ----------
    path, kind
        The file and its kind (``"EC-Lab .mpr"``, ...).
    instrument, software, techniques
        As the file states them (``""`` when it does not).
    sequences
        Sequences (EC-Lab ``Ns``) with what each holds, e.g. ``"Ns 1: galvanostatic, 60 rows"``.
    columns
        ``[(name, unit)]``.
    rows
        Data rows.
    time_span_s
        (first, last) time in s, or ``None``.
    feeds
        ``{analysis: (yes, why)}`` for the sheet techniques PEIS, CCD, SYM, FULL.
    notes
        Reader notes (quirks of the file).
    """

    path: Path
    kind: str
    instrument: str = ""
    software: str = ""
    techniques: list[str] = field(default_factory=list)
    sequences: list[str] = field(default_factory=list)
    columns: list[tuple[str, str]] = field(default_factory=list)
    rows: int = 0
    time_span_s: tuple[float, float] | None = None
    feeds: dict[str, tuple[bool, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        """Human-readable report."""
        out = [f"{self.path}", f"  kind        {self.kind}"]
        out.append(f"  instrument  {self.instrument or '(not stated)'}")
        out.append(f"  software    {self.software or '(not stated)'}")
        out.append(f"  technique   {', '.join(self.techniques) or '(not stated)'}")
        if self.sequences:
            out.append("  sequences   " + "\n              ".join(self.sequences))
        out.append(f"  rows        {self.rows}")
        if self.time_span_s is not None:
            a, b = self.time_span_s
            out.append(f"  time        {a:.6g} .. {b:.6g} s ({(b - a) / 3600:.3g} h)")
        cols = ", ".join(f"{n} [{u}]" if u else n for n, u in self.columns)
        out.append(f"  columns     {len(self.columns)}: {cols}")
        for a, (ok, why) in self.feeds.items():
            out.append(f"  {a:<11} {'yes' if ok else 'no '}  {why}")
        for n in self.notes:
            out.append(f"  note        {n}")
        return "\n".join(out)


INSPECTORS: dict[str, Callable[[Path], Inspection]] = {}


def register(*suffixes: str) -> Callable:
    """Register an inspector for file extensions (lower case, with the dot)."""
    def deco(fn: Callable[[Path], Inspection]) -> Callable[[Path], Inspection]:
        for s in suffixes:
            INSPECTORS[s.lower()] = fn
        return fn
    return deco


def _cycling_feeds(d, has_current: tuple | None) -> dict[str, tuple[bool, str]]:
    """Whether a cycling table can feed CCD, SYM and FULL (from its steps)."""
    from llzo.analysis.echem_structure import half_cycles, steps

    feeds: dict[str, tuple[bool, str]] = {}
    if has_current is None:
        why = "no current: no I/mA, no set point with mode, no charge column"
        return {t: (False, why) for t in ("CCD", "SYM", "FULL")}
    st = steps(d)
    galv = st[(st["kind"] == "galvanostatic") & (st["I_mA"] != 0)]
    hc = half_cycles(d, st)
    signs = set(np.sign(galv["I_mA"]))
    kinds = ", ".join(f"{k} {int((st['kind'] == k).sum())}" for k in ("galvanostatic", "potentiostatic", "rest")
                      if (st["kind"] == k).any())
    src = f"current from {has_current[1]}; steps: {kinds}"
    if galv.empty:
        why = f"no galvanostatic current step ({src})"
        return {t: (False, why) for t in ("CCD", "SYM", "FULL")}
    both = signs == {-1.0, 1.0}
    feeds["CCD"] = (both, f"{len(galv)} galvanostatic steps, {len(set(np.round(np.abs(galv['I_mA']), 9)))} "
                          f"current level(s){'' if both else ', one direction only'} ({src})")
    hg = half_cycles(d, st, galvanostatic_only=True)
    feeds["SYM"] = (len(hg) > 0, f"{len(hg)} galvanostatic half cycles ({src})")
    pairs = sum(1 for a, b in zip(hc["sign"], hc["sign"].iloc[1:], strict=False) if a > 0 > b)
    feeds["FULL"] = (pairs > 0, f"{pairs} charge-then-discharge pair(s) of half cycles ({src})")
    return feeds


@register(".mpr", ".mpt")
def inspect_eclab(path: Path) -> Inspection:
    """EC-Lab file: read with :func:`llzo.io.eclab.read_eclab`."""
    from llzo.io.eclab import cell_current, cycling_table, impedance, read_eclab
    from llzo.io.eclab.columns import unit_of

    f = read_eclab(path)
    d = f.data
    cols = [(c, unit_of(c)) for c in d.columns]
    seqs = []
    if "Ns" in d.columns:
        names = {1: "galvanostatic", 2: "potentiostatic", 3: "rest/OCV"}
        for ns, g in d.groupby("Ns", sort=True):
            what = ", ".join(sorted({names.get(int(m), f"mode {m}") for m in g["mode"]})) if "mode" in g else ""
            eis = ", impedance" if "freq/Hz" in g and (g["freq/Hz"] > 0).any() else ""
            seqs.append(", ".join(filter(None, [f"Ns {ns}: {what}".rstrip(": "), eis.lstrip(", "), f"{len(g)} rows"])))
    feeds: dict[str, tuple[bool, str]] = {}
    z = impedance(d)
    if z is not None and len(z[0]) >= 2:
        feeds["PEIS"] = (True, f"{len(z[0])} impedance points from {z[3]}, {z[0].max():.4g} .. {z[0].min():.4g} Hz")
    else:
        feeds["PEIS"] = (False, "no impedance columns (freq/Hz with Re(Z)/Ohm and -Im(Z)/Ohm, or |Z|/Ohm and "
                                "Phase(Z)/deg)")
    if z is not None and len(z[0]) >= 0.9 * len(d):
        feeds.update({t: (False, "an impedance run (a frequency on every row), not a current log")
                      for t in ("CCD", "SYM", "FULL")})
    elif "time/s" in d.columns and "Ewe/V" in d.columns:
        cur = cell_current(d)
        table = cycling_table(d, cur[0])[0] if cur is not None else None
        feeds.update(_cycling_feeds(table, cur))
    else:
        feeds.update({t: (False, "no time/s and Ewe/V columns") for t in ("CCD", "SYM", "FULL")})
    span = (float(d["time/s"].min()), float(d["time/s"].max())) if "time/s" in d.columns and len(d) else None
    notes = list(f.notes)
    if "Ece/V" in d.columns:
        notes.append("three-electrode run (Ece/V): CCD and SYM use the cell voltage Ewe - Ece")
    return Inspection(Path(path), f"EC-Lab {Path(path).suffix.lower()} (read by {f.reader})", f.instrument,
                      f"EC-Lab {f.ec_lab_version}", [f.technique] if f.technique else [], seqs, cols, len(d), span,
                      feeds, notes)


@register(".dta", ".txt")
def inspect_impedance_export(path: Path) -> Inspection:
    """Gamry ``.DTA`` or Autolab ``.txt`` impedance export."""
    from llzo.io.impedance_exports import describe_export, kind_of, read_impedance_export

    df = read_impedance_export(path)
    info = describe_export(path)
    no = "an impedance export holds no cycling data"
    feeds = {"PEIS": (True, f"{len(df)} impedance points, {df['freq_Hz'].max():.4g} .. {df['freq_Hz'].min():.4g} Hz"),
             **{t: (False, no) for t in ("CCD", "SYM", "FULL")}}
    return Inspection(Path(path), f"{kind_of(path).capitalize()} impedance export (read by impedance.py)",
                      info["instrument"], info["software"], [info["technique"]] if info["technique"] else [], [],
                      [("freq_Hz", "Hz"), ("re_Z_ohm", "Ohm"), ("minus_im_Z_ohm", "Ohm")], len(df), None, feeds)


def inspect_file(path: str | Path) -> Inspection:
    """Inspect one file (kind by extension).

    Raises
    ------
    RawDataError
        Unknown kind, or the file cannot be read (the reader's message).
    """
    path = Path(path)
    fn = INSPECTORS.get(path.suffix.lower())
    if fn is None:
        raise RawDataError(f"unknown file kind {path.suffix!r}; inspect knows {sorted(INSPECTORS)}", path)
    if not path.is_file():
        raise RawDataError("file not found", path)
    return fn(path)


def inspect_files(paths: list[str | Path]) -> tuple[str, int]:
    """Text report of every file (unreadable ones with their reason) and the number that failed."""
    parts, bad = [], 0
    for p in paths:
        try:
            parts.append(inspect_file(p).text())
        except RawDataError as exc:
            bad += 1
            parts.append(f"{p}\n  cannot be read: {exc}")
    return "\n\n".join(parts), bad


__all__ = ["INSPECTORS", "Inspection", "inspect_file", "inspect_files", "register"]
