"""``report.html`` made with ``snakemake --report`` from inside the report rule."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from llzo.pipeline.atomic import atomic_path, write_text

_MARK = {"pass": "✅ pass", "fail": "❌ fail", "missing": "⬜ missing"}


def _cell(v) -> str:
    return "" if pd.isna(v) else str(v).replace("|", "/")


def intro_rst(claims_csv: str | Path, coverage_csv: str | Path, dataset: str, rejects=()) -> str:
    """Landing text of the report: the scorecard at a glance (reStructuredText).

    Parameters
    ----------
    claims_csv, coverage_csv
        Outputs of the scorecard rule.
    dataset
        Dataset name.
    rejects
        Reject lists of the ingests: every rejected file is named with its reason.
    """
    card = pd.read_csv(claims_csv, dtype=str)
    cov = pd.read_csv(coverage_csv, dtype=str)
    counts = card["status"].value_counts()
    data = cov[cov["class"].isin(["data", "model"])]
    lines = [
        f"llzo-repro: dataset ``{dataset}``",
        "",
        f"Claims of the paper: **{counts.get('pass', 0)} pass, {counts.get('fail', 0)} fail, "
        f"{counts.get('missing', 0)} missing**. Data and model panels reproduced: "
        f"{(data['status'] == 'reproduced').sum()} of {len(data)} (the rest of the {len(cov)} panels are "
        "schematics, images without raw data, or out of scope: see ``coverage.csv``).",
        "",
        ".. list-table:: Paper vs reproduced",
        "   :header-rows: 1",
        "",
        "   * - claim",
        "     - figure",
        "     - paper",
        "     - reproduced",
        "     - 95% CI",
        "     - status",
    ]
    for _, r in card.iterrows():
        rel = {"approx": "~", "lt": "<", "gt": ">"}[r["relation"]]
        tol = f" ± {r['tolerance']}" if r["relation"] == "approx" else ""
        bound = {"lt": "< ", "gt": "> "}.get(_cell(r["bound"]), "")
        ci = f"{_cell(r['ci_low'])} .. {_cell(r['ci_high'])}" if _cell(r["ci_low"]) else ""
        lines += [
            f"   * - ``{r['claim_id']}``",
            f"     - {_cell(r['figure'])}",
            f"     - {rel} {r['paper_value']}{tol} {_cell(r['unit'])}",
            f"     - {bound}{_cell(r['reproduced'])}",
            f"     - {ci}",
            f"     - {_MARK.get(r['status'], r['status'])}",
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
    lines += ["", "Every figure below carries its caption; its PNG/PDF metadata hold the notebook, git commit,",
              "parameters and the SHA-256 of the raw files it came from.", ""]
    return "\n".join(lines)


def make_report(config: dict, target: str, out: str | Path, log: str | Path | None = None,
                intro: str | Path | None = None, coverage: str | Path | None = None, rejects=()) -> None:
    """Run ``snakemake --report`` for ``target`` with the same config as the running workflow.

    The outer workflow holds the lock, so the inner call uses ``--nolock``; the config is passed
    as a file so that command-line overrides of the outer run are respected. With ``intro``, the
    scorecard summary is written there first (the Snakefile's ``report:`` landing text).
    """
    out = Path(out)
    if intro is not None:
        write_text(intro_rst(target, coverage, config["dataset"], rejects), intro)
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as fh:
        yaml.safe_dump(config, fh)
        cfg = fh.name
    try:
        with atomic_path(out) as tmp:
            tmp_html = tmp.with_suffix(".html")
            cmd = [sys.executable, "-m", "snakemake", "--nolock", "--configfile", cfg,
                   "--report", str(tmp_html), target]
            res = subprocess.run(cmd, capture_output=True, text=True)
            if log:
                Path(log).write_text(res.stdout + res.stderr, encoding="utf-8")
            if res.returncode != 0 or not tmp_html.exists():
                raise RuntimeError(f"snakemake --report failed ({res.returncode}):\n{res.stderr[-3000:]}")
            tmp_html.replace(tmp)
    finally:
        Path(cfg).unlink(missing_ok=True)
