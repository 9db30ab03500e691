"""The first call of every notebook (llzo.figures.notebook): where it writes, what it may import."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from llzo.claims import Claim, read_claims
from llzo.figures.notebook import EXPLORE, start_notebook


def test_exploring_writes_only_below_explore(tmp_path, capsys):
    results = tmp_path / "results" / "demo"
    run = start_notebook("fig_x", None, results, guard=False)
    assert run.exploring
    first_output = capsys.readouterr().out
    assert first_output.startswith("Exploring: not run by the pipeline") and f"{EXPLORE}/fig_x" in first_output
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    run.save(fig, "9z")
    run.table(pd.DataFrame({"a_V": [1.0 / 3]}), "t.csv")
    run.claims([Claim("contact_area_nm2", 1.0)])
    written = sorted(p.relative_to(results).as_posix() for p in results.rglob("*") if p.is_file())
    assert written == ["explore/fig_x/claims.json", "explore/fig_x/figures/fig9z.pdf",
                       "explore/fig_x/figures/fig9z.png", "explore/fig_x/tables/t.csv"]
    assert (results / "explore/fig_x/tables/t.csv").read_text() == "a_V\n0.333333\n"


def test_pipeline_outputs(tmp_path):
    outputs = {"figures_dir": str(tmp_path / "f"), "claims_path": str(tmp_path / "c.json"),
               "tables_dir": str(tmp_path / "t"), "provenance": {"notebook": "notebooks/x.py"}}
    run = start_notebook("x", outputs, tmp_path / "results", guard=False)
    assert not run.exploring and run.provenance == {"notebook": "notebooks/x.py"}
    run.claims([])
    assert read_claims(tmp_path / "c.json") == {"claims": []}
    assert not (tmp_path / "results").exists()
