"""Validation table: recovered claims vs the ground truth of a dataset that has one.

The virtual lab knows what it generated: beside the raw files of its datasets it writes
``data/truth/<dataset>/claims_truth.json``::

    {"claims": {"<claim_id>": {"value": 37.6, "bound": null, "how": "Hertz area with the lab's r, P, E*"},
                "sym_hl_hours_stable": {"value": null, "bound": "gt", "how": "the cell never shorts"},
                "modulus_gb_GPa": {"parameters": {"gb_band_nm": [10.0, 20.0, 30.0]},
                                   "values": [121.5, 120.2, 119.4], "bound": null, "how": "..."},
                "memristor_tip_on_off": {"value": 1.3e9, "measurable": false,
                                         "limit": {"value": 1.0e5, "what": "..."}, "bound": null, "how": "..."}}}

``value`` is the true value in the claim's unit (``null`` when the quantity has no finite value,
e.g. a cell that never shorts); ``bound`` is ``null``, ``"lt"`` or ``"gt"`` (the truth is only
known to lie below/above ``value``, or beyond any value when ``value`` is null); ``how`` says how
the lab defined it. A claim whose definition has analysis parameters (the GB band width, the
memristor's read bias, ...) has ``parameters`` (name -> grid) and nested ``values`` instead of
``value``: the truth is read at the run's own analysis parameters (:func:`definition_parameters`,
:func:`llzo.lab.truth.truth_value`), so the error measures the analysis, not a difference of
definitions. A claim the instrument cannot resolve has ``measurable: false`` and a ``limit``
(same layout): what a perfect analysis recovers instead (e.g. the tip memristor's on/off ratio,
whose high-resistance state is below the instrument's noise floor, is recovered as a lower bound
of about ``limit``). Other keys are ignored.

The tolerances are ``workflow/config/validation.yaml`` (:func:`load_tolerances`): per claim a
``kind``, a ``tolerance`` and the ``reason``:

``abs``
    ``|recovered - true| <= tolerance`` (claim unit);
``rel_pct``
    ``|recovered - true| <= tolerance`` % of ``|true|``;
``range``
    ``tolerance = [lo, hi]``: ``lo <= recovered - true <= hi`` (claim unit), for a stated one-sided
    bias the analysis cannot remove (e.g. AFM crosstalk that only lowers the modulus in the band);
``lower_bound``
    the truth is not measurable: the recovered value must not exceed the true value and must lie
    within a factor ``tolerance`` of the truth's ``limit``;
no ``kind``
    no ground truth can exist (a model result); only the reason.

The rule ``validation`` is the only step of the pipeline that reads ``data/truth`` (analysis code
never does); it writes ``results/<dataset>/validation.csv`` with :data:`COLUMNS`, one row per
claim. ``tests/lab_recovery.py`` applies the same comparison to datasets the lab writes in tests.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from llzo.atomic import write_text
from llzo.lab.truth import truth_value
from llzo.pipeline.paper_claims import load_paper_claims
from llzo.pipeline.scorecard import collect_claims

#: File name of the claim truth inside ``data/truth/<dataset>/``.
TRUTH_FILE = "claims_truth.json"
COLUMNS = ["claim_id", "unit", "basis", "recovered", "recovered_bound", "true", "true_bound", "error",
           "rel_error_pct", "tolerance", "within", "note"]
#: Kinds of validation tolerance (module docstring).
KINDS = ("abs", "rel_pct", "range", "lower_bound")
#: Value of a parameter name that two analysis blocks give different values.
AMBIGUOUS = object()


@dataclass(frozen=True)
class TrueValue:
    """One claim's ground truth at the run's analysis parameters.

    Attributes
    ----------
    value
        True value in the claim's unit, or None (no finite value, or not available).
    bound
        None, ``"lt"`` or ``"gt"``.
    how
        How the lab defined it.
    measurable
        False when the instrument cannot resolve it (then ``limit`` is what can be recovered).
    limit
        For a not measurable truth: what a perfect analysis recovers instead.
    unavailable
        Why no true value could be read (e.g. an analysis parameter off the truth's grid); empty if read.
    """

    value: float | None
    bound: str | None = None
    how: str = ""
    measurable: bool = True
    limit: float | None = None
    unavailable: str = ""


@dataclass(frozen=True)
class Tolerance:
    """Validation tolerance of one claim (``validation.yaml``; kinds in the module docstring).

    ``kind`` None: the claim has no ground truth to compare with (``reason`` says why).
    """

    reason: str
    kind: str | None = None
    tolerance: float | tuple[float, float] | None = None

    @property
    def defined(self) -> bool:
        """Whether a tolerance is given."""
        return self.kind is not None

    def error_interval(self, true: float | None) -> tuple[float, float] | None:
        """Return the allowed ``recovered - true`` as ``(lo, hi)`` in the claim's unit (or None)."""
        if self.kind == "abs":
            return -float(self.tolerance), float(self.tolerance)
        if self.kind == "rel_pct":
            w = float(self.tolerance) / 100.0 * abs(true or 0.0)
            return -w, w
        if self.kind == "range":
            lo, hi = self.tolerance
            return float(lo), float(hi)
        return None

    def text(self, true: float | None) -> str:
        """Return the tolerance as written in ``validation.csv``: a width, ``lo..hi`` or ``factor x``."""
        if self.kind in ("abs", "rel_pct"):
            return _fmt(self.error_interval(true)[1])
        if self.kind == "range":
            lo, hi = self.tolerance
            return f"{_fmt(float(lo))}..{_fmt(float(hi))}"
        if self.kind == "lower_bound":
            return f"factor {_fmt(float(self.tolerance))} of the limit"
        return ""


def definition_parameters(analysis: Mapping | None) -> dict[str, object]:
    """Collect the analysis parameters by key name from the config's ``analysis`` section.

    Truth entries name their parameters by config key (``gb_band_nm``, ``read_bias_V``, ...).
    Every scalar key of every block is taken; a key name used in two blocks with different values
    maps to :data:`AMBIGUOUS` and cannot be looked up.
    """
    out: dict[str, object] = {}
    for block in (analysis or {}).values():
        if not isinstance(block, Mapping):
            continue
        for k, v in block.items():
            if isinstance(v, bool) or not isinstance(v, int | float):
                continue
            out[k] = v if out.get(k, v) == v else AMBIGUOUS
    return out


def _read_truth(entry: dict, params: Mapping[str, object]) -> float | None:
    """``entry``'s value at ``params`` (a plain ``value``, or a grid read with :func:`truth_value`)."""
    if "parameters" not in entry:
        v = entry.get("value")
        return None if v is None else float(v)
    needed = list(entry["parameters"])
    bad = [n for n in needed if params.get(n) is AMBIGUOUS]
    if bad:
        raise KeyError(f"parameter(s) {bad} have different values in different analysis blocks")
    v = truth_value(entry, **{n: params[n] for n in needed if n in params})
    return None if v is None else float(v)


def _entry_problem(cid: str, entry) -> str | None:
    if not isinstance(entry, dict):
        return f"{cid}: not an object"
    bound = entry.get("bound")
    if bound not in (None, "lt", "gt"):
        return f"{cid}: bound {bound!r} is not null, 'lt' or 'gt'"
    if entry.get("measurable", True) is False and not isinstance(entry.get("limit"), dict):
        return f"{cid}: 'measurable: false' needs a 'limit' object"
    if "parameters" in entry:
        if not isinstance(entry["parameters"], dict) or "values" not in entry:
            return f"{cid}: 'parameters' needs a mapping of grids and nested 'values'"
        return None
    value = entry.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        return f"{cid}: value {value!r} is not a number or null"
    if value is not None and not math.isfinite(value):
        return f"{cid}: value {value!r} is not finite (use null)"
    return None


def load_claims_truth(path: str | Path, analysis: Mapping | None = None) -> dict[str, TrueValue]:
    """Read ``claims_truth.json`` (module docstring) at the analysis parameters of a run.

    Parameters
    ----------
    path
        The file.
    analysis
        The config's ``analysis`` section: the parameters at which grid entries are read. An entry
        that cannot be read there (a parameter off its grid) gets ``unavailable`` with the reason.

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
    problems = [p for cid, e in claims.items() if (p := _entry_problem(cid, e))]
    if problems:
        raise ValueError(f"{path}: {len(problems)} malformed claim(s):\n  " + "\n  ".join(problems))
    params = definition_parameters(analysis)
    out = {}
    for cid, entry in claims.items():
        how, bound = str(entry.get("how") or ""), entry.get("bound")
        measurable = entry.get("measurable", True) is not False
        try:
            value = _read_truth(entry, params)
            limit = None if measurable else _read_truth(entry["limit"], params)
        except KeyError as exc:
            out[cid] = TrueValue(None, bound, how, measurable, unavailable=f"truth not read: {exc.args[0]}")
            continue
        out[cid] = TrueValue(value, bound, how, measurable, limit)
    return out


def _parse_tolerance(cid: str, e: dict, problems: list[str]) -> Tolerance | None:
    if not isinstance(e, dict) or not str(e.get("reason", "")).strip():
        problems.append(f"{cid}: needs a `reason`")
        return None
    unknown = set(e) - {"kind", "tolerance", "reason"}
    if unknown:
        problems.append(f"{cid}: unknown key(s) {sorted(unknown)}")
    kind, tol = e.get("kind"), e.get("tolerance")
    reason = " ".join(str(e["reason"]).split())
    if kind is None:
        if tol is not None:
            problems.append(f"{cid}: a `tolerance` needs a `kind` ({', '.join(KINDS)})")
        return Tolerance(reason)
    if kind not in KINDS:
        problems.append(f"{cid}: kind {kind!r} is not one of {', '.join(KINDS)}")
        return None
    if kind == "range":
        ok = (isinstance(tol, list) and len(tol) == 2 and all(isinstance(x, int | float) for x in tol)
              and tol[0] <= 0 <= tol[1])
        if not ok:
            problems.append(f"{cid}: kind range needs `tolerance: [lo, hi]` with lo <= 0 <= hi")
            return None
        return Tolerance(reason, kind, (float(tol[0]), float(tol[1])))
    minimum = 1.0 if kind == "lower_bound" else 0.0
    if isinstance(tol, bool) or not isinstance(tol, int | float) or tol < minimum:
        problems.append(f"{cid}: kind {kind} needs a number `tolerance` >= {minimum:g}")
        return None
    return Tolerance(reason, kind, float(tol))


def load_tolerances(path: str | Path, claim_ids: list[str] | None = None) -> dict[str, Tolerance]:
    """Read ``validation.yaml``; with ``claim_ids``, every one of them must have an entry.

    Raises
    ------
    ValueError
        Listing every problem (missing entry or reason, unknown key or kind, bad tolerance) at once.
    """
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    problems: list[str] = []
    out = {cid: t for cid, e in raw.items() if (t := _parse_tolerance(cid, e, problems)) is not None}
    problems += [f"{cid}: no entry" for cid in (claim_ids or []) if cid not in raw]
    if problems:
        raise ValueError(f"{path}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return out


def judge(recovered: float, recovered_bound: str | None, true: TrueValue, tol: Tolerance) -> tuple[bool, str]:
    """Whether a recovered value agrees with the truth within ``tol``, and how it was judged.

    Parameters
    ----------
    recovered, recovered_bound
        The claim (``recovered_bound`` "lt"/"gt": the analysis only bounds the quantity).
    true
        The ground truth (with a value or a null value and a bound).
    tol
        The claim's tolerance (defined).

    Returns
    -------
    (bool, str)
        With the allowed error ``lo <= recovered - true <= hi`` (:meth:`Tolerance.error_interval`):
        two exact values, or two bounds in the same direction (the truth is defined as the claim
        is, so both are the same bound: e.g. a window limit), agree when the error lies in it. A
        bound agrees with a value when consistent: recovered ``> r`` with true ``t`` when
        ``r - t <= hi``; ``< r`` when ``r - t >= lo``; an exact recovered value with a true bound
        likewise; opposite bounds when the intervals overlap. A true value of null with a bound
        means "no finite value" (e.g. never shorts): only a recovered bound in the same direction
        agrees. A truth that is not measurable needs kind ``lower_bound``.
    """
    r, rb, t, tb = recovered, recovered_bound, true.value, true.bound
    if not true.measurable:
        if tol.kind != "lower_bound":
            return False, "the truth is not measurable (it has a limit): its tolerance must be of kind lower_bound"
        lim, f = true.limit, float(tol.tolerance)
        ok = rb in (None, "gt") and (t is None or r <= t * (1 + 1e-9)) and lim is not None and lim / f <= r <= lim * f
        return ok, (f"not measurable: recovered {'is' if ok else 'is not'} a lower bound of the true value within "
                    f"a factor {f:g} of the limit {_fmt(lim)}")
    if tol.kind == "lower_bound":
        if t is None:
            return False, "no finite true value to bound"
        ok = r <= t * (1 + 1e-9) and t / float(tol.tolerance) <= r
        return ok, f"recovered {'is' if ok else 'is not'} a lower bound within a factor {tol.tolerance:g} of the truth"
    if t is None:
        if rb is not None and rb == tb:
            return True, f"no finite true value ({tb}); recovered only a bound ({rb}): consistent"
        return False, "no finite true value" + (f" ({tb})" if tb else "") + ": the recovered value contradicts it"
    lo, hi = tol.error_interval(t)
    err = r - t
    if rb == tb:
        ok = lo - 1e-12 <= err <= hi + 1e-12
        return ok, "values compared" if rb is None else f"both bounds ({rb}) at the same limit: values compared"
    if rb is not None and tb is not None:  # opposite bounds
        ok = err <= hi if rb == "gt" else err >= lo
        return ok, f"opposite bounds (recovered {rb}, true {tb}): {'overlap' if ok else 'disjoint'}"
    if rb is not None:  # recovered bound, exact truth
        ok = err <= hi if rb == "gt" else err >= lo
        return ok, f"recovered is a bound ({rb}): true value {'consistent' if ok else 'outside it'}"
    ok = err >= lo if tb == "gt" else err <= hi  # exact recovered, true bound
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
        if tv is not None and tv.unavailable:
            notes.append(tv.unavailable)
        elif tv is not None:
            row.update({"true": tv.value, "true_bound": tv.bound})
            if not tv.measurable:
                notes.append(f"not measurable by the instrument; recoverable limit {_fmt(tv.limit)}")
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
                row["tolerance"] = tol.text(tv.value)
                row["within"], how = judge(rec, rb, tv, tol)
                notes.insert(0, how)
        elif tol is not None and not tol.defined:
            notes.append(tol.reason)
        row["note"] = "; ".join(notes)
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def validation_summary(table: pd.DataFrame) -> str:
    """``"22 of 22 measured claims within their validation tolerance; 5 of 5 input claims too"``.

    Counts the claims judged (true value and tolerance present), by basis; says how many measured
    claims have no true value or tolerance. Without any true value (a truth folder without
    ``claims_truth.json``) it says so instead.
    """
    if not table["true"].map(lambda v: str(v).strip() not in ("", "None", "nan")).any():
        return "no true values to compare with (no claims_truth.json, or it lists none of these claims)"
    within = table["within"].map(lambda v: str(v).strip().lower())
    judged = within.isin(["true", "false"])
    basis = table["basis"].astype(str)
    measured = basis == "measured"
    text = (f"{int((within[measured] == 'true').sum())} of {int(judged[measured].sum())} measured claims within "
            "their validation tolerance")
    inputs = (basis == "input") & judged
    if inputs.any():
        text += f"; {int((within[inputs] == 'true').sum())} of {int(inputs.sum())} input claims too"
    if (measured & ~judged).sum():
        text += f" ({int((measured & ~judged).sum())} measured without a true value or tolerance)"
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
                     tolerances_yaml: str | Path, out_csv: str | Path,
                     analysis: Mapping | None = None) -> pd.DataFrame:
    """Write ``validation.csv`` from the claims JSONs and ``<truth_dir>/claims_truth.json``.

    ``analysis`` is the config's ``analysis`` section of the run (the truth of parameter-dependent
    definitions is read at its values). A truth folder without ``claims_truth.json`` (a virtual
    lab that writes none) gives a table whose rows say so, not an error; a malformed file is an error.
    """
    path = Path(truth_dir) / TRUTH_FILE
    truth = load_claims_truth(path, analysis) if path.is_file() else None
    paper = load_paper_claims(paper_claims)
    tolerances = load_tolerances(tolerances_yaml, list(paper))
    table = validation_table(paper_claims, claims_files, truth, tolerances,
                             truth_note="" if truth is not None else f"{path} does not exist")
    out = table.copy()
    for c in out.columns:
        out[c] = out[c].map(_fmt)
    write_text(out.to_csv(index=False, lineterminator="\n"), out_csv)
    return table
