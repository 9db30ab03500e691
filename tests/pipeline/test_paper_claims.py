"""paper_claims.yaml: every paper value names its source; every text quote is in the paper."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from llzo.pipeline.paper_claims import (
    SOURCES,
    PaperClaim,
    load_paper_claims,
    normalise_text,
    quote_in_text,
)

REPO = Path(__file__).resolve().parents[2]
PAPER_CLAIMS = REPO / "workflow/config/paper_claims.yaml"
PAPER_TEXT = REPO.parent / "shared" / "paper" / "paper.txt"
#: where claims are made: the notebooks and the analysis/model library they call
CLAIM_SOURCES = [REPO / "notebooks", REPO / "workflow/llzo/analysis", REPO / "workflow/llzo/fe"]


@pytest.fixture(scope="module")
def paper_text() -> str:
    if not PAPER_TEXT.is_file():
        pytest.skip(f"the paper's text is not at {PAPER_TEXT} (../shared/paper/paper.txt beside the clone)")
    return PAPER_TEXT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def claims() -> dict[str, PaperClaim]:
    return load_paper_claims(PAPER_CLAIMS)


def test_every_claim_names_its_source_and_basis(claims):
    for cid, p in claims.items():
        assert p.source in SOURCES, cid
        assert p.basis in ("measured", "input", "model"), cid
        if p.source == "text":
            assert p.quotes and p.paper_value is not None and p.relation, cid
        if p.source == "not stated":
            assert p.paper_value is None and p.relation is None and p.tolerance is None, cid
            assert p.reading, f"{cid}: say what the paper shows instead"
        if p.basis == "input":
            assert p.basis_note, f"{cid}: say which input it restates"


def test_every_text_quote_occurs_in_the_paper(claims, paper_text):
    missing = [(cid, q) for cid, p in claims.items() for q in p.quotes if not quote_in_text(q, paper_text)]
    assert not missing, "quotes not found in the paper (whitespace/typography normalised):\n" + "\n".join(
        f"{cid}: {q}" for cid, q in missing)


def test_values_the_text_does_not_state_are_not_presented_as_the_papers(claims):
    # the text gives no Au resistance, no times to short for bare/Au cells, no retention
    for cid in ("sym_none_hours_to_short", "sym_au_hours_to_short", "full_lfp_retention_pct",
                "full_ncm523_retention_pct"):
        assert claims[cid].source == "not stated", cid
    au = claims["r_int_au_ohm_cm2"]
    assert (au.source, au.relation, au.paper_value) == ("text", "gt", 14.0)
    assert "Au|LLZO" in au.quotes[0]
    assert any("more than 300 cycles" in q for q in claims["full_lfp_cycles"].quotes)


def test_each_number_stated_appears_in_its_quote(claims):
    """A text claim's plain paper value is written in its quote (or `reading` explains why not)."""
    for cid, p in claims.items():
        if p.source != "text" or p.reading:
            continue
        numbers = {abs(float(x)) for q in p.quotes for x in re.findall(r"\d+(?:\.\d+)?", q)}
        numbers |= {10.0 for q in p.quotes if re.search(r"\bten\b", q)}
        assert abs(p.paper_value) in numbers, f"{cid}: {p.paper_value} not in {p.quotes}"


def test_quote_matching_normalises_only_whitespace_typography_and_line_hyphens():
    text = "the bias is larger than −0.12  V versus\nLi/Li+ where a pene-\ntration ≈10 mV “set”"
    assert quote_in_text("larger than -0.12 V versus Li/Li+", text)
    assert quote_in_text('where a penetration ~10 mV "set"', text)
    assert not quote_in_text("larger than -0.13 V", text)
    assert not quote_in_text("larger than 0.12 V", text)
    assert normalise_text("a\u00a0 b\n–c") == "a b -c"


def _claim_id_patterns() -> tuple[set[str], list[re.Pattern]]:
    """String constants and f-string patterns in the code that makes claims (docstrings excluded)."""
    literals, patterns = set(), []
    files = [f for root in CLAIM_SOURCES for f in sorted(root.rglob("*.py"))]
    for f in files:
        tree = ast.parse(f.read_text(encoding="utf-8"))
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef) and n.body
                and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                parts = [re.escape(v.value) if isinstance(v, ast.Constant) else "[a-z0-9]+" for v in node.values]
                if sum(len(v.value) for v in node.values if isinstance(v, ast.Constant)) >= 4:
                    patterns.append(re.compile("".join(parts)))
    return literals, patterns


def test_every_claim_id_is_made_by_some_notebook_or_analysis(claims):
    """Static check (fast); the end-to-end test checks the demo's claims JSONs hold every id."""
    literals, patterns = _claim_id_patterns()
    orphans = [cid for cid in claims if cid not in literals and not any(p.fullmatch(cid) for p in patterns)]
    assert not orphans, f"claim ids no notebook or analysis writes: {orphans}"


def _write(tmp_path, entries: dict) -> Path:
    f = tmp_path / "paper_claims.yaml"
    f.write_text(yaml.safe_dump(entries, sort_keys=False), encoding="utf-8")
    return f


def test_loader_reports_every_problem_at_once(tmp_path):
    f = _write(tmp_path, {
        "a_V": {"figure": "1", "quantity": "q", "unit": "V", "source": "text", "paper_value": 1.0,
                "relation": "approx", "tolerance": 0.1, "basis": "measured"},  # no quote
        "b_V": {"figure": "1", "quantity": "q", "unit": "V", "source": "not stated", "paper_value": 3.0,
                "basis": "guessed"},
        "c_V": {"figure": "1", "quantity": "q", "unit": "V", "source": "figure", "paper_value": 1.0,
                "relation": "lt", "tolerance": 0.0, "basis": "measured", "colour": "red"},
    })
    with pytest.raises(ValueError) as exc:
        load_paper_claims(f)
    msg = str(exc.value)
    for part in ("a_V: source text needs `quote:`", "b_V: `paper_value` given but the source is 'not stated'",
                 "b_V: basis 'guessed'", "c_V: source figure needs `panel:`", "c_V: source figure needs "
                 "`reading_uncertainty:`", "c_V: unknown key `colour`"):
        assert part in msg, (part, msg)


def test_figure_source_and_status(tmp_path):
    f = _write(tmp_path, {
        "r_ohm_cm2": {"figure": "5e", "quantity": "q", "unit": "ohm cm2", "source": "figure", "panel": "5e",
                      "reading_uncertainty": 50, "paper_value": 300.0, "relation": "approx", "tolerance": 100.0,
                      "basis": "measured"},
        "t_h": {"figure": "5g", "quantity": "q", "unit": "h", "source": "not stated", "reading": "Fig. 5g only",
                "basis": "measured", "basis_when_bound": "input", "basis_note_when_bound": "the log's length"},
    })
    pc = load_paper_claims(f)
    assert pc["r_ohm_cm2"].source_text() == "figure: Fig. 5e, read to +-50 ohm cm2"
    assert pc["r_ohm_cm2"].status(350.0, None) == "pass" and pc["r_ohm_cm2"].status(450.0, None) == "fail"
    t = pc["t_h"]
    assert t.source_text() == "not stated [Fig. 5g only]"
    assert t.status(1.25, None) == "context" and t.status(None, None) == "missing"
    assert t.status(float("nan"), None) == "missing"
    assert t.basis_for(None) == ("measured", "")
    assert t.basis_for("gt") == ("input", "the log's length")
    assert t.basis_for("gt", override="measured") == ("measured", "")
