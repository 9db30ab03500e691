"""Validation table: recovered claims vs a (fake) ground truth; the rule runs only where a truth exists."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from llzo.pipeline.paper_claims import load_paper_claims
from llzo.pipeline.validation import (
    COLUMNS,
    Tolerance,
    TrueValue,
    judge,
    load_claims_truth,
    load_tolerances,
    validation_summary,
    validation_table,
    write_validation,
)

REPO = Path(__file__).resolve().parents[2]
PAPER = REPO / "workflow/config/paper_claims.yaml"
TOLERANCES = REPO / "workflow/config/validation.yaml"


@pytest.mark.parametrize(
    ("rec", "rb", "true", "tb", "tol", "within"),
    [
        (1.02, None, 1.0, None, 0.05, True),
        (1.10, None, 1.0, None, 0.05, False),
        (1050.0, "gt", None, "gt", 0.1, True),  # no short in the log, truth: never shorts
        (500.0, None, None, "gt", 0.1, False),  # a short found where the truth has none
        (1050.0, "gt", 1200.0, None, 0.1, True),  # log too short to see the true short: consistent
        (1050.0, "gt", 900.0, None, 0.1, False),  # the truth shorted inside the log: missed
        (-10.0, "lt", -10.5, None, 0.0, True),  # window limit, true trigger beyond it
        (-10.0, "lt", -9.5, None, 0.0, False),
        (-9.7, None, -10.0, "lt", 0.5, True),  # truth only known to be beyond the window
        (-9.0, None, -10.0, "lt", 0.5, False),
        (5.0, "gt", 8.0, "lt", 0.0, True),  # opposite bounds that overlap
        (9.0, "gt", 8.0, "lt", 0.0, False),
        # same-direction bounds: the truth is defined as the claim is (the same window limit, the same
        # log length), so their values are compared too (formerly any two such bounds agreed)
        (2.0, "gt", 2.05, "gt", 0.1, True),
        (2.0, "gt", 3.0, "gt", 0.1, False),
    ],
)
def test_judge(rec, rb, true, tb, tol, within):
    ok, how = judge(rec, rb, TrueValue(true, tb), Tolerance("r", "abs", tol))
    assert ok is within, how


def test_range_and_relative_kinds():
    band = Tolerance("crosstalk only lowers it", "range", (-8.0, 2.0))
    assert judge(112.0, None, TrueValue(119.0), band)[0] and judge(120.5, None, TrueValue(119.0), band)[0]
    assert not judge(121.5, None, TrueValue(119.0), band)[0] and not judge(110.0, None, TrueValue(119.0), band)[0]
    rel = Tolerance("r", "rel_pct", 5.0)
    assert rel.error_interval(-0.12) == pytest.approx((-0.006, 0.006))
    assert judge(-0.125, None, TrueValue(-0.12), rel)[0] and not judge(-0.127, None, TrueValue(-0.12), rel)[0]
    assert band.text(1.0) == "-8..2" and rel.text(-0.12) == "0.006"
    assert Tolerance("model").error_interval(1.0) is None and not Tolerance("model").defined


def test_not_measurable_truth_needs_a_lower_bound():
    """The tip memristor: HRS below the instrument floor, so only LRS / floor can be recovered."""
    true = TrueValue(1.3e9, None, measurable=False, limit=1.0e5)
    lb = Tolerance("floor", "lower_bound", 5.0)
    assert judge(1.7e5, None, true, lb)[0]
    assert not judge(6.0e5, None, true, lb)[0]  # more than 5x the limit: the floor was not where it should be
    assert not judge(1.5e4, None, true, lb)[0]
    assert not judge(2.0e9, None, true, lb)[0]  # above the true ratio
    ok, how = judge(1.7e5, None, true, Tolerance("r", "rel_pct", 5.0))
    assert not ok and "lower_bound" in how


def test_every_claim_has_a_validation_tolerance_with_a_reason():
    paper = load_paper_claims(PAPER)
    tol = load_tolerances(TOLERANCES, list(paper))
    assert set(tol) == set(paper)
    for cid, t in tol.items():
        assert len(t.reason) > 15, cid
        assert t.defined or paper[cid].basis == "model", f"{cid}: only model claims go without a truth"


def test_tolerance_file_problems_are_listed_at_once(tmp_path):
    f = tmp_path / "v.yaml"
    f.write_text("a_V: {kind: abs, tolerance: -1, reason: x}\nb_V: {kind: abs, tolerance: 1}\n"
                 "c_V: {rel: 3, reason: y}\ne_V: {kind: range, tolerance: [1, 2], reason: z}\n"
                 "f_V: {kind: within, tolerance: 1, reason: w}\ng_V: {tolerance: 1, reason: v}\n")
    with pytest.raises(ValueError) as exc:
        load_tolerances(f, ["a_V", "b_V", "c_V", "d_V", "e_V", "f_V", "g_V"])
    for part in ("a_V: kind abs needs a number `tolerance` >= 0", "b_V: needs a `reason`",
                 "c_V: unknown key(s) ['rel']", "d_V: no entry", "e_V: kind range needs `tolerance: [lo, hi]`",
                 "f_V: kind 'within' is not one of", "g_V: a `tolerance` needs a `kind`"):
        assert part in str(exc.value)


def test_truth_read_at_the_runs_analysis_parameters(tmp_path):
    """A definition with an analysis parameter: the truth is a grid, read at the run's value."""
    f = tmp_path / "claims_truth.json"
    f.write_text(json.dumps({"claims": {
        "modulus_gb_GPa": {"parameters": {"gb_band_nm": [20.0, 30.0]}, "values": [118.0, 119.5], "bound": None},
        "memristor_tip_on_off": {"parameters": {"read_bias_V": [-0.1, -0.2], "forming_cycles": [0, 10]},
                                 "values": [[1e9, 2e9], [3e9, 4e9]], "bound": None, "measurable": False,
                                 "limit": {"parameters": {"read_bias_V": [-0.1, -0.2]}, "values": [1e5, 2e5]}},
        "contact_area_nm2": {"value": 37.6, "bound": None}}}))
    analysis = {"maps": {"gb_band_nm": 30.0}, "memristor": {"read_bias_V": -0.1, "forming_cycles": 10}}
    t = load_claims_truth(f, analysis)
    assert t["modulus_gb_GPa"].value == 119.5
    assert t["memristor_tip_on_off"] == TrueValue(2e9, None, "", False, 1e5)
    assert t["contact_area_nm2"].value == 37.6
    off = load_claims_truth(f, {"maps": {"gb_band_nm": 25.0}, "memristor": analysis["memristor"]})
    assert off["modulus_gb_GPa"].value is None and "not on the truth grid" in off["modulus_gb_GPa"].unavailable
    clash = load_claims_truth(f, {"maps": {"gb_band_nm": 30.0}, "kpfm": {"gb_band_nm": 20.0},
                                  "memristor": analysis["memristor"]})
    assert "different values in different analysis blocks" in clash["modulus_gb_GPa"].unavailable
    assert "depends on 'gb_band_nm'" in load_claims_truth(f)["modulus_gb_GPa"].unavailable


