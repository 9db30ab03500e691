"""Golden results: a claim that moves beyond its tier, changes its bound, appears or disappears fails."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from llzo.pipeline.golden import compare_golden, load_golden, read_run_claims, updated_golden_text

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests/golden/demo_claims.yaml"
PAPER = REPO / "workflow/config/paper_claims.yaml"

HEAD = """# a golden file for the test
tiers:
  exact:
    abs: 0
    reason: a count
  arithmetic:
    rel: 1.0e-6
    reason: summation order only
"""


def _golden(tmp_path: Path) -> Path:
    f = tmp_path / "golden.yaml"
    f.write_text(HEAD + """
claims:
  a_V:
    value: -0.12
    bound: null
    tier: arithmetic
    why: "a remark"
  n_cycles:
    value: 300.0
    bound: null
    tier: exact
  t_h:
    value: 1050.0
    bound: gt
    tier: arithmetic
""")
    return f


def _run(tmp_path: Path, claims: list[dict]) -> Path:
    d = tmp_path / "results"
    (d / "claims").mkdir(parents=True, exist_ok=True)
    (d / "claims" / "nb.json").write_text(json.dumps({"claims": claims}))
    return d


BASE = [{"claim_id": "a_V", "reproduced": -0.12}, {"claim_id": "n_cycles", "reproduced": 300.0},
        {"claim_id": "t_h", "reproduced": 1050.0, "bound": "gt"}]


def test_matching_run_passes(tmp_path):
    assert compare_golden(_golden(tmp_path), _run(tmp_path, BASE)) == []
    nudged = [{**BASE[0], "reproduced": -0.12 * (1 + 5e-7)}, *BASE[1:]]  # inside 1e-6
    assert compare_golden(_golden(tmp_path), _run(tmp_path, nudged)) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"claim_id": "a_V", "reproduced": -0.1200002}, "a_V: -0.1200002 moved from the golden -0.12"),
        ({"claim_id": "n_cycles", "reproduced": 299.0}, "n_cycles: 299.0 moved"),
        ({"claim_id": "t_h", "reproduced": 1050.0}, "t_h: bound None, golden 'gt'"),
        ({"claim_id": "a_V", "reproduced": None}, "a_V: value None, golden -0.12"),
    ],
)
def test_a_moved_claim_fails(tmp_path, change, expected):
    claims = [change if c["claim_id"] == change["claim_id"] else c for c in BASE]
    problems = compare_golden(_golden(tmp_path), _run(tmp_path, claims))
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_appearing_and_disappearing_claims_fail(tmp_path):
    problems = compare_golden(_golden(tmp_path), _run(tmp_path, [*BASE[1:], {"claim_id": "b_V", "reproduced": 1.0}]))
    assert any(p.startswith("b_V: produced by the run but not in") for p in problems)
    assert any(p.startswith("a_V: in golden.yaml but not produced") for p in problems)


def test_update_keeps_tiers_and_reasons(tmp_path):
    g = _golden(tmp_path)
    run = _run(tmp_path, [{"claim_id": "a_V", "reproduced": -0.125}, BASE[1],
                          {"claim_id": "new_V", "reproduced": 2.5}])
    with pytest.raises(ValueError, match="new_V"):
        updated_golden_text(g, run)  # a new claim's tier is chosen deliberately
    text, changes = updated_golden_text(g, run, new_tier="arithmetic")
    assert changes == ["t_h: removed (no longer produced)", "a_V: -0.12 -> -0.125",
                       "new_V: added, 2.5 (tier arithmetic)"]
    assert text.startswith(HEAD.rstrip("\n") + "\n\nclaims:\n")
    g.write_text(text)
    tiers, claims = load_golden(g)
    assert tiers["exact"].reason == "a count" and claims["a_V"].why == "a remark"
    assert claims["a_V"].value == -0.125 and claims["new_V"].tier == "arithmetic" and "t_h" not in claims
    assert compare_golden(g, run) == []
    again, changes = updated_golden_text(g, run)
    assert again == text and changes == []  # idempotent


def test_the_committed_golden_file_is_complete_and_reasoned():
    tiers, claims = load_golden(GOLDEN)
    assert all(len(t.reason) > 40 for t in tiers.values())
    import yaml

    paper = yaml.safe_load(PAPER.read_text(encoding="utf-8"))
    assert set(claims) == set(paper), "every claim of paper_claims.yaml is in the golden file (and no other)"
    assert {c.tier for c in claims.values()} <= set(tiers)


def test_update_script_check_mode(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("update_golden", REPO / "workflow/scripts/update_golden.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    g = _golden(tmp_path)
    run = _run(tmp_path, BASE)
    assert mod.main([str(run), "--golden", str(g), "--check"]) == 0
    moved = _run(tmp_path, [{**BASE[0], "reproduced": -0.2}, *BASE[1:]])
    assert mod.main([str(moved), "--golden", str(g), "--check"]) == 1
    assert "a_V: -0.2 moved" in capsys.readouterr().out
    assert mod.main([str(moved), "--golden", str(g)]) == 0
    assert read_run_claims(moved)["a_V"] == (-0.2, None) and load_golden(g)[1]["a_V"].value == -0.2
