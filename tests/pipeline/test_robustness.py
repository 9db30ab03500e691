"""The robustness study: the registry, the plausible ranges of the schema, one job, the summary and the column."""

from __future__ import annotations

import ast
import copy
import math
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml

from llzo.claims import Claim
from llzo.pipeline import robustness as rb
from llzo.pipeline.paper_claims import load_paper_claims
from llzo.pipeline.scorecard import build_scorecard, fill_robustness, write_scorecard
from llzo.pipeline.sources import module_file

REPO = Path(__file__).resolve().parents[2]
PAPER = REPO / "workflow/config/paper_claims.yaml"
SCHEMA = rb.load_schema(REPO / "workflow/schemas/config.schema.yaml")
ALL = frozenset({"sweeps", "maps", "echem"})


# --- the registry -------------------------------------------------------------------------------
def test_registry_declares_only_keys_and_claims_that_exist(config):
    paper = yaml.safe_load(PAPER.read_text())
    for s in rb.STUDIES.values():
        assert s.block in s.reads, s.name
        cfg = rb.study_config(s, config)  # every key it reads is in config.yaml
        assert set(s.parameters) <= set(cfg[s.block]), s.name
        assert set(s.claims) <= set(paper), s.name
        for claims in s.parameters.values():
            assert claims and set(claims) <= set(s.claims), s.name
        assert set(s.refit) <= set(s.parameters)
        for m in s.modules:
            assert module_file(m, REPO / "workflow/llzo") is not None, m
        for path, fixed in s.fixed.items():  # fixed keys are keys of the block, never a varied one
            assert path in s.reads and not set(fixed) & set(s.parameters)


def test_every_claim_a_study_computes_is_in_the_scorecard_and_declared_by_a_parameter():
    declared = {c for s in rb.STUDIES.values() for cs in s.parameters.values() for c in cs}
    computed = {c for s in rb.STUDIES.values() for c in s.claims}
    assert computed == declared
    # every claim of the paper rests on some varied analysis parameter
    assert computed == set(yaml.safe_load(PAPER.read_text()))


def test_common_modules_are_the_module_imports_of_robustness_py():
    tree = ast.parse((REPO / "workflow/llzo/pipeline/robustness.py").read_text())
    top = set()
    for node in tree.body:  # module level only: the analyses are imported inside the study functions
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("llzo"):
            top.add(node.module if module_file(node.module, REPO / "workflow/llzo") else None)
            top |= {f"{node.module}.{a.name}" for a in node.names
                    if module_file(f"{node.module}.{a.name}", REPO / "workflow/llzo")}
    top.discard(None)
    assert top - {"llzo"} == set(rb.COMMON_MODULES)


def test_jobs_skip_missing_sheets_and_the_eis_refits_unless_asked(config):
    jobs = rb.jobs(config, ALL)
    assert ("trigger", "trigger_rise_decades") in jobs and ("fe", "homogenized_tolerance_pct") in jobs
    assert ("eis", "max_r_rel_se") in jobs and ("eis", "arc_min_n") not in jobs
    refit = copy.deepcopy(config)
    refit["robustness"] = {"eis_refit": True}
    assert ("eis", "arc_min_n") in rb.jobs(refit, ALL)
    only_fe = rb.jobs(config, frozenset())
    assert {s for s, _ in only_fe} == {"fe"}  # the model needs no raw data
    assert {s for s, _ in rb.jobs(config, {"maps"})} == {"maps", "fe"}
    no_section = {k: v for k, v in config.items() if k != "robustness"}
    assert rb.jobs(no_section, ALL) == jobs


# --- plausible ranges in the config schema -----------------------------------------------------------
def _every_parameter():
    return [(s, k) for s in rb.STUDIES.values() for k in s.parameters]


