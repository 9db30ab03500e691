"""End to end: the robustness study of the demo (in the session's demo run; no DAG run of its own).

Every claim the demo measures is varied over its analysis parameters; the value at the configured
parameters is the notebook's own; the scorecard's robustness column is filled; the figure is in the
report. (Two cold runs giving the same bytes, tables and figures included, is test_pipeline.py's.)
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
import yaml

from llzo.pipeline import robustness as rb
from llzo.pipeline.golden import read_run_claims

pytestmark = pytest.mark.e2e
CELL = re.compile(r"^(-?[0-9.e+-]+)\.\.(-?[0-9.e+-]+)(?:, ([0-9]+) of ([0-9]+) not computed)?( \((robust|fragile)\))?$")


@pytest.fixture(scope="module")
def demo(demo_run):
    res = demo_run / "results/demo"
    return {"tree": demo_run, "res": res, "card": pd.read_csv(res / "claims.csv", keep_default_na=False),
            "table": rb.read_table(res / "tables/robustness.csv"),
            "summary": pd.read_csv(res / "tables/robustness_summary.csv", keep_default_na=False)}


def test_every_measured_claim_is_varied(demo):
    card, table = demo["card"], demo["table"]
    measured = set(card.loc[card["basis"] == "measured", "claim_id"])
    assert measured <= set(table["claim_id"]), measured - set(table["claim_id"])
    produced = set(card.loc[card["reproduced"] != "", "claim_id"])
    assert produced <= set(table["claim_id"])  # inputs and model claims too


def test_one_table_per_job_and_every_value_of_the_schema(demo):
    tree = demo["tree"]
    config = yaml.safe_load((tree / "workflow/config/config.yaml").read_text())
    schema = rb.load_schema(tree / "workflow/schemas/config.schema.yaml")
    jobs = rb.jobs(config, {"sweeps", "maps", "echem"})
    written = sorted(p.stem for p in (demo["res"] / "robustness").glob("*__*.csv"))
    assert written == sorted(f"{s}__{k}" for s, k in jobs)
    table = demo["table"]
    for s, k in jobs:
        values = rb.plausible(schema, rb.STUDIES[s].block, k)["values"]
        got = table[(table["analysis"] == s) & (table["parameter"] == k)]
        assert sorted(set(got["value"])) == sorted(rb.value_text(v) for v in values), (s, k)


def test_the_configured_value_reproduces_the_notebooks_claim(demo):
    run = read_run_claims(demo["res"])
    base = demo["table"][demo["table"]["configured"]]
    for r in base.itertuples(index=False):
        value, bound = run[r.claim_id]
        if value is None:
            assert math.isnan(r.reproduced), r
        else:
            assert r.reproduced == pytest.approx(value, rel=1e-9), (r.claim_id, r.analysis, r.parameter)
        assert (r.bound or None) == bound, r


def test_the_scorecard_shows_the_range_and_the_verdict(demo):
    card, table = demo["card"].set_index("claim_id"), demo["table"]
    for cid, g in table.groupby("claim_id"):
        cell = card.loc[cid, "robustness"]
        m = CELL.match(cell)
        assert m, (cid, cell)
        stated = card.loc[cid, "status"] != "context"
        assert bool(m.group(6)) == stated, (cid, cell)
        fin = g["reproduced"].dropna()
        assert int(m.group(3) or 0) == len(g) - len(fin) and int(m.group(4) or len(g)) == len(g), (cid, cell)
        assert float(m.group(1)) == pytest.approx(fin.min(), rel=1e-5, abs=1e-9)
        assert float(m.group(2)) == pytest.approx(fin.max(), rel=1e-5, abs=1e-9)
        flips = (g["status"] != card.loc[cid, "status"]).any()
        if stated:
            assert m.group(6) == ("fragile" if flips else "robust"), cid
    fragile = set(card.index[card["robustness"].str.endswith("(fragile)")])
    assert fragile == set(demo["summary"].loc[demo["summary"]["verdict"] == "fragile", "claim_id"])


def test_the_figure_is_in_the_report(demo):
    res = demo["res"]
    for ext in ("png", "pdf"):
        assert (res / f"figures/robustness/figrobustness.{ext}").is_file()
    html = (res / "report.html").read_text(encoding="utf-8", errors="replace")
    assert "figrobustness.png" in html and "robustness.csv" in html