def test_truth_loader_accepts_extra_keys_and_names_bad_entries(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"version": 2, "lab": {"seed": 1}, "claims": {
        "contact_area_nm2": {"value": 37.6, "bound": None, "how": "Hertz", "extra": [1, 2]},
        "sym_hl_hours_stable": {"value": None, "bound": "gt", "how": "never shorts"},
        "full_lfp_cycles": {"value": 300}}}))
    t = load_claims_truth(good)
    assert t["contact_area_nm2"] == TrueValue(37.6, None, "Hertz")
    assert t["sym_hl_hours_stable"] == TrueValue(None, "gt", "never shorts")
    assert t["full_lfp_cycles"] == TrueValue(300.0, None, "")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"claims": {"a": {"value": "x"}, "b": {"value": 1, "bound": "le"}, "c": 5}}))
    with pytest.raises(ValueError) as exc:
        load_claims_truth(bad)
    assert "bad.json: 3 malformed" in str(exc.value) and "'le'" in str(exc.value)
    with pytest.raises(ValueError, match="'claims'"):
        (tmp_path / "flat.json").write_text(json.dumps({"contact_area_nm2": 37.6}))
        load_claims_truth(tmp_path / "flat.json")


def _claims(tmp_path: Path) -> list[Path]:
    f = tmp_path / "claims" / "x.json"
    f.parent.mkdir()
    f.write_text(json.dumps({"notebook": "x", "claims": [
        {"claim_id": "contact_area_nm2", "reproduced": 37.0},
        {"claim_id": "ccd_au_mA_cm2", "reproduced": 0.25},
        {"claim_id": "sym_hl_hours_stable", "reproduced": 1050.0, "bound": "gt"},
        {"claim_id": "fe_hotspot_ratio", "reproduced": 8.9},
        {"claim_id": "memristor_pad_resets", "reproduced": 0.0},
    ]}))
    return [f]


def _truth(tmp_path: Path) -> Path:
    d = tmp_path / "truth"
    d.mkdir()
    (d / "claims_truth.json").write_text(json.dumps({"claims": {
        "contact_area_nm2": {"value": 37.6, "bound": None, "how": "lab's Hertz area"},
        "ccd_au_mA_cm2": {"value": 0.2, "bound": None},
        "sym_hl_hours_stable": {"value": None, "bound": "gt", "how": "never shorts"},
        "r_int_none_ohm_cm2": {"value": 1000.0, "bound": None},
        "lab_only_quantity": {"value": 1.0, "bound": None},
    }}))
    return d