@pytest.mark.parametrize(("study", "key"), [(s.name, k) for s, k in _every_parameter()])
def test_every_varied_parameter_has_a_documented_plausible_range_with_its_configured_value(config, study, key):
    s = rb.STUDIES[study]
    entry = rb.schema_entry(SCHEMA, s.block, key)
    pl = rb.plausible(SCHEMA, s.block, key)
    values, why = pl["values"], pl["why"]
    assert len(values) >= 2 and len(set(map(str, values))) == len(values), values
    assert isinstance(why, str) and len(why) > 40  # the reason, in words
    configured = rb.block_of(config, s.block)[key]
    assert any(rb._same_value(v, configured) for v in values), (key, configured, values)
    if not isinstance(configured, str):
        assert values == sorted(values), f"{key}: list the plausible values in increasing order"
    own = {k: v for k, v in entry.items() if k not in (rb.PLAUSIBLE, "description")}
    for v in values:  # each value is a valid config value
        jsonschema.validate(v, own)


def test_no_plausible_range_without_a_study():
    found = []

    def walk(node, path):
        if isinstance(node, dict):
            if rb.PLAUSIBLE in node:
                found.append(path)
            for k, v in (node.get("properties") or {}).items():
                walk(v, (*path, k))
    walk(SCHEMA, ())
    varied = {(*s.block.split("."), k) for s, k in _every_parameter()}
    assert set(found) == varied


def test_snakemake_accepts_the_schema_keyword(config):
    from snakemake.utils import validate

    validate(copy.deepcopy(config), str(REPO / "workflow/schemas/config.schema.yaml"))
    bad = copy.deepcopy(config)
    bad["robustness"] = {"eis_refit": "yes"}
    with pytest.raises(Exception, match=r"eis_refit|boolean"):
        validate(bad, str(REPO / "workflow/schemas/config.schema.yaml"))


def test_a_missing_plausible_range_is_named():
    with pytest.raises(KeyError, match=r"analysis\.trigger\.bootstrap_seed"):
        rb.plausible(SCHEMA, "analysis.trigger", "bootstrap_seed")


# --- one job on a small synthetic dataset: the FE read-out of two stored members ----------------------------
def _member(seed: int, excess_pct: list[float], j_A_cm2: np.ndarray, labels: np.ndarray) -> xr.Dataset:
    """A stored ensemble member with the fields the read-out uses (0.5 um cells, a 5 um HL)."""
    d = np.arange(len(excess_pct), dtype=float)
    grains = np.vstack([labels, labels])
    ds = xr.Dataset({"j_li_llzo_bare_A_cm2": ("x_um", j_A_cm2), "grain_bare": (("y", "x_um"), grains),
                     "hl_excess_pct": ("hl_distance_um", np.asarray(excess_pct, float))},
                    coords={"hl_distance_um": d, "x_um": 0.5 * np.arange(j_A_cm2.size)})
    ds.attrs.update(seed=seed, param_cell_m=0.5e-6, param_hl_thickness_m=5e-6)
    return ds


def _synthetic_fe(results: Path) -> list[xr.Dataset]:
    # grains 0..3 along a 20-cell interface, grain 2 touches the Li over 1.5 um only (3 cells)
    labels = np.array([0] * 6 + [1] * 6 + [2] * 3 + [3] * 5)
    j = np.ones(20)
    j[13] = 12.0  # a spike inside the small grain 2: the largest per-grain peak
    j[8] = 2.0
    # the HL profile: 400 % excess at the HL/LLZO interface falling to 30 % at the Li (5 um)
    members = [_member(1, [400, 200, 100, 60, 40, 30], j, labels), _member(2, [400, 200, 100, 60, 40, 30], j, labels)]
    (results / "fe").mkdir(parents=True)
    for m in members:
        m.to_netcdf(results / "fe" / f"member_seed{m.attrs['seed']}.nc", engine="scipy")
    (results / "fe/members.txt").write_text("member_seed1.nc\nmember_seed2.nc\n")
    return members


