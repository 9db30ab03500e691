"""Claim evaluation against the paper's relation and tolerance."""

from __future__ import annotations

import json

import pytest

from llzo.claims import Claim, evaluate, read_claims, write_claims


@pytest.mark.parametrize(
    ("paper", "rel", "tol", "rep", "bound", "status"),
    [
        (30.0, "approx", 10.0, 37.6, None, "pass"),
        (30.0, "approx", 10.0, 41.0, None, "fail"),
        (30.0, "approx", 10.0, 30.0, "lt", "fail"),  # a bound never proves an approx claim
        (-9.0, "lt", 0.0, -9.6, None, "pass"),
        (-9.0, "lt", 0.0, -8.0, None, "fail"),
        (-9.0, "lt", 0.0, -10.0, "lt", "pass"),
        (-9.0, "lt", 0.0, -9.0, None, "fail"),
        (1000.0, "gt", 0.0, 1200.0, "gt", "pass"),
        (1000.0, "gt", 0.0, 800.0, "gt", "fail"),
        (1000.0, "gt", 0.0, None, None, "missing"),
        (1000.0, "gt", 0.0, float("nan"), None, "missing"),
    ],
)
def test_evaluate(paper, rel, tol, rep, bound, status):
    assert evaluate(paper, rel, tol, rep, bound) == status


def test_unknown_relation():
    with pytest.raises(ValueError):
        evaluate(1.0, "about", 0.1, 1.0)


def test_bad_bound():
    with pytest.raises(ValueError):
        Claim("x", 1.0, bound="le")


def test_write_read_roundtrip_and_nan(tmp_path):
    import numpy as np

    p = tmp_path / "c.json"
    write_claims(p, [Claim("a_V", np.float64(-0.12), ci_low=float("nan"), n=np.int64(3))])
    doc = read_claims(p)
    assert doc["claims"][0]["reproduced"] == -0.12
    assert doc["claims"][0]["ci_low"] is None and doc["claims"][0]["n"] == 3
    assert json.loads(p.read_text()) == doc


def test_basis_override_is_optional_and_omitted_when_unset(tmp_path):
    plain, with_basis = tmp_path / "a.json", tmp_path / "b.json"
    write_claims(plain, [Claim("sym_hl_hours_stable", 1050.0, bound="gt")])
    text = plain.read_text()
    assert "basis" not in text
    # byte-identical to what write_claims wrote before the field existed
    assert text == json.dumps({"claims": [{"bound": "gt", "ci_high": None, "ci_low": None, "claim_id":
                                           "sym_hl_hours_stable", "n": None, "note": "", "reproduced": 1050.0}]},
                              indent=1, sort_keys=True) + "\n"
    write_claims(with_basis, [Claim("sym_hl_hours_stable", 1050.0, bound="gt", basis="input")])
    assert read_claims(with_basis)["claims"][0]["basis"] == "input"
    with pytest.raises(ValueError, match="basis"):
        Claim("x", 1.0, basis="guessed")


def test_median_over_cells():
    import pandas as pd

    from llzo.claims import median_over_cells

    runs = pd.DataFrame({"cell": ["a", "b", "c", "d"], "error": ["", "", "", "cut off"],
                         "bound": ["gt", "gt", "gt", None], "h": [10.0, 30.0, 20.0, 99.0]})
    c = median_over_cells("x_h", runs, "h", lambda b: f"note {b}")
    assert (c.reproduced, c.ci_low, c.ci_high, c.n, c.bound, c.note) == (20.0, 10.0, 30.0, 3, "gt", "note gt")
    mixed = runs.assign(bound=["gt", None, "gt", None])
    assert median_over_cells("x_h", mixed, "h", str).bound is None
    none = median_over_cells("x_h", runs.assign(error=["e1", "e2", "e3", "e4"]), "h", str)
    assert none.n == 0 and none.note == "no usable run: a: e1; b: e2; c: e3; d: e4"
