"""Scorecard: every claim id listed, produced ones evaluated, unknown ids refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from llzo.pipeline.scorecard import build_scorecard, coverage, write_scorecard

REPO = Path(__file__).resolve().parents[2]
PAPER = REPO / "workflow/config/paper_claims.yaml"


def _defined_claim_ids() -> set[str]:
    """Claim ids in the first column of the definition tables of docs/claims.md."""
    text = (REPO / "docs/claims.md").read_text(encoding="utf-8")
    section = text.split("## Definitions", 1)[1]
    ids = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            ids.update(re.findall(r"`([A-Za-z0-9_]+)`", line.split("|")[1]))
    return ids


def test_every_claim_is_defined_and_has_a_paper_value():
    paper = yaml.safe_load(PAPER.read_text())
    assert _defined_claim_ids() == set(paper)
    for cid, p in paper.items():
        assert p["relation"] in ("approx", "lt", "gt"), cid
        assert {"figure", "quantity", "unit", "paper_value", "tolerance", "source"} <= set(p), cid


def test_scorecard_rows(tmp_path):
    f = tmp_path / "eq1.json"
    f.write_text(json.dumps({"notebook": "eq1", "raw_sha256": "ab",
                             "claims": [{"claim_id": "contact_area_nm2", "reproduced": 37.6, "n": 4}]}))
    card = build_scorecard(PAPER, [f])
    paper = yaml.safe_load(PAPER.read_text())
    assert list(card["claim_id"]) == list(paper)
    row = card.set_index("claim_id").loc["contact_area_nm2"]
    assert row.status == "pass" and row.raw_sha256 == "ab" and row.notebook == "eq1"
    assert set(card.drop(index=card.index[card.claim_id == "contact_area_nm2"])["status"]) == {"missing"}


def test_unknown_claim_refused(tmp_path):
    f = tmp_path / "x.json"
    f.write_text(json.dumps({"claims": [{"claim_id": "not_a_claim", "reproduced": 1}]}))
    with pytest.raises(ValueError, match="not_a_claim"):
        build_scorecard(PAPER, [f])


def test_coverage_and_files(tmp_path):
    figs = tmp_path / "figures" / "eq1_contact_area"
    figs.mkdir(parents=True)
    (figs / "figEq1.png").write_bytes(b"")
    cov = coverage(REPO / "workflow/config/panels.yaml", tmp_path / "figures")
    st = cov.set_index("panel")["status"]
    assert st["Eq1"] == "reproduced" and st["2e"] == "missing" and st["1a-d"] == "schematic"
    assert st["S13"] == "out of scope"
    out = {k: tmp_path / f"o.{k}" for k in ("csv", "html", "cov")}
    write_scorecard(PAPER, REPO / "workflow/config/panels.yaml", [], tmp_path / "figures", "t",
                    out["csv"], out["html"], out["cov"])
    df = pd.read_csv(out["csv"])
    assert (df["status"] == "missing").all()
    assert "Scorecard" in out["html"].read_text()