def _fe_config(**kw) -> dict:
    return {"fe": {"hotspot_window_um": 0.5, "hotspot_min_contact_um": 1.0, "homogenized_tolerance_pct": 50.0, **kw}}


def test_varying_the_homogenization_tolerance_gives_the_claims_range_and_detects_a_fragile_verdict(tmp_path):
    _synthetic_fe(tmp_path)
    out = tmp_path / "fe__homogenized_tolerance_pct.csv"
    table = rb.run_job("fe", "homogenized_tolerance_pct", [25.0, 50.0, 100.0], _fe_config(), tmp_path / "none",
                       tmp_path, [], PAPER, out)
    assert list(table.columns) == rb.JOB_COLUMNS
    assert set(table["claim_id"]) == {"fe_hl_homogenized_um"}  # the only claim it acts on
    got = table.set_index("value")
    # linear interpolation of the profile: within 100 % at 2 um, within 50 % halfway from 3 (60 %) to 4 um (40 %),
    # never within 25 % inside the 5 um HL: only "> 5 um" is known
    assert got.loc[100.0, "reproduced"] == pytest.approx(2.0) and got.loc[100.0, "bound"] is None
    assert got.loc[50.0, "reproduced"] == pytest.approx(3.5) and bool(got.loc[50.0, "configured"])
    assert got.loc[25.0, "reproduced"] == pytest.approx(5.0) and got.loc[25.0, "bound"] == "gt"
    # paper: ~3 +- 2 um: a bound never passes "approx", so the verdict flips at 25 %
    assert list(got["status"]) == ["fail", "pass", "pass"]
    card = fill_robustness(build_scorecard(PAPER, []).assign(status="pass"), table, PAPER)
    assert card.set_index("claim_id").loc["fe_hl_homogenized_um", "robustness"] == "2..5 (fragile)"
    summary = rb.summarize(table, load_paper_claims(PAPER)).iloc[0]
    assert (summary.verdict, summary.flips_at) == ("fragile", "25")
    assert (summary["min"], summary["max"]) == (pytest.approx(2.0), pytest.approx(5.0))
    assert summary.max_rel_change_pct == pytest.approx(100 * 1.5 / 3.5)
    # same inputs, same bytes
    first = out.read_bytes()
    rb.run_job("fe", "homogenized_tolerance_pct", [25.0, 50.0, 100.0], _fe_config(), tmp_path / "none", tmp_path, [],
               PAPER, out)
    assert out.read_bytes() == first


def test_varying_the_minimum_grain_contact_moves_only_the_per_grain_ratio(tmp_path):
    _synthetic_fe(tmp_path)
    table = rb.run_job("fe", "hotspot_min_contact_um", [1.0, 2.0, 3.0], _fe_config(), tmp_path, tmp_path, [], PAPER,
                       tmp_path / "t.csv")
    assert set(table["claim_id"]) == {"fe_hotspot_ratio"}
    r = table.set_index("value")["reproduced"]
    # grains 0..3 (3, 3, 1.5, 2.5 um of contact) peak at 1, 2, 12, 1: largest / median = 12 / 1.5; from 2 um of
    # contact grain 2 drops out (2 / 1), from 3 um grain 3 too (2 / 1.5)
    assert r[1.0] == pytest.approx(12 / 1.5)
    assert r[2.0] == pytest.approx(2.0) and r[3.0] == pytest.approx(2 / 1.5)
    # the paper's "> 10" fails either way: robust (a failing verdict that does not flip)
    assert set(table["status"]) == {"fail"}


def test_the_configured_value_must_be_plausible(tmp_path):
    _synthetic_fe(tmp_path)
    with pytest.raises(ValueError, match=r"configured value 50\.0 is not among"):
        rb.run_job("fe", "homogenized_tolerance_pct", [25.0, 100.0], _fe_config(), tmp_path, tmp_path, [], PAPER,
                   tmp_path / "t.csv")


