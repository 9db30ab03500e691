"""End to end: a dataset with one corrupt electrochemistry file still yields every other figure, and
the corrupt file is named with its reason in the run's output, the report and claims.csv."""

from __future__ import annotations

import pandas as pd
import pytest
from e2e.test_pipeline import copy_project, smk

pytestmark = pytest.mark.e2e
DS = "corrupt"
BAD = "ccd_HL_1"  # the lab's CCD run of the first HL cell


@pytest.fixture(scope="module")
def run(tmp_path_factory, config):
    from llzo.lab.demo import make_dataset

    tree = copy_project(tmp_path_factory.mktemp("corrupt") / "llzo-repro")
    make_dataset(tree / "data/raw" / DS, tree / "data/truth" / DS, {"echem": config["lab"]["echem"]}, 11)
    bad = tree / "data/raw" / DS / f"echem/{BAD}.mpt"
    raw = bad.read_bytes()
    bad.write_bytes(raw[: len(raw) // 2 - 7])  # a copy interrupted in the middle of a row
    res = smk(tree, "--cores", "2", "--config", f"dataset={DS}", check=False)
    return tree, res


def test_run_succeeds_and_names_the_file(run):
    _tree, res = run
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-4000:]
    assert "1 of the files named in echem.tsv rejected" in out
    assert f"{BAD}: " in out and f"echem/{BAD}.mpt, line " in out and "truncated file" in out


def test_every_other_figure(run):
    tree, _res = run
    figs = tree / f"results/{DS}/figures"
    for nb, panel in (("fig5de_eis", "5d"), ("fig5de_eis", "5e"), ("fig5f_ccd", "5f"), ("fig5g_sym", "5g"),
                      ("fig5h_full", "5h"), ("fig5h_full", "S12"), ("fig4_fe", "4f")):
        assert (figs / nb / f"fig{panel}.png").is_file(), (nb, panel)
    rej = pd.read_csv(tree / f"data/interim/{DS}/rejected_echem.tsv", sep="\t")
    assert list(rej["run_id"]) == [BAD] and rej["file"].iloc[0] == f"echem/{BAD}.mpt"
    meta = pd.read_parquet(tree / f"data/interim/{DS}/echem_meta.parquet")
    sheet = pd.read_csv(tree / f"data/raw/{DS}/echem.tsv", sep="\t")
    assert BAD not in set(meta["run_id"]) and list(meta["run_id"]) == [r for r in sheet["run_id"] if r != BAD]


def test_claims_and_report_say_why(run):
    tree, _ = run
    card = pd.read_csv(tree / f"results/{DS}/claims.csv", dtype=str, keep_default_na=False).set_index("claim_id")
    row = card.loc["ccd_hl_mA_cm2"]
    assert row["status"] == "missing"
    assert f"echem/{BAD}.mpt rejected at ingest" in row["note"] and "truncated file" in row["note"]
    assert card.loc["ccd_none_mA_cm2", "status"] in ("pass", "fail")  # the other cells still give theirs
    assert card.loc["sym_hl_hours_stable", "status"] in ("pass", "fail")
    html = (tree / f"results/{DS}/report.html").read_text(encoding="utf-8", errors="replace")
    assert f"{BAD}.mpt" in html
    assert f"{BAD}.mpt" in (tree / f"results/{DS}/scorecard.html").read_text(encoding="utf-8")