def test_validation_table_with_a_fake_truth(tmp_path):
    out = tmp_path / "validation.csv"
    table = write_validation(PAPER, _claims(tmp_path), _truth(tmp_path), TOLERANCES, out)
    df = pd.read_csv(out, keep_default_na=False).set_index("claim_id")
    assert list(pd.read_csv(out).columns) == COLUMNS
    area = df.loc["contact_area_nm2"]
    assert float(area.true) == 37.6 and float(area.error) == pytest.approx(-0.6)
    assert float(area.rel_error_pct) == pytest.approx(-1.59574, 1e-4)
    assert float(area.tolerance) == pytest.approx(0.03 * 37.6) and area.within == "True"
    assert "lab's Hertz area" in area.note
    ccd = df.loc["ccd_au_mA_cm2"]  # a whole ramp step off
    assert ccd.within == "False" and float(ccd.error) == pytest.approx(0.05)
    sym = df.loc["sym_hl_hours_stable"]
    assert sym.within == "True" and sym.basis == "input" and sym.error == "" and "consistent" in sym.note
    assert df.loc["r_int_none_ohm_cm2", "within"] == "False"  # in the truth, not recovered
    assert "claim not recovered" in df.loc["r_int_none_ohm_cm2", "note"]
    fe = df.loc["fe_hotspot_ratio"]
    assert fe.within == "" and fe.basis == "model" and "model result" in fe.note
    assert df.loc["memristor_pad_resets", "note"] == "no true value for this claim"
    assert "not a claim of paper_claims.yaml" in df.loc["lab_only_quantity", "note"]
    # contact area and the HL log length are inputs; measured: the CCD (a step off) and the missing R_int
    assert validation_summary(table).startswith("0 of 2 measured claims within their validation tolerance")


def test_absent_truth_file_gives_rows_that_say_so(tmp_path):
    out = tmp_path / "validation.csv"
    empty = tmp_path / "truth"
    empty.mkdir()
    write_validation(PAPER, _claims(tmp_path), empty, TOLERANCES, out)
    df = pd.read_csv(out, keep_default_na=False)
    assert len(df) == len(load_paper_claims(PAPER))
    assert df["note"].str.contains("claims_truth.json does not exist").all()
    assert (df["within"] == "").all()


def test_validation_table_is_deterministic(tmp_path):
    tol = load_tolerances(TOLERANCES)
    truth = load_claims_truth(_truth(tmp_path) / "claims_truth.json")
    files = _claims(tmp_path)
    a = validation_table(PAPER, files, truth, tol)
    b = validation_table(PAPER, files, truth, tol)
    pd.testing.assert_frame_equal(a, b)
    assert not any(isinstance(v, float) and math.isinf(v) for v in a["error"])


def test_only_the_validation_rule_reads_the_truth():
    """``data/truth`` is written by demo_data and read by the validation rule only."""
    users = {}
    for f in [REPO / "Snakefile", *sorted((REPO / "workflow/rules").glob("*.smk"))]:
        text = f.read_text(encoding="utf-8")
        if re.search(r"\bTRUTH\b|data/truth|claims_truth", text):
            users[f.name] = text
    assert set(users) == {"common.smk", "demo_data.smk", "validation.smk"}, set(users)
    assert re.search(r"output:.*?truth=directory\(", users["demo_data.smk"], re.S)  # writes it
    assert re.search(r"\bTRUTH\b[^=\n]*=", users["common.smk"])  # defines the path


def _mini_project(dst: Path) -> Path:
    for name in ("Snakefile", "workflow", "notebooks", "envs", "pyproject.toml"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dst / name)
    raw = dst / "data/raw/mylab"  # a lab's own dataset: a sheet is enough for a dry run
    raw.mkdir(parents=True)
    (raw / "sweeps.tsv").write_text("sweep_id\tfile\tprotocol\tsite\tdistance_to_gb_nm\telectrode\t"
                                    "tip_radius_nm\ttip_force_nN\tpad_side_um\tcompliance_A\n")
    return dst


def _planned(tree: Path) -> set[str]:
    res = subprocess.run([sys.executable, "-m", "snakemake", "-n", "--cores", "1", "--config", "dataset=mylab"],
                         cwd=tree, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(tree / "workflow")})
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-3000:]
    return set(re.findall(r"^(?:local)?rule (\w+):", res.stdout + res.stderr, flags=re.M))


def test_rule_runs_only_where_a_claim_truth_exists(tmp_path):
    tree = _mini_project(tmp_path)
    assert "validation" not in _planned(tree)  # a lab's own data: absent, not failing
    truth = tree / "data/truth/mylab"
    truth.mkdir(parents=True)
    (truth / "claims_truth.json").write_text(json.dumps({"claims": {}}))
    planned = _planned(tree)
    assert {"validation", "scorecard"} <= planned


def test_summary_without_any_true_value(tmp_path):
    empty = tmp_path / "truth"
    empty.mkdir()
    table = write_validation(PAPER, _claims(tmp_path), empty, TOLERANCES, tmp_path / "v.csv")
    assert validation_summary(table).startswith("no true values to compare with")
    csv = pd.read_csv(tmp_path / "v.csv", keep_default_na=False)
    assert validation_summary(csv).startswith("no true values")
