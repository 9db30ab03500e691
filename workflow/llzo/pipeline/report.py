"""``report.html`` made with ``snakemake --report`` from inside the report rule."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from llzo.pipeline.atomic import atomic_path


def make_report(config: dict, target: str, out: str | Path, log: str | Path | None = None) -> None:
    """Run ``snakemake --report`` for ``target`` with the same config as the running workflow.

    The outer workflow holds the lock, so the inner call uses ``--nolock``; the config is passed
    as a file so that command-line overrides of the outer run are respected.
    """
    out = Path(out)
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as fh:
        yaml.safe_dump(config, fh)
        cfg = fh.name
    try:
        with atomic_path(out) as tmp:
            tmp_html = tmp.with_suffix(".html")
            cmd = [sys.executable, "-m", "snakemake", "--nolock", "--quiet", "all", "--configfile", cfg,
                   "--report", str(tmp_html), target]
            res = subprocess.run(cmd, capture_output=True, text=True)
            if log:
                Path(log).write_text(res.stdout + res.stderr, encoding="utf-8")
            if res.returncode != 0 or not tmp_html.exists():
                raise RuntimeError(f"snakemake --report failed ({res.returncode}):\n{res.stderr[-3000:]}")
            tmp_html.replace(tmp)
    finally:
        Path(cfg).unlink(missing_ok=True)
