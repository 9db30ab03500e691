"""The scorecard: every claim of the paper vs what this run reproduced, and panel coverage."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd
import yaml

from llzo.atomic import write_text
from llzo.claims import evaluate
from llzo.pipeline.rejects import explain_missing, read_rejects

COLUMNS = [
    "claim_id", "figure", "quantity", "unit", "paper_value", "relation", "tolerance",
    "reproduced", "bound", "ci_low", "ci_high", "n", "status", "notebook", "raw_sha256", "note",
]


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


NOT_STATED = "not stated"


def status_of(p: dict, reproduced, bound) -> str:
    """``context`` for a produced claim whose paper value is ``not stated`` (never pass/fail), else :func:`evaluate`."""
    if str(p.get("source", "")).strip().lower() == NOT_STATED:
        return "missing" if reproduced is None or pd.isna(reproduced) else "context"
    return evaluate(float(p["paper_value"]), p["relation"], float(p["tolerance"]), reproduced, bound)


def build_scorecard(paper_claims: str | Path, claims_files: list[str | Path]) -> pd.DataFrame:
    """One row per claim id of ``paper_claims.yaml``; claims no notebook produced are ``missing``.

    Claims whose ``source`` is ``not stated`` get the status ``context`` and no paper value.
    """
    paper = yaml.safe_load(Path(paper_claims).read_text(encoding="utf-8"))
    produced: dict[str, dict] = {}
    for f in sorted(map(str, claims_files)):
        doc = json.loads(Path(f).read_text(encoding="utf-8"))
        for c in doc.get("claims", []):
            if c["claim_id"] in produced:
                first = produced[c["claim_id"]]["notebook"]
                raise ValueError(f"claim {c['claim_id']} produced twice ({f} and {first})")
            produced[c["claim_id"]] = {**c, "notebook": doc.get("notebook", Path(f).stem),
                                       "raw_sha256": doc.get("raw_sha256", "")}
    unknown = sorted(set(produced) - set(paper))
    if unknown:
        raise ValueError(f"claims {unknown} are not in {paper_claims}")
    rows = []
    for cid, p in paper.items():
        c = produced.get(cid, {})
        rep = c.get("reproduced")
        rows.append({
            "claim_id": cid, "figure": p["figure"], "quantity": p["quantity"], "unit": p["unit"],
            "paper_value": p["paper_value"], "relation": p["relation"], "tolerance": p["tolerance"],
            "reproduced": rep, "bound": c.get("bound"), "ci_low": c.get("ci_low"), "ci_high": c.get("ci_high"),
            "n": c.get("n"),
            "status": status_of(p, rep, c.get("bound")),
            "notebook": c.get("notebook", ""), "raw_sha256": c.get("raw_sha256", ""), "note": c.get("note", ""),
        })
    return pd.DataFrame(rows, columns=COLUMNS)


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


STATUS_COLOURS = {"pass": "#1e7b34", "fail": "#b02a37", "missing": "#6c757d", "context": "#2f5d8a",
                  "reproduced": "#1e7b34"}

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; font-size: 14px;
       margin: 1rem 1.5rem; color: #1d2125; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
th, td { border: 1px solid #c8ccd2; padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: #e9ecef; position: sticky; top: 0; }
tbody tr:nth-child(even) { background: #f6f7f9; }
td.num { font-variant-numeric: tabular-nums; }
td.wide { min-width: 10em; overflow-wrap: anywhere; }
.status { display: inline-block; min-width: 6.5em; padding: 1px 8px; border-radius: 3px; font-weight: 700;
          font-size: 12px; letter-spacing: 0.04em; text-align: center; color: #fff; }
.summary .status { margin-right: 0.3rem; }
"""


def _status(s: str) -> str:
    colour = STATUS_COLOURS.get(s)
    if colour is None:
        return html.escape(s)
    return f'<span class="status" style="background:{colour}">{html.escape(s.upper())}</span>'


def to_html(card: pd.DataFrame, cov: pd.DataFrame, dataset: str, rejects: pd.DataFrame | None = None) -> str:
    """Render a self-contained HTML page: scorecard table and panel coverage, full width.

    Statuses are words (PASS, FAIL, MISSING, CONTEXT, REPRODUCED) on a coloured label, readable
    without emoji fonts; numbers are right-aligned in tabular figures.
    """
    numeric = {"paper_value", "tolerance", "reproduced", "ci_low", "ci_high", "n"}
    wide = {"quantity", "note", "what"}

    def table(df: pd.DataFrame, cols: list[str], table_id: str) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
        body = []
        for _, r in df.iterrows():
            cells = []
            for c in cols:
                cls = "num" if c in numeric else "wide" if c in wide else ""
                v = _status(str(r[c])) if c == "status" else html.escape(_fmt(r[c]))
                cells.append(f'<td class="{cls}">{v}</td>' if cls else f"<td>{v}</td>")
            body.append(f'<tr data-status="{html.escape(str(r.get("status", "")))}">{"".join(cells)}</tr>')
        return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'

    counts = card["status"].value_counts().to_dict()
    summary = " ".join(f"{_status(k)} {counts.get(k, 0)}" for k in ("pass", "fail", "missing", "context"))
    cols = ["claim_id", "figure", "quantity", "unit", "paper_value", "relation", "tolerance",
            "reproduced", "bound", "ci_low", "ci_high", "n", "status", "note"]
    title = f"llzo-repro scorecard: {html.escape(dataset)}"
    rejected = ""
    if rejects is not None and not rejects.empty:
        cols_r = [c for c in ("sheet", "file", "run_id", "line", "column", "reason") if c in rejects.columns]
        listed = table(rejects.fillna(""), cols_r, "rejected")
        rejected = f"<h2>Files rejected at ingest ({len(rejects)})</h2>{listed}\n"
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>{_CSS}</style></head><body>
<h2>Scorecard: paper vs reproduced (dataset {html.escape(dataset)})</h2>
<p class="summary">{summary}</p>
<p>CONTEXT rows have no paper value (the paper does not state one): shown, never counted as pass or fail.</p>
{table(card, cols, "scorecard")}
{rejected}<h2>Panel coverage</h2>{table(cov, ["panel", "class", "what", "status", "notebook"], "coverage")}
</body></html>
"""


def write_scorecard(paper_claims, panels_yaml, claims_files, figures_root, dataset, csv_out, html_out, coverage_out,
                    rejects=()):
    """Build and write ``claims.csv``, ``scorecard.html`` and ``coverage.csv``.

    ``rejects``: reject lists of the ingests; a ``missing`` claim whose inputs were rejected
    says so in its note, and the HTML lists every rejected file.
    """
    rej = read_rejects(list(rejects))
    card = explain_missing(build_scorecard(paper_claims, claims_files), rej)
    cov = coverage(panels_yaml, figures_root)
    fmt = card.copy()
    for c in fmt.columns:
        fmt[c] = fmt[c].map(_fmt)
    write_text(fmt.to_csv(index=False, lineterminator="\n"), csv_out)
    write_text(cov.to_csv(index=False, lineterminator="\n"), coverage_out)
    write_text(to_html(card, cov, dataset, rej), html_out)
    return card
