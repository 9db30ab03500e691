"""The scorecard: every claim of the paper vs what this run reproduced, and panel coverage.

Columns of ``claims.csv`` (:data:`COLUMNS`; ``docs/claims.md``, "The scorecard"):

- ``source``: where the paper value comes from (``text: "<quote>"``, ``figure: Fig. <panel>, read
  to +-<u> <unit>``, or ``not stated``), from ``paper_claims.yaml``
  (:mod:`llzo.pipeline.paper_claims`);
- ``basis`` (``measured`` / ``input`` / ``model``) and ``basis_note`` (which input it restates);
- ``robustness``: ``"<min>..<max> (<verdict>)"``, filled by :func:`fill_robustness` from a table of
  the claim re-computed with its analysis parameters varied; ``not run`` without that table;
- ``status``: ``pass`` / ``fail`` / ``missing``, or ``context`` for a claim whose paper value is
  ``not stated`` (shown, never counted as pass or fail; its ``paper_value`` is empty).
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path

import pandas as pd
import yaml

from llzo.atomic import write_text
from llzo.pipeline.paper_claims import CONTEXT_RELATION, PaperClaim, load_paper_claims
from llzo.pipeline.rejects import explain_missing, read_rejects

COLUMNS = [
    "claim_id", "figure", "quantity", "unit", "source", "paper_value", "relation", "tolerance",
    "reproduced", "bound", "ci_low", "ci_high", "n", "basis", "basis_note", "robustness", "status",
    "notebook", "raw_sha256", "note",
]
#: Statuses of a claim row; ``context`` rows are counted apart from the other three.
STATUSES = ("pass", "fail", "missing", "context")
#: The ``robustness`` cell of every claim when the robustness study did not run.
NOT_RUN = "not run"
#: Columns of the robustness table :func:`fill_robustness` reads (``bound`` optional).
ROBUSTNESS_COLUMNS = ("claim_id", "parameter", "value", "reproduced")


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def collect_claims(claims_files: list[str | Path]) -> dict[str, dict]:
    """Every claim of the notebooks' claims JSONs, by id, with ``notebook`` and ``raw_sha256`` added.

    Raises
    ------
    ValueError
        When two files produce the same claim id.
    """
    produced: dict[str, dict] = {}
    for f in sorted(map(str, claims_files)):
        doc = json.loads(Path(f).read_text(encoding="utf-8"))
        for c in doc.get("claims", []):
            if c["claim_id"] in produced:
                first = produced[c["claim_id"]]["notebook"]
                raise ValueError(f"claim {c['claim_id']} produced twice ({f} and {first})")
            produced[c["claim_id"]] = {**c, "notebook": doc.get("notebook", Path(f).stem),
                                       "raw_sha256": doc.get("raw_sha256", "")}
    return produced


def scorecard_row(p: PaperClaim, c: dict) -> dict:
    """One row of the scorecard from a paper claim and the produced claim (``{}`` when not produced)."""
    rep, bound = c.get("reproduced"), c.get("bound")
    basis, basis_note = p.basis_for(bound, c.get("basis"))
    return {
        "claim_id": p.claim_id, "figure": p.figure, "quantity": p.quantity, "unit": p.unit,
        "source": p.source_text(),
        "paper_value": p.paper_value if p.stated else None,
        "relation": p.relation if p.stated else CONTEXT_RELATION,
        "tolerance": p.tolerance if p.stated else None,
        "reproduced": rep, "bound": bound, "ci_low": c.get("ci_low"), "ci_high": c.get("ci_high"),
        "n": c.get("n"),
        "basis": basis, "basis_note": basis_note,
        "robustness": "",
        "status": p.status(rep, bound),
        "notebook": c.get("notebook", ""), "raw_sha256": c.get("raw_sha256", ""), "note": c.get("note", ""),
    }


def build_scorecard(paper_claims: str | Path, claims_files: list[str | Path]) -> pd.DataFrame:
    """One row per claim id of ``paper_claims.yaml``; claims no notebook produced are ``missing``.

    Claims whose paper value is ``not stated`` get the status ``context`` and an empty
    ``paper_value`` and ``tolerance``.

    Raises
    ------
    ValueError
        When a notebook produced a claim id the yaml does not list (or one id twice).
    """
    paper = load_paper_claims(paper_claims)
    produced = collect_claims(claims_files)
    unknown = sorted(set(produced) - set(paper))
    if unknown:
        raise ValueError(f"claims {unknown} are not in {paper_claims}")
    rows = [scorecard_row(p, produced.get(cid, {})) for cid, p in paper.items()]
    return pd.DataFrame(rows, columns=COLUMNS)


def robustness_cell(p: PaperClaim, baseline_status: str, reproduced: list[float],
                    bounds: list[str | None] | None = None) -> str:
    """Format the ``robustness`` column of one claim: ``"<min>..<max> (<verdict>)"``.

    Parameters
    ----------
    p
        The paper claim.
    baseline_status
        The row's status with the configured parameters.
    reproduced, bounds
        The claim's value (and bound) for every varied parameter value; NaN/None where the claim
        could not be computed.

    Returns
    -------
    str
        ``min..max`` of the finite values (followed by ``, <k> of <n> not computed`` when the claim
        could not be computed for some values), then ``(robust)`` when every varied value gives the
        same status as the baseline and ``(fragile)`` when one changes it (a value that cannot be
        computed counts as ``missing``, a change). Claims without a paper value (``context``) have
        no verdict to flip: only ``min..max``. Empty when nothing was varied.
    """
    if not reproduced:
        return ""
    bounds = bounds or [None] * len(reproduced)
    finite = [float(v) for v in reproduced if not _missing(v)]
    span = f"{_fmt(min(finite))}..{_fmt(max(finite))}" if finite else "none computed"
    if finite and len(finite) < len(reproduced):
        span += f", {len(reproduced) - len(finite)} of {len(reproduced)} not computed"
    if not p.stated:
        return span
    statuses = {p.status(None if _missing(v) else float(v), b) for v, b in zip(reproduced, bounds, strict=True)}
    verdict = "robust" if statuses == {baseline_status} else "fragile"
    return f"{span} ({verdict})"


def fill_robustness(card: pd.DataFrame, table: pd.DataFrame, paper_claims: str | Path) -> pd.DataFrame:
    """Fill the ``robustness`` column from a robustness table.

    Parameters
    ----------
    card
        The scorecard (:func:`build_scorecard`).
    table
        One row per claim and varied parameter value: ``claim_id``, ``parameter`` (config key),
        ``value`` (its value in that run), ``reproduced`` (the claim then), optionally ``bound``.
        Each analysis parameter a claim depends on is varied one at a time over its documented
        plausible range; all rows of a claim together give its range.
    paper_claims
        ``paper_claims.yaml``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``card`` with ``robustness`` filled (:func:`robustness_cell`) for every claim in
        ``table``; other claims keep an empty cell.
    """
    missing = [c for c in ROBUSTNESS_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"robustness table lacks column(s) {missing}; needs {list(ROBUSTNESS_COLUMNS)}")
    paper = load_paper_claims(paper_claims)
    out = card.copy()
    for i, row in out.iterrows():
        sub = table[table["claim_id"] == row["claim_id"]]
        if sub.empty:
            continue
        bounds = list(sub["bound"].where(sub["bound"].notna(), None)) if "bound" in sub else None
        out.at[i, "robustness"] = robustness_cell(paper[row["claim_id"]], row["status"],
                                                  list(sub["reproduced"].astype(float)), bounds)
    return out


def status_counts(card: pd.DataFrame) -> dict[str, int]:
    """Rows per status (every status of :data:`STATUSES`, zero when absent)."""
    counts = card["status"].value_counts().to_dict()
    return {s: int(counts.get(s, 0)) for s in STATUSES}


def summary_text(card: pd.DataFrame, validation: pd.DataFrame | None = None) -> str:
    """One line: pass/fail/missing, context apart, and the validation count when there is one.

    ``validation`` is the table of :func:`llzo.pipeline.validation.validation_table` (or its CSV).
    """
    stated = card["paper_value"].map(_fmt) != ""
    n, other = status_counts(card[stated]), status_counts(card[~stated])
    text = (f"{n['pass']} pass, {n['fail']} fail, {n['missing']} missing of {int(stated.sum())} claims with a "
            f"paper value; {other['context']} context (no paper value: shown, never pass or fail)")
    if other["missing"]:
        text += f" and {other['missing']} without a paper value missing"
    if validation is not None:
        from llzo.pipeline.validation import validation_summary

        text += f"; validation: {validation_summary(validation)}"
    return text


def coverage(panels_yaml: str | Path, figures_root: str | Path) -> pd.DataFrame:
    """Status of every panel of the paper: reproduced / missing / schematic / image / out of scope."""
    panels = yaml.safe_load(Path(panels_yaml).read_text(encoding="utf-8"))["panels"]
    made = {p.stem[3:]: p.parent.name for p in Path(figures_root).glob("*/fig*.png")}
    labels = {"schematic": "schematic", "image": "image or characterisation without raw data in the paper",
              "out_of_scope": "out of scope"}
    rows = []
    for pid, spec in panels.items():
        cls = spec["class"]
        if cls in ("data", "model"):
            status = "reproduced" if pid in made else "missing"
        else:
            status = labels[cls]
        rows.append({"panel": pid, "class": cls, "what": spec["what"], "status": status,
                     "notebook": made.get(pid, "")})
    return pd.DataFrame(rows)


#: Status label colours (white text on these passes WCAG AA contrast).
_STATUS_STYLE = {"pass": "#1b6e2d", "fail": "#a4161a", "missing": "#5a5f66", "context": "#1f4e79",
                 "reproduced": "#1b6e2d"}
_CSS = """
body { font-family: system-ui, "DejaVu Sans", Arial, sans-serif; font-size: 13px; margin: 12px 16px;
       color: #1d2125; }
table { border-collapse: collapse; width: 100%; margin: 0 0 24px 0; }
th, td { border: 1px solid #c4c8cd; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #e9ecef; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.src, td.note { font-size: 12px; }
td.src { min-width: 16em; }
td.status { white-space: nowrap; }
span.status { display: inline-block; min-width: 5.5em; padding: 1px 6px; border-radius: 3px; color: #fff;
              font-weight: bold; text-align: center; letter-spacing: 0.03em; }
small { color: #51565c; }
"""


def _status_label(s: str) -> str:
    colour = _STATUS_STYLE.get(s)
    if colour is None:
        return html.escape(s)
    return f'<span class="status" style="background:{colour}">{html.escape(s.upper())}</span>'


def _paper_text(r: pd.Series) -> str:
    if _fmt(r["paper_value"]) == "":
        return "not stated"
    sign = {"approx": "~ ", "lt": "< ", "gt": "> "}[r["relation"]]
    tol = f" ± {_fmt(r['tolerance'])}" if r["relation"] == "approx" else ""
    return f"{sign}{_fmt(r['paper_value'])}{tol}"


def _scorecard_cells(r: pd.Series) -> list[tuple[str, str]]:
    """(css class, inner HTML) of each displayed cell of a scorecard row."""
    e = html.escape
    bound = {"lt": "< ", "gt": "> "}.get(_fmt(r["bound"]), "")
    ci = f"{_fmt(r['ci_low'])} .. {_fmt(r['ci_high'])}" if _fmt(r["ci_low"]) or _fmt(r["ci_high"]) else ""
    basis = e(_fmt(r["basis"])) + (f"<br><small>{e(_fmt(r['basis_note']))}</small>" if _fmt(r["basis_note"]) else "")
    return [("", f"<code>{e(r['claim_id'])}</code>"), ("", e(_fmt(r["figure"]))), ("", e(_fmt(r["quantity"]))),
            ("", e(_fmt(r["unit"]))), ("src", e(_fmt(r["source"]))), ("num", e(_paper_text(r))),
            ("num", e(bound + _fmt(r["reproduced"]))), ("num", e(ci)), ("num", e(_fmt(r["n"]))),
            ("", basis), ("num", e(_fmt(r["robustness"]))), ("status", _status_label(_fmt(r["status"]))),
            ("note", e(_fmt(r["note"])))]


def _table(head: list[str], rows: list[list[tuple[str, str]]], statuses: list[str], table_id: str) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = []
    for cells, s in zip(rows, statuses, strict=True):
        tds = "".join(f'<td class="{c}">{v}</td>' if c else f"<td>{v}</td>" for c, v in cells)
        body.append(f'<tr data-status="{html.escape(s)}">{tds}</tr>')
    return f'<table id="{table_id}"><thead><tr>{th}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def to_html(card: pd.DataFrame, cov: pd.DataFrame, dataset: str, summary: str | None = None,
            rejects: pd.DataFrame | None = None) -> str:
    """Render a self-contained HTML page at full width: the scorecard, the rejected files and the panel coverage.

    Statuses are words (PASS, FAIL, MISSING, CONTEXT) on a coloured label, readable without emoji
    fonts; ``summary`` (:func:`summary_text`) heads the page; ``rejects`` (the ingests' reject
    lists, :func:`llzo.pipeline.rejects.read_rejects`) are listed with their reasons.
    """
    summary = summary if summary is not None else summary_text(card)
    head = ["claim", "figure", "quantity", "unit", "source of the paper value", "paper", "reproduced",
            "interval", "n", "basis", "robustness", "status", "note"]
    score = _table(head, [_scorecard_cells(r) for _, r in card.iterrows()], list(card["status"].map(_fmt)),
                   "scorecard")
    cov_rows = [[("", html.escape(_fmt(r[c]))) for c in ("panel", "class", "what")]
                + [("status", _status_label(r["status"]) if r["status"] in _STATUS_STYLE else html.escape(r["status"])),
                   ("", html.escape(_fmt(r["notebook"])))] for _, r in cov.iterrows()]
    coverage_table = _table(["panel", "class", "what", "status", "notebook"], cov_rows, list(cov["status"]), "coverage")
    rejected = ""
    if rejects is not None and not rejects.empty:
        cols_r = [c for c in ("sheet", "file", "run_id", "sweep_id", "map_id", "line", "column", "reason")
                  if c in rejects.columns]
        rows_r = [[("", html.escape(_fmt(r[c]))) for c in cols_r] for _, r in rejects.fillna("").iterrows()]
        listed = _table(cols_r, rows_r, ["rejected"] * len(rows_r), "rejected")
        rejected = f"<h2>Files rejected at ingest ({len(rejects)})</h2>{listed}\n"
    title = f"llzo-repro scorecard: {html.escape(dataset)}"
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>{_CSS}</style></head><body>
<h2>Scorecard: paper vs reproduced (dataset {html.escape(dataset)})</h2>
<p id="summary">{html.escape(summary)}</p>
<p><small>paper: the paper's value (~ approximately, within the tolerance after ±; &lt; or &gt;), from the
source quoted. CONTEXT: the paper states no value; the reproduced number is shown, never counted as pass or
fail. basis: measured (from raw data), input (restates a sample-sheet or config value), model (FE model).
robustness: range of the claim when each analysis parameter it depends on is varied alone over its plausible
values, and whether the verdict changes (not run: the robustness study was switched off).</small></p>
{score}
{rejected}<h2>Panel coverage</h2>{coverage_table}
</body></html>
"""


def write_scorecard(paper_claims, panels_yaml, claims_files, figures_root, dataset, csv_out, html_out, coverage_out,
                    validation_csv=None, rejects=(), robustness_csv=None):
    """Build and write ``claims.csv``, ``scorecard.html`` and ``coverage.csv``.

    ``validation_csv`` (the dataset's ``validation.csv``, when it has a ground truth) adds the
    validation count to the summary. ``rejects``: reject lists of the ingests; a ``missing`` claim
    whose inputs were rejected says so in its note, and the HTML lists every rejected file.
    ``robustness_csv`` (``tables/robustness.csv`` of the robustness study) fills the
    ``robustness`` column (:func:`fill_robustness`); without it every cell reads :data:`NOT_RUN`.
    Returns the scorecard; its summary line (:func:`summary_text`) is in ``card.attrs["summary"]``.
    """
    rej = read_rejects(list(rejects))
    card = explain_missing(build_scorecard(paper_claims, claims_files), rej)
    if robustness_csv:
        from llzo.pipeline.robustness import read_table

        card = fill_robustness(card, read_table(robustness_csv), paper_claims)
    else:
        card["robustness"] = NOT_RUN
    cov = coverage(panels_yaml, figures_root)
    validation = pd.read_csv(validation_csv, dtype={"within": str}, keep_default_na=False) if validation_csv else None
    summary = summary_text(card, validation)
    fmt = card.copy()
    for c in fmt.columns:
        fmt[c] = fmt[c].map(_fmt)
    write_text(fmt.to_csv(index=False, lineterminator="\n"), csv_out)
    write_text(cov.to_csv(index=False, lineterminator="\n"), coverage_out)
    write_text(to_html(card, cov, dataset, summary, rej), html_out)
    card.attrs["summary"] = summary
    return card
