"""Validation table: recovered claims vs the ground truth of a dataset that has one.

The virtual lab knows what it generated: beside the raw files of its datasets it writes
``data/truth/<dataset>/claims_truth.json``::

    {"claims": {"<claim_id>": {"value": 37.6, "bound": null, "how": "Hertz area with the lab's r, P, E*"},
                "sym_hl_hours_stable": {"value": null, "bound": "gt", "how": "the cell never shorts"}}}

``value`` is the true value in the claim's unit (``null`` when the quantity has no finite value,
e.g. a cell that never shorts); ``bound`` is ``null``, ``"lt"`` or ``"gt"`` (the truth is only
known to lie below/above ``value``, or beyond any value when ``value`` is null); ``how`` says how
the lab defined it. Other keys are ignored. The rule ``validation`` is the only step of the
pipeline that reads ``data/truth`` (analysis code never does); it writes
``results/<dataset>/validation.csv`` with :data:`COLUMNS`, one row per claim, and each recovered
value judged against a per-claim tolerance from ``workflow/config/validation.yaml``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from llzo.atomic import write_text
from llzo.pipeline.paper_claims import load_paper_claims
from llzo.pipeline.scorecard import collect_claims

#: File name of the claim truth inside ``data/truth/<dataset>/``.
TRUTH_FILE = "claims_truth.json"
COLUMNS = ["claim_id", "unit", "basis", "recovered", "recovered_bound", "true", "true_bound", "error",
           "rel_error_pct", "tolerance", "within", "note"]


@dataclass(frozen=True)
class TrueValue:
    """One claim's ground truth: ``value`` (or None), ``bound`` (None, "lt", "gt") and ``how``."""

    value: float | None
    bound: str | None = None
    how: str = ""


@dataclass(frozen=True)
class Tolerance:
    """Validation tolerance of one claim: ``abs`` (claim unit) and/or ``rel_pct`` (% of the true value).

    Neither set: the claim has no ground truth to compare with (``reason`` says why).
    """

    reason: str
    abs: float | None = None
    rel_pct: float | None = None

    @property
    def defined(self) -> bool:
        """Whether a tolerance is given."""
        return self.abs is not None or self.rel_pct is not None

    def width(self, true: float | None) -> float | None:
        """Return the tolerance in the claim's unit: the larger of ``abs`` and ``rel_pct`` % of ``|true|``."""
        if not self.defined:
            return None
        parts = [self.abs or 0.0]
        if self.rel_pct is not None and true is not None:
            parts.append(self.rel_pct / 100.0 * abs(true))
        return max(parts)


def load_claims_truth(path: str | Path) -> dict[str, TrueValue]:
    """Read ``claims_truth.json`` (format in the module docstring; extra keys are ignored).

    Raises
    ------
    ValueError
        Naming the file and every malformed entry at once.
    """
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    claims = doc.get("claims") if isinstance(doc, dict) else None
    if not isinstance(claims, dict):
        raise ValueError(f"{path}: expected an object with key 'claims' mapping claim ids to "
                         "{'value': number or null, 'bound': null|'lt'|'gt', 'how': text}")
    out, problems = {}, []
    for cid, entry in claims.items():
        if not isinstance(entry, dict):
            problems.append(f"{cid}: not an object")
            continue
        value, bound = entry.get("value"), entry.get("bound")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            problems.append(f"{cid}: value {value!r} is not a number or null")
            continue
        if bound not in (None, "lt", "gt"):
            problems.append(f"{cid}: bound {bound!r} is not null, 'lt' or 'gt'")
            continue
        if value is not None and not math.isfinite(value):
            problems.append(f"{cid}: value {value!r} is not finite (use null)")
            continue
        out[cid] = TrueValue(None if value is None else float(value), bound, str(entry.get("how") or ""))
    if problems:
        raise ValueError(f"{path}: {len(problems)} malformed claim(s):\n  " + "\n  ".join(problems))
    return out