def test_a_wrong_registry_is_caught():
    """A claim the registry says a parameter does not change must not change."""
    def compute(inputs, cfg):
        k = cfg["analysis.x"]["k"]
        return [Claim("ccd_none_mA_cm2", 0.1 * k), Claim("ccd_au_mA_cm2", 0.2 * k)]

    study = rb.Study("x", "analysis.x", {"analysis.x": ("k",)}, {"k": ("ccd_none_mA_cm2",)}, lambda *a: None,
                     compute, ("ccd_none_mA_cm2", "ccd_au_mA_cm2"))
    paper = load_paper_claims(PAPER)
    with pytest.raises(ValueError, match=r"changed \['ccd_au_mA_cm2'\]"):
        rb.vary_parameter(study, "k", [1, 2], {"analysis.x": {"k": 1}}, None, paper)
    ok = rb.Study("x", "analysis.x", {"analysis.x": ("k",)}, {"k": ("ccd_none_mA_cm2", "ccd_au_mA_cm2")},
                  lambda *a: None, compute, ("ccd_none_mA_cm2", "ccd_au_mA_cm2"))
    t = rb.vary_parameter(ok, "k", [1, 2], {"analysis.x": {"k": 1}}, None, paper)
    assert list(t["reproduced"]) == pytest.approx([0.1, 0.2, 0.2, 0.4])


def test_a_claim_that_cannot_be_computed_is_missing_and_a_flip():
    def compute(inputs, cfg):
        k = cfg["analysis.x"]["k"]
        return [Claim("ccd_au_mA_cm2", float("nan") if k > 2 else 0.18)]

    study = rb.Study("x", "analysis.x", {"analysis.x": ("k",)}, {"k": ("ccd_au_mA_cm2",)}, lambda *a: None,
                     compute, ("ccd_au_mA_cm2",))
    paper = load_paper_claims(PAPER)
    t = rb.vary_parameter(study, "k", [1, 2, 3], {"analysis.x": {"k": 2}}, None, paper)
    assert list(t["status"]) == ["pass", "pass", "missing"] and math.isnan(t["reproduced"].iloc[2])
    s = rb.summarize(t, paper).iloc[0]
    assert (s.verdict, s.n_not_computed, s.max_rel_change_pct, s.flips_at) == ("fragile", 1, math.inf, "3")


def test_context_claims_get_a_range_without_a_verdict():
    def compute(inputs, cfg):
        return [Claim("full_lfp_retention_pct", 80.0 + cfg["analysis.x"]["k"])]

    study = rb.Study("x", "analysis.x", {"analysis.x": ("k",)}, {"k": ("full_lfp_retention_pct",)}, lambda *a: None,
                     compute, ("full_lfp_retention_pct",))
    paper = load_paper_claims(PAPER)
    t = rb.vary_parameter(study, "k", [1, 2, 3], {"analysis.x": {"k": 1}}, None, paper)
    assert set(t["status"]) == {"context"}
    assert rb.summarize(t, paper).iloc[0].verdict == ""
    card = build_scorecard(PAPER, []).assign(status="context")
    assert fill_robustness(card, t, PAPER).set_index("claim_id").loc["full_lfp_retention_pct", "robustness"] == "81..83"


# --- collecting: table, summary, figure, the scorecard column -----------------------------------------------
def test_collect_orders_by_the_registry_and_keeps_the_written_values(tmp_path):
    _synthetic_fe(tmp_path)
    a = tmp_path / "fe__homogenized_tolerance_pct.csv"
    b = tmp_path / "fe__hotspot_window_um.csv"
    rb.run_job("fe", "homogenized_tolerance_pct", [25.0, 50.0, 100.0], _fe_config(), tmp_path, tmp_path, [], PAPER, a)
    rb.run_job("fe", "hotspot_window_um", [0.5, 1.0], _fe_config(), tmp_path, tmp_path, [], PAPER, b)
    t = rb.collect([a, b])
    assert list(t["parameter"].unique()) == ["hotspot_window_um", "homogenized_tolerance_pct"]  # registry order
    assert list(t["value"][t["parameter"] == "homogenized_tolerance_pct"]) == ["25", "50", "100"]


