"""The scorecard: every claim of the paper vs what this run reproduced, and panel coverage."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd
import yaml

from llzo.claims import evaluate
from llzo.pipeline.atomic import write_text
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


def build_scorecard(paper_claims: str | Path, claims_files: list[str | Path]) -> pd.DataFrame:
    """One row per claim id of ``paper_claims.yaml``; claims no notebook produced are ``missing``."""
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
            "status": evaluate(float(p["paper_value"]), p["relation"], float(p["tolerance"]), rep, c.get("bound")),
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


def to_html(card: pd.DataFrame, cov: pd.DataFrame, dataset: str, rejects: pd.DataFrame | None = None) -> str:
    """Render a self-contained HTML page: scorecard table (coloured by status) and panel coverage."""
    colours = {"pass": "#d4edda", "fail": "#f8d7da", "missing": "#eeeeee", "reproduced": "#d4edda"}
    def table(df: pd.DataFrame, cols: list[str]) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
        body = []
        for _, r in df.iterrows():
            bg = colours.get(r.get("status", ""), "#ffffff")
            cells = "".join(f"<td>{html.escape(_fmt(r[c]))}</td>" for c in cols)
            body.append(f'<tr style="background:{bg}">{cells}</tr>')
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    counts = card["status"].value_counts().to_dict()
    summary = ", ".join(f"{k}: {counts.get(k, 0)}" for k in ("pass", "fail", "missing"))
    cols = ["claim_id", "figure", "quantity", "unit", "paper_value", "relation", "tolerance",
            "reproduced", "bound", "ci_low", "ci_high", "n", "status", "note"]
    title = f"llzo-repro scorecard: {html.escape(dataset)}"
    rejected = ""
    if rejects is not None and not rejects.empty:
        cols_r = [c for c in ("sheet", "file", "run_id", "line", "column", "reason") if c in rejects.columns]
        rejected = f"<h2>Files rejected at ingest ({len(rejects)})</h2>{table(rejects.fillna(''), cols_r)}\n"
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;font-size:13px}} table{{border-collapse:collapse}}
td,th{{border:1px solid #bbb;padding:2px 6px}} th{{background:#f0f0f0}}</style></head><body>
<h2>Scorecard: paper vs reproduced (dataset {html.escape(dataset)})</h2><p>{summary}</p>
{table(card, cols)}
{rejected}<h2>Panel coverage</h2>{table(cov, ["panel", "class", "what", "status", "notebook"])}
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