def load_tolerances(path: str | Path, claim_ids: list[str] | None = None) -> dict[str, Tolerance]:
    """Read ``validation.yaml``; with ``claim_ids``, every one of them must have an entry.

    Raises
    ------
    ValueError
        Listing every problem (missing entry or reason, unknown key, negative tolerance) at once.
    """
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    problems = []
    out = {}
    for cid, e in raw.items():
        if not isinstance(e, dict) or not str(e.get("reason", "")).strip():
            problems.append(f"{cid}: needs a `reason`")
            continue
        unknown = set(e) - {"abs", "rel_pct", "reason"}
        if unknown:
            problems.append(f"{cid}: unknown key(s) {sorted(unknown)}")
        for k in ("abs", "rel_pct"):
            if e.get(k) is not None and (not isinstance(e[k], int | float) or e[k] < 0):
                problems.append(f"{cid}: {k} must be a number >= 0")
        out[cid] = Tolerance(" ".join(str(e["reason"]).split()),
                             None if e.get("abs") is None else float(e["abs"]),
                             None if e.get("rel_pct") is None else float(e["rel_pct"]))
    problems += [f"{cid}: no entry" for cid in (claim_ids or []) if cid not in raw]
    if problems:
        raise ValueError(f"{path}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return out


def judge(recovered: float | None, recovered_bound: str | None, true: TrueValue,
          tol: float) -> tuple[bool, str]:
    """Whether a recovered value agrees with the truth within ``tol``, and how it was judged.

    Parameters
    ----------
    recovered, recovered_bound
        The claim (``recovered_bound`` "lt"/"gt": the analysis only bounds the quantity).
    true
        The ground truth.
    tol
        Tolerance in the claim's unit.

    Returns
    -------
    (bool, str)
        Two exact values agree when ``|recovered - true| <= tol``. A bound agrees with a value
        when consistent: recovered ``> r`` (``gt``) with true ``t`` when ``t >= r - tol``; ``< r``
        when ``t <= r + tol``; an exact recovered value with a true bound likewise. Two bounds in
        the same direction agree (both say "beyond"); in opposite directions when the intervals
        overlap. A true value of null with a bound means "no finite value" (e.g. never shorts):
        only a recovered bound in the same direction agrees.
    """
    r, rb, t, tb = recovered, recovered_bound, true.value, true.bound
    if t is None:
        if rb is not None and rb == tb:
            return True, f"no finite true value ({tb}); recovered only a bound ({rb}): consistent"
        return False, "no finite true value" + (f" ({tb})" if tb else "") + ": the recovered value contradicts it"
    if rb is None and tb is None:
        return abs(r - t) <= tol, "values compared"
    if rb is not None and tb is not None:
        if rb == tb:
            return True, f"both bounds ({rb}): consistent"
        ok = r < t + tol if rb == "gt" else t < r + tol
        return ok, f"opposite bounds (recovered {rb}, true {tb}): {'overlap' if ok else 'disjoint'}"
    if rb is not None:  # recovered bound, exact truth
        ok = t >= r - tol if rb == "gt" else t <= r + tol
        return ok, f"recovered is a bound ({rb}): true value {'consistent' if ok else 'outside it'}"
    ok = r >= t - tol if tb == "gt" else r <= t + tol  # exact recovered, true bound
    return ok, f"true value is a bound ({tb}): recovered {'consistent' if ok else 'outside it'}"


def _num(v) -> float | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v)