def test_write_robustness_writes_the_table_summary_and_a_figure_with_provenance(tmp_path):
    _synthetic_fe(tmp_path)
    tables = []
    for key, values in (("homogenized_tolerance_pct", [25.0, 50.0, 100.0]), ("hotspot_min_contact_um", [1.0, 2.0])):
        tables.append(tmp_path / f"fe__{key}.csv")
        rb.run_job("fe", key, values, _fe_config(), tmp_path, tmp_path, [], PAPER, tables[-1])
    out = tmp_path / "out"
    summary = rb.write_robustness(tables, PAPER, out / "robustness.csv", out / "summary.csv", out / "fig",
                                  {"raw_sha256": "abc"})
    assert list(summary.columns) == rb.SUMMARY_COLUMNS
    assert set(summary["verdict"]) == {"fragile", "robust"}
    png = (out / "fig/figrobustness.png").read_bytes()
    assert b"raw_sha256" in png and (out / "fig/figrobustness.pdf").is_file()
    table = rb.read_table(out / "robustness.csv")
    assert len(table) == 5 and table["configured"].sum() == 2


def test_the_scorecard_fills_the_column_from_the_table(tmp_path):
    _synthetic_fe(tmp_path)
    t = tmp_path / "fe__homogenized_tolerance_pct.csv"
    rb.run_job("fe", "homogenized_tolerance_pct", [25.0, 50.0, 100.0], _fe_config(), tmp_path, tmp_path, [], PAPER, t)
    rb.write_robustness([t], PAPER, tmp_path / "r.csv", tmp_path / "s.csv", tmp_path / "fig", {})
    claims = tmp_path / "fig4_fe.json"
    claims.write_text('{"notebook": "fig4_fe", "raw_sha256": "", "claims": [{"claim_id": "fe_hl_homogenized_um", '
                      '"reproduced": 3.5, "n": 2}]}')
    card = write_scorecard(PAPER, REPO / "workflow/config/panels.yaml", [claims], tmp_path / "figures", "x",
                           tmp_path / "claims.csv", tmp_path / "s.html", tmp_path / "cov.csv",
                           robustness_csv=tmp_path / "r.csv")
    rows = card.set_index("claim_id")["robustness"]
    assert rows["fe_hl_homogenized_um"] == "2..5 (fragile)"
    assert rows.drop("fe_hl_homogenized_um").eq("").all()
    assert "2..5 (fragile)" in pd.read_csv(tmp_path / "claims.csv")["robustness"].to_list()


def test_without_the_study_the_column_says_not_run(tmp_path):
    claims = tmp_path / "fig4_fe.json"
    claims.write_text('{"notebook": "fig4_fe", "raw_sha256": "", "claims": [{"claim_id": "fe_hl_homogenized_um", '
                      '"reproduced": 3.5, "n": 2}]}')
    card = write_scorecard(PAPER, REPO / "workflow/config/panels.yaml", [claims], tmp_path / "figures", "x",
                           tmp_path / "claims.csv", tmp_path / "s.html", tmp_path / "cov.csv")
    assert card["robustness"].eq("not run").all()
    assert pd.read_csv(tmp_path / "claims.csv")["robustness"].eq("not run").all()


def test_the_study_can_be_switched_off(config):
    assert rb.enabled(config)
    assert rb.enabled({**config, "robustness": {"eis_refit": False}})
    assert not rb.enabled({**config, "robustness": {"run": False}})
    schema = copy.deepcopy(SCHEMA)
    jsonschema.validate({**config, "robustness": {"run": False, "eis_refit": False}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**config, "robustness": {"run": "yes"}}, schema)
