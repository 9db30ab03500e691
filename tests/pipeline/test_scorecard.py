"""Scorecard: every claim id listed, produced ones evaluated, sources and bases shown, unknown ids refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from llzo.pipeline.scorecard import (
    COLUMNS,
    build_scorecard,
    coverage,
    fill_robustness,
    robustness_cell,
    summary_text,
    to_html,
    write_scorecard,
)

REPO = Path(__file__).resolve().parents[2]
PAPER = REPO / "workflow/config/paper_claims.yaml"
PANELS = REPO / "workflow/config/panels.yaml"


def _defined_claim_ids() -> set[str]:
    """Claim ids in the first column of the definition tables of docs/claims.md."""
    text = (REPO / "docs/claims.md").read_text(encoding="utf-8")
    section = text.split("## Definitions", 1)[1].split("\n## ", 1)[0]
    ids = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            ids.update(re.findall(r"`([A-Za-z0-9_]+)`", line.split("|")[1]))
    return ids


def test_every_claim_is_defined():
    paper = yaml.safe_load(PAPER.read_text())
    assert _defined_claim_ids() == set(paper)


def _claims_file(tmp_path: Path, name: str, claims: list[dict]) -> Path:
    f = tmp_path / f"{name}.json"
    f.write_text(json.dumps({"notebook": name, "raw_sha256": "ab", "claims": claims}))
    return f


def test_scorecard_rows(tmp_path):
    f = _claims_file(tmp_path, "eq1", [{"claim_id": "contact_area_nm2", "reproduced": 37.6, "n": 4}])
    card = build_scorecard(PAPER, [f])
    paper = yaml.safe_load(PAPER.read_text())
    assert list(card["claim_id"]) == list(paper)
    assert list(card.columns) == COLUMNS
    row = card.set_index("claim_id").loc["contact_area_nm2"]
    assert row.status == "pass" and row.raw_sha256 == "ab" and row.notebook == "eq1"
    assert row.basis == "input" and "tip_radius_nm" in row.basis_note
    assert row.source.startswith('text: "From this calculation')
    assert set(card.drop(index=card.index[card.claim_id == "contact_area_nm2"])["status"]) == {"missing"}


def test_not_stated_claims_are_context_without_a_paper_value(tmp_path):
    f = _claims_file(tmp_path, "sym", [
        {"claim_id": "sym_none_hours_to_short", "reproduced": 1.25, "n": 1},
        {"claim_id": "sym_hl_hours_stable", "reproduced": 1050.0, "bound": "gt", "n": 1},
        {"claim_id": "sym_au_hours_to_short", "reproduced": 18.6, "n": 1, "basis": "input"},
    ])
    card = build_scorecard(PAPER, [f]).set_index("claim_id")
    none = card.loc["sym_none_hours_to_short"]
    assert none.status == "context" and pd.isna(none.paper_value) and pd.isna(none.tolerance)
    assert none.source.startswith("not stated") and none.basis == "measured"
    hl = card.loc["sym_hl_hours_stable"]  # no short: the log's length, a restated input
    assert hl.status == "pass" and hl.basis == "input" and "log" in hl.basis_note
    assert card.loc["sym_au_hours_to_short", "basis"] == "input"  # the claim JSON overrides the yaml
    assert card.loc["full_lfp_retention_pct", "status"] == "missing"  # not produced: missing, not context


def test_context_rows_never_count_as_pass_or_fail(tmp_path):
    f = _claims_file(tmp_path, "x", [{"claim_id": "contact_area_nm2", "reproduced": 99.0},
                                     {"claim_id": "full_lfp_retention_pct", "reproduced": 12.0}])
    card = build_scorecard(PAPER, [f])
    text = summary_text(card)
    n_context = sum(p.get("source") == "not stated" for p in yaml.safe_load(PAPER.read_text()).values())
    n_stated = len(card) - n_context
    assert text == (f"0 pass, 1 fail, {n_stated - 1} missing of {n_stated} claims with a paper value; "
                    f"1 context (no paper value: shown, never pass or fail) and {n_context - 1} without a paper "
                    "value missing")
    validation = pd.DataFrame({"basis": ["measured", "measured", "measured", "input"],
                               "true": [1.0, 2.0, None, 3.0], "within": ["True", "False", "", "True"]})
    assert ("validation: 1 of 2 measured claims within their validation tolerance; 1 of 1 input claims too "
            "(1 measured without a true value or tolerance)") in summary_text(card, validation)


def test_unknown_claim_refused(tmp_path):
    f = tmp_path / "x.json"
    f.write_text(json.dumps({"claims": [{"claim_id": "not_a_claim", "reproduced": 1}]}))
    with pytest.raises(ValueError, match="not_a_claim"):
        build_scorecard(PAPER, [f])


def test_robustness_column(tmp_path):
    f = _claims_file(tmp_path, "x", [{"claim_id": "contact_area_nm2", "reproduced": 37.6},
                                     {"claim_id": "modulus_gi_GPa", "reproduced": 145.0},
                                     {"claim_id": "sym_none_hours_to_short", "reproduced": 1.25}])
    card = build_scorecard(PAPER, [f])
    assert (card["robustness"] == "").all()  # empty until a robustness table exists
    table = pd.DataFrame([
        {"claim_id": "contact_area_nm2", "parameter": "p", "value": 1, "reproduced": 33.0},
        {"claim_id": "contact_area_nm2", "parameter": "p", "value": 2, "reproduced": 39.5},
        {"claim_id": "modulus_gi_GPa", "parameter": "gi_min_distance_nm", "value": 50, "reproduced": 140.0},
        {"claim_id": "modulus_gi_GPa", "parameter": "gi_min_distance_nm", "value": 200, "reproduced": 156.0},
        {"claim_id": "sym_none_hours_to_short", "parameter": "short_voltage_fraction", "value": 0.1,
         "reproduced": 1.5},
    ])
    out = fill_robustness(card, table, PAPER).set_index("claim_id")["robustness"]
    assert out["contact_area_nm2"] == "33..39.5 (robust)"
    assert out["modulus_gi_GPa"] == "140..156 (fragile)"  # 156 leaves 145 +- 10
    assert out["sym_none_hours_to_short"] == "1.5..1.5"  # context: no verdict to flip
    assert out["trigger_bias_gb_V"] == ""
    with pytest.raises(ValueError, match="reproduced"):
        fill_robustness(card, table.drop(columns="reproduced"), PAPER)


def test_robustness_cell_counts_a_claim_that_cannot_be_computed_as_a_flip():
    from llzo.pipeline.paper_claims import load_paper_claims

    p = load_paper_claims(PAPER)["contact_area_nm2"]
    assert robustness_cell(p, "pass", [35.0, float("nan")]) == "35..35, 1 of 2 not computed (fragile)"
    assert robustness_cell(p, "pass", []) == ""


def test_html_is_full_width_with_statuses_as_words(tmp_path):
    f = _claims_file(tmp_path, "x", [{"claim_id": "contact_area_nm2", "reproduced": 37.6},
                                     {"claim_id": "sym_none_hours_to_short", "reproduced": 1.25}])
    card = build_scorecard(PAPER, [f])
    cov = coverage(PANELS, tmp_path / "none")
    page = to_html(card, cov, "t")
    assert "width: 100%" in page
    for word in ("PASS", "MISSING", "CONTEXT"):
        assert f">{word}</span>" in page
    assert not re.search("[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B1B\u2B1C]", page), "no emoji"
    row = re.search(r'<tr data-status="context">(.*?)</tr>', page).group(1)
    assert "not stated" in row and "1.25" in row
    assert "From this calculation" in page  # the quote is shown


def test_coverage_and_files(tmp_path):
    figs = tmp_path / "figures" / "eq1_contact_area"
    figs.mkdir(parents=True)
    (figs / "figEq1.png").write_bytes(b"")
    cov = coverage(PANELS, tmp_path / "figures")
    st = cov.set_index("panel")["status"]
    assert st["Eq1"] == "reproduced" and st["2e"] == "missing" and st["1a-d"] == "schematic"
    assert st["S13"] == "out of scope"
    out = {k: tmp_path / f"o.{k}" for k in ("csv", "html", "cov")}
    card = write_scorecard(PAPER, PANELS, [], tmp_path / "figures", "t", out["csv"], out["html"], out["cov"])
    df = pd.read_csv(out["csv"], keep_default_na=False)
    assert (df["status"] == "missing").all()
    assert list(df.columns) == COLUMNS
    ctx = df[df["source"].str.startswith("not stated")]
    n_context = sum(p.get("source") == "not stated" for p in yaml.safe_load(PAPER.read_text()).values())
    assert len(ctx) == n_context >= 4 and (ctx["paper_value"] == "").all() and (ctx["tolerance"] == "").all()
    assert (ctx["relation"] == "").all()
    assert "Scorecard" in out["html"].read_text()
    assert card.attrs["summary"].startswith("0 pass, 0 fail")