def validation_table(paper_claims: str | Path, claims_files: list[str | Path], truth: dict[str, TrueValue] | None,
                     tolerances: dict[str, Tolerance], truth_note: str = "") -> pd.DataFrame:
    """One row per claim of ``paper_claims.yaml`` (and per truth entry not in it), as :data:`COLUMNS`.

    Parameters
    ----------
    paper_claims, claims_files
        As for the scorecard (units and bases from the yaml; the notebooks' claims JSONs).
    truth
        :func:`load_claims_truth`, or None when the dataset's truth folder has no claim truth
        (every row then says so in ``note``, with ``truth_note``).
    tolerances
        :func:`load_tolerances`.
    """
    paper = load_paper_claims(paper_claims)
    produced = collect_claims(claims_files)
    ids = list(paper) + sorted(set(truth or {}) - set(paper))
    rows = []
    for cid in ids:
        p, c = paper.get(cid), produced.get(cid, {})
        rec, rb = _num(c.get("reproduced")), c.get("bound")
        basis = p.basis_for(rb, c.get("basis"))[0] if p else ""
        row = {"claim_id": cid, "unit": p.unit if p else "", "basis": basis, "recovered": rec,
               "recovered_bound": rb, "true": None, "true_bound": None, "error": None, "rel_error_pct": None,
               "tolerance": None, "within": None, "note": ""}
        tv = (truth or {}).get(cid)
        tol = tolerances.get(cid)
        notes = []
        if p is None:
            notes.append("in the truth but not a claim of paper_claims.yaml")
        if truth is None:
            notes.append(f"no claim truth for this dataset{': ' + truth_note if truth_note else ''}")
        elif tv is None:
            notes.append("no true value for this claim")
        if tv is not None:
            row.update({"true": tv.value, "true_bound": tv.bound})
            if tv.how:
                notes.append(f"truth: {tv.how}")
            if rec is not None and tv.value is not None:
                row["error"] = rec - tv.value
                row["rel_error_pct"] = 100.0 * (rec - tv.value) / abs(tv.value) if tv.value != 0 else None
            if tol is None or not tol.defined:
                notes.append(f"no validation tolerance ({tol.reason if tol else 'none defined'})")
            elif rec is None:
                row["within"] = False
                notes.insert(0, "claim not recovered (missing)")
            else:
                row["tolerance"] = tol.width(tv.value)
                row["within"], how = judge(rec, rb, tv, row["tolerance"])
                notes.insert(0, how)
        elif tol is not None and not tol.defined:
            notes.append(tol.reason)
        row["note"] = "; ".join(notes)
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def validation_summary(table: pd.DataFrame) -> str:
    """``"12 of 14 measured claims within their validation tolerance"`` (plus how many have no true value).

    Without any true value (a truth folder without ``claims_truth.json``) it says so instead.
    """
    if not table["true"].map(lambda v: str(v).strip() not in ("", "None", "nan")).any():
        return "no true values to compare with (no claims_truth.json, or it lists none of these claims)"
    measured = table[table["basis"].astype(str) == "measured"]
    within = measured["within"].map(lambda v: str(v).strip().lower())
    judged = within.isin(["true", "false"])
    n_ok = int((within == "true").sum())
    text = f"{n_ok} of {int(judged.sum())} measured claims within their validation tolerance"
    if (~judged).sum():
        text += f" ({int((~judged).sum())} measured without a true value or tolerance)"
    return text


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def write_validation(paper_claims: str | Path, claims_files: list[str | Path], truth_dir: str | Path,
                     tolerances_yaml: str | Path, out_csv: str | Path) -> pd.DataFrame:
    """Write ``validation.csv`` from the claims JSONs and ``<truth_dir>/claims_truth.json``.

    A truth folder without ``claims_truth.json`` (a virtual lab that writes none) gives a table
    whose rows say so, not an error; a malformed file is an error.
    """
    path = Path(truth_dir) / TRUTH_FILE
    truth = load_claims_truth(path) if path.is_file() else None
    paper = load_paper_claims(paper_claims)
    tolerances = load_tolerances(tolerances_yaml, list(paper))
    table = validation_table(paper_claims, claims_files, truth, tolerances,
                             truth_note="" if truth is not None else f"{path} does not exist")
    out = table.copy()
    for c in out.columns:
        out[c] = out[c].map(_fmt)
    write_text(out.to_csv(index=False, lineterminator="\n"), out_csv)
    return table
