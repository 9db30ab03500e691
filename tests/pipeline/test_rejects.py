"""The reject list: one message naming every file, the TSV, and the scorecard notes."""

from __future__ import annotations

import pandas as pd

from llzo.io.errors import RawDataError
from llzo.pipeline.rejects import RejectList, explain_missing, read_rejects


def test_list_message_and_tsv(tmp_path):
    ds = tmp_path / "raw"
    (ds / "echem").mkdir(parents=True)
    rl = RejectList("echem", "run_id", ds, ("technique", "interlayer"))
    rl.add(RawDataError("truncated file", ds / "echem/a.mpt", line=19), "a", {"technique": "CCD", "interlayer": "HL"})
    rl.add(RawDataError("needs column 'freq/Hz'", ds / "echem/b.mpr", column="freq/Hz"), "b",
           {"technique": "PEIS", "interlayer": "none"})
    msg = rl.message()
    assert msg.startswith("2 of the files named in echem.tsv rejected")
    assert f"  a: {ds / 'echem/a.mpt'}, line 19: truncated file" in msg
    assert f"  b: {ds / 'echem/b.mpr'}, column 'freq/Hz': needs column" in msg
    p = rl.write(tmp_path / "out/rejected_echem.tsv")
    df = read_rejects([p, tmp_path / "absent.tsv"])
    assert list(df["file"]) == ["echem/a.mpt", "echem/b.mpr"] and list(df["line"]) == ["19", ""]
    assert set(df["sheet"]) == {"echem"}
    empty = RejectList("echem", "run_id", ds).write(tmp_path / "out/empty.tsv")
    assert pd.read_csv(empty, sep="\t").empty


def test_explain_missing_by_panel():
    card = pd.DataFrame({"claim_id": ["ccd_hl_mA_cm2", "r_int_none_ohm_cm2", "sym_hl_hours_stable"],
                         "figure": ["5f", "5e", "5g"], "status": ["missing", "missing", "pass"], "note": ["", "", ""]})
    rej = pd.DataFrame({"file": ["echem/a.mpt"], "reason": ["truncated file"], "technique": ["CCD"]})
    out = explain_missing(card, rej).set_index("claim_id")
    assert out.at["ccd_hl_mA_cm2", "note"] == "input lost: echem/a.mpt rejected at ingest: truncated file"
    assert out.at["r_int_none_ohm_cm2", "note"] == "" and out.at["sym_hl_hours_stable", "note"] == ""
