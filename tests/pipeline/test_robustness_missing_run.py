"""The echem jobs of the robustness study on a dataset that lost a run at ingest (a truncated CCD file).

The claim of the cell whose run is gone stays ``missing`` for every value; the other claims are varied;
no job fails (the corrupt-file end-to-end run depends on it).
"""

from __future__ import annotations

import pandas as pd
import pytest

from llzo.pipeline import ingest_echem
from llzo.pipeline import robustness as rb
from llzo.pipeline.paper_claims import load_paper_claims

from .test_robustness import PAPER, SCHEMA

BAD = "ccd_HL_1"


@pytest.fixture(scope="module")
def lost_run(tmp_path_factory, config):
    from llzo.lab.demo import make_dataset

    d = tmp_path_factory.mktemp("lost")
    raw, interim = d / "raw", d / "interim"
    make_dataset(raw, d / "truth", {"echem": config["lab"]["echem"]}, 11)
    bad = raw / f"echem/{BAD}.mpt"
    data = bad.read_bytes()
    bad.write_bytes(data[: len(data) // 2 - 7])  # a copy interrupted in the middle of a row
    ingest_echem.ingest(raw, interim)
    assert BAD not in set(pd.read_parquet(interim / "echem_meta.parquet")["run_id"])
    return interim


@pytest.mark.parametrize("study", ["ccd", "sym", "full"])
def test_every_echem_job_runs_without_the_lost_run(lost_run, config, study):
    s = rb.STUDIES[study]
    cfg = rb.study_config(s, config)
    paper = load_paper_claims(PAPER)
    inputs = s.load(lost_run, lost_run, frozenset({"echem"}))
    for key in rb.varied(s, config):
        values = rb.plausible(SCHEMA, s.block, key)["values"]
        t = rb.vary_parameter(s, key, values, cfg, inputs, paper)
        assert len(t) and set(t["value"]) == set(values), (study, key)
        if study == "ccd":
            hl = t[t["claim_id"] == "ccd_hl_mA_cm2"]
            assert hl.empty or set(hl["status"]) == {"missing"}, hl
            assert set(t.loc[t["claim_id"] == "ccd_none_mA_cm2", "status"]) <= {"pass", "fail"}
