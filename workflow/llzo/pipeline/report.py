"""``report.html`` made with ``snakemake --report`` from inside the report rule.

Layout. Snakemake's HTML report opens on its "workflow" view (the workflow description in a narrow
column beside the rule graph) unless the report has metadata (``--report-metadata``); then it
opens on the description and the metadata. The report rule therefore passes

* the scorecard summary as the workflow description (``report:`` in the Snakefile, written by
  :func:`intro_rst` before the inner ``snakemake --report`` runs),
* a small metadata file (:func:`metadata_yaml`), so that the landing page is the summary, and
* ``workflow/report/report.css`` (``--report-stylesheet``), which widens that page to the full
  window and colours the status labels; the rule graph stays under "Workflow" in the menu.

Statuses are words (PASS, FAIL, MISSING, CONTEXT) on a coloured background, readable without any
emoji font.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from llzo.atomic import atomic_path, write_text

STATUSES = ("pass", "fail", "missing", "context")
STYLESHEET = Path(__file__).resolve().parents[3] / "workflow" / "report" / "report.css"


def _cell(v) -> str:
    return "" if pd.isna(v) else str(v).replace("|", "/")


def _num(v) -> str:
    """Format a number for the table: 4 significant digits (claims.csv keeps 6)."""
    if pd.isna(v) or v == "":
        return ""
    try:
        return f"{float(v):.4g}"
    except ValueError:
        return _cell(v)


def status_label(status: str) -> str:
    """Write a status in reST: its name in capitals, with the role ``status-<name>`` (coloured by report.css)."""
    s = str(status)
    return f":status-{s}:`{s.upper()}`" if s in STATUSES else s


def counts_text(card: pd.DataFrame) -> str:
    """``28 pass, 1 fail, 0 missing`` (+ ``, 1 context`` when there are context rows)."""
    counts = card["status"].value_counts()
    text = f"{counts.get('pass', 0)} pass, {counts.get('fail', 0)} fail, {counts.get('missing', 0)} missing"
    if counts.get("context", 0):
        text += f", {counts.get('context', 0)} context (no paper value: shown, never counted)"
    return text


def intro_rst(claims_csv: str | Path, coverage_csv: str | Path, dataset: str, rejects=()) -> str:
    """Landing text of the report: summary and the scorecard table (reStructuredText).

    Parameters
    ----------
    claims_csv, coverage_csv
        Outputs of the scorecard rule.
    dataset
        Dataset name.
    rejects
        Reject lists of the ingests: every rejected file is named with its reason.
    """
    card = pd.read_csv(claims_csv, dtype=str, keep_default_na=False, na_values=[""])
    cov = pd.read_csv(coverage_csv, dtype=str)
    data = cov[cov["class"].isin(["data", "model"])]
    lines = [".. role:: " + f"status-{s}" for s in STATUSES]
    lines += [
        "",
        f"llzo-repro: dataset ``{dataset}``",
        "=" * (len(f"llzo-repro: dataset ``{dataset}``") + 2),
        "",
        f"Claims of the paper: **{counts_text(card)}**. Data and model panels reproduced: "
        f"{(data['status'] == 'reproduced').sum()} of {len(data)} (the rest of the {len(cov)} panels are "
        "schematics, images without raw data, or out of scope: see ``coverage.csv``). The full scorecard "
        "(quantity, notes, SHA-256 of the raw files) is ``claims.csv`` / ``scorecard.html`` under *Scorecard* "
        "in the menu; the workflow graph is under *Workflow*.",
        "",
        ".. container:: scorecard",
        "",
        "   .. list-table:: Paper vs reproduced",
        "      :header-rows: 1",
        "      :widths: 24 8 18 12 20 6 12",
        "",
        "      * - claim",
        "        - figure",
        "        - paper",
        "        - reproduced",
        "        - interval",
        "        - n",
        "        - status",
    ]
    for _, r in card.iterrows():
        if _cell(r["paper_value"]):
            rel = {"approx": "~", "lt": "<", "gt": ">"}[r["relation"]]
            tol = f" ± {_num(r['tolerance'])}" if r["relation"] == "approx" else ""
            unit = "" if _cell(r["unit"]) == "1" else f" {_cell(r['unit'])}"
            paper = f"{rel} {_num(r['paper_value'])}{tol}{unit}"
        else:
            paper = "not stated"
        bound = {"lt": "< ", "gt": "> "}.get(_cell(r["bound"]), "")
        ci = f"{_num(r['ci_low'])} .. {_num(r['ci_high']) or 'open'}" if _cell(r["ci_low"]) else ""
        lines += [
            f"      * - ``{r['claim_id']}``",
            f"        - {_cell(r['figure'])}",
            f"        - {paper}",
            f"        - {bound}{_num(r['reproduced'])}",
            f"        - {ci}",
            f"        - {_cell(r['n'])}",
            f"        - {status_label(r['status'])}",
        ]
    from llzo.pipeline.rejects import read_rejects

    rej = read_rejects(list(rejects))
    if not rej.empty:
        lines += ["", f"**Files rejected at ingest ({len(rej)})**: their figures and claims were made without them.",
                  ""]
        for _, r in rej.iterrows():
            where = ", ".join([f"``{r['file']}``"] + ([f"line {r['line']}"] if r.get("line") else [])
                              + ([f"column ``{r['column']}``"] if r.get("column") else []))
            lines.append(f"- {where}: {r['reason']}")
    lines += ["", "Every figure in the report carries its caption; its PNG/PDF metadata hold the notebook, git commit,",
              "parameters and the SHA-256 of the raw files it came from.", ""]
    return "\n".join(lines)


def metadata_yaml(claims_csv: str | Path, coverage_csv: str | Path) -> str:
    """Metadata of the report's landing page (``--report-metadata``): the counts of the scorecard.

    Only numbers: Snakemake 9 (9.27) turns a string value into docutils' dict of document parts and
    the page then lists those parts (whole, encoding, ...) instead of the text.
    """
    card = pd.read_csv(claims_csv, dtype=str, keep_default_na=False, na_values=[""])
    cov = pd.read_csv(coverage_csv, dtype=str)
    counts = card["status"].value_counts()
    meta = {f"claims {s}": int(counts.get(s, 0)) for s in STATUSES}
    meta["data and model panels reproduced"] = int((cov["status"] == "reproduced").sum())
    return yaml.safe_dump(meta, sort_keys=False)


def make_report(config: dict, target: str, out: str | Path, log: str | Path | None = None,
                intro: str | Path | None = None, coverage: str | Path | None = None, rejects=()) -> None:
    """Run ``snakemake --report`` for ``target`` with the same config as the running workflow.

    The outer workflow holds the lock, so the inner call uses ``--nolock``; the config is passed
    as a file so that command-line overrides of the outer run are respected. With ``intro``, the
    scorecard summary is written there first (the Snakefile's ``report:`` landing text) and the
    report opens on it (see the module docstring).
    """
    out = Path(out)
    extra = []
    if intro is not None:
        write_text(intro_rst(target, coverage, config["dataset"], rejects), intro)
    with tempfile.TemporaryDirectory(prefix="llzo-report-") as tmpdir:
        cfg = Path(tmpdir, "config.yaml")
        cfg.write_text(yaml.safe_dump(config), encoding="utf-8")
        if intro is not None:
            meta = Path(tmpdir, "metadata.yaml")
            meta.write_text(metadata_yaml(target, coverage), encoding="utf-8")
            extra = ["--report-metadata", str(meta), "--report-stylesheet", str(STYLESHEET)]
        with atomic_path(out) as tmp:
            tmp_html = tmp.with_suffix(".html")
            cmd = [sys.executable, "-m", "snakemake", "--nolock", "--configfile", str(cfg),
                   "--report", str(tmp_html), *extra, target]
            res = subprocess.run(cmd, capture_output=True, text=True)
            if log:
                Path(log).write_text(res.stdout + res.stderr, encoding="utf-8")
            if res.returncode != 0 or not tmp_html.exists():
                raise RuntimeError(f"snakemake --report failed ({res.returncode}):\n{res.stderr[-3000:]}")
            tmp_html.replace(tmp)
