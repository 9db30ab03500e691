"""Where a figure notebook writes, and what it may import: the one call at the top of a notebook.

Every notebook starts with ::

    run = start_notebook("fig2_trigger", outputs, results_dir)

``outputs`` is a parameter: ``None`` in the notebook's parameters cell, set by the pipeline's
notebook runner (papermill) to the run's figure folder, claims file, tables folder and
provenance. So the same notebook

* run by Snakemake writes ``results/<dataset>/figures/<name>/``, ``claims/<name>.json`` and
  ``tables/``, the outputs the scorecard and report use;
* opened in Jupyter with its defaults (*exploring*) reads the pipeline's interim data and
  results but writes only below ``results/<dataset>/explore/<name>/``, and says so in its first
  output: changing a parameter to try something never overwrites a figure, a table or a claim
  of the pipeline (which would then describe an interactive run).

:func:`start_notebook` installs :func:`llzo.guard.guard_imports` (the runner also calls it before
the first cell of every notebook): a notebook importing the virtual lab (``llzo.lab``) or the
rule glue (``llzo.pipeline``), or reading the lab's ground truth, fails at once with a message
saying why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from llzo.atomic import atomic_path
from llzo.claims import Claim, write_claims
from llzo.figures.style import save_figure, use_style
from llzo.guard import guard_imports

#: Sub-folder of ``results/<dataset>/`` where an exploring notebook writes.
EXPLORE = "explore"
#: How tables are written (``float_format``, line ends): same bytes on every machine.
TABLE_FORMAT = {"index": False, "float_format": "%.6g", "lineterminator": "\n"}


@dataclass(frozen=True)
class NotebookRun:
    """Where one notebook run writes (see :func:`start_notebook`).

    Attributes
    ----------
    name
        Notebook name (file stem).
    figures_dir, claims_path, tables_dir
        Output locations.
    exploring
        True outside the pipeline: everything goes below ``results/<dataset>/explore/<name>/``.
    provenance
        Metadata written into every figure (notebook, git commit, parameters, raw SHA-256).
    """

    name: str
    figures_dir: Path
    claims_path: Path
    tables_dir: Path
    exploring: bool
    provenance: dict = field(default_factory=dict)

    def save(self, fig: plt.Figure, panel: str) -> list[Path]:
        """Save a panel as ``fig<panel>.png|pdf`` (panel id as in ``panels.yaml``) with the provenance."""
        return save_figure(fig, panel, self.figures_dir, self.provenance)

    def table(self, df: pd.DataFrame, name: str) -> Path:
        """Write a result table ``<tables_dir>/<name>`` (CSV, :data:`TABLE_FORMAT`) atomically."""
        path = self.tables_dir / name
        with atomic_path(path) as tmp:
            df.to_csv(tmp, **TABLE_FORMAT)
        return path

    def claims(self, claims: list[Claim]) -> list[Claim]:
        """Write the notebook's claims (also when empty) and print them; return them."""
        write_claims(self.claims_path, claims)
        for c in claims:
            bound = {"lt": "< ", "gt": "> "}.get(c.bound or "", "")
            ci = f" [{c.ci_low:.4g}, {c.ci_high:.4g}]" if c.ci_low is not None and c.ci_high is not None else ""
            print(f"{c.claim_id}: {bound}{c.reproduced:.4g}{ci} (n={c.n}) {c.note}")
        return claims


def start_notebook(name: str, outputs: dict | None, results_dir: str | Path, *, guard: bool = True) -> NotebookRun:
    """Set the style and the import guard, and say where this run writes.

    Parameters
    ----------
    name
        The notebook's file stem (``"fig2_trigger"``).
    outputs
        ``None`` when exploring; from the pipeline: ``{"figures_dir", "claims_path", "tables_dir",
        "provenance"}`` (paths relative to the notebook folder).
    results_dir
        The pipeline's results of the dataset (``../results/<dataset>``); an exploring run writes
        below ``<results_dir>/explore/<name>/``.
    guard
        Call :func:`guard_imports` (for the notebook kernel; tests of this function pass False, as
        the guard stays in the process).

    Returns
    -------
    NotebookRun
        Output locations and the save/table/claims writers.
    """
    use_style()
    if guard:
        guard_imports()
    if outputs is not None:
        run = NotebookRun(name, Path(outputs["figures_dir"]), Path(outputs["claims_path"]),
                          Path(outputs["tables_dir"]), False, dict(outputs.get("provenance") or {}))
    else:
        base = Path(results_dir) / EXPLORE / name
        run = NotebookRun(name, base / "figures", base / "claims.json", base / "tables", True,
                          {"notebook": f"notebooks/{name}.py", "run": "explore (not the pipeline)"})
        print(f"Exploring: not run by the pipeline. Inputs are read from the interim data and {results_dir}/; "
              f"figures, tables and claims are written only to {base}/ (the pipeline's results are untouched). "
              f"`snakemake` makes the real ones.")
    run.tables_dir.mkdir(parents=True, exist_ok=True)
    run.figures_dir.mkdir(parents=True, exist_ok=True)
    return run
