"""Ingest of echem.tsv: every bad run is listed at once (file, line or column, reason), the good runs
are written, nothing of a bad run reaches the interim tables; an unusable sheet stops everything."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from llzo.io.errors import RawDataError
from llzo.pipeline.ingest_echem import ingest

HEADER = "run_id\tfile\ttechnique\tcell\tinterlayer\tstate\tarea_cm2\ttemperature_C\tcathode\tactive_mass_mg\n"


def _dataset(tmp_path: Path, real_fixtures: Path, *others: tuple[str, str, str], area: str = "0.785") -> Path:
    """The real ``peis.mpt`` as run ``ok`` plus ``others = (run_id, file, technique)``."""
    d = tmp_path / "raw"
    (d / "echem").mkdir(parents=True)
    shutil.copy(real_fixtures / "biologic" / "peis.mpt", d / "echem" / "ok.mpt")
    rows = "".join(f"{run}\t{file}\t{tech}\tc_{run}\tAu\tpristine\t{area}\t25\t\t\n" for run, file, tech in others)
    (d / "echem.tsv").write_text(HEADER + "ok\techem/ok.mpt\tPEIS\tc1\tnone\tpristine\t0.785\t25\t\t\n" + rows,
                                 encoding="utf-8")
    return d


def _damaged(src: bytes, damage: str) -> bytes:
    return {
        "truncated_row": src[: len(src) - 200],
        "truncated_header": src[:1500],
        "text_in_number": src.replace(b"1.0512296E+001", b"1.05xx96E+001", 1),
        "nb_header_far_off": src.replace(b"Nb header lines : 70", b"Nb header lines : 40"),
    }[damage]


def test_good_dataset_writes_everything(tmp_path, real_fixtures):
    d = _dataset(tmp_path, real_fixtures, ("ok2", "echem/ok2.mpt", "PEIS"))
    shutil.copy(real_fixtures / "biologic" / "peis.mpt", d / "echem" / "ok2.mpt")
    outs = ingest(d, tmp_path / "interim")
    assert all(p.is_file() for p in outs.values())
    assert not list((tmp_path / "interim").glob(".*tmp*"))
    assert pd.read_csv(outs["rejected"], sep="\t").empty


def test_zero_area_stops_the_sheet(tmp_path, real_fixtures):
    d = _dataset(tmp_path, real_fixtures, ("r2", "echem/ok.mpt", "PEIS"), area="0")
    out = tmp_path / "interim"
    with pytest.raises(RawDataError) as exc:
        ingest(d, out)
    e = exc.value
    assert Path(e.file).name == "echem.tsv" and e.row == 2 and e.column == "area_cm2"
    assert not out.exists() or not any(out.iterdir())


def test_unusable_sheet_lists_every_problem(tmp_path, real_fixtures):
    d = _dataset(tmp_path, real_fixtures, ("r2", "echem/ok.mpt", "PEIS"), ("r3", "echem/ok.mpt", "XEIS"),
                 ("r2", "echem/ok.mpt", "PEIS"), area="0")
    with pytest.raises(RawDataError) as exc:
        ingest(d, tmp_path / "interim")
    e = exc.value
    assert (e.row, e.column) == (2, "area_cm2")
    msg = str(e)
    for part in ("row 3, line 4, column 'technique'", "row 3, line 4, column 'area_cm2'",
                 "row 4, line 5, column 'run_id': duplicate run_id 'r2'"):
        assert part in msg, msg


def test_every_bad_run_listed_good_ones_written(tmp_path, real_fixtures, caplog):
    """Four bad runs of four kinds in one dataset: all four in one message and in the list."""
    src = (real_fixtures / "biologic" / "peis.mpt").read_bytes()
    bad = ["truncated_row", "text_in_number", "nb_header_far_off"]
    d = _dataset(tmp_path, real_fixtures, *[(b, f"echem/{b}.mpt", "PEIS") for b in bad],
                 ("gcpl_as_peis", "echem/gcpl.mpt", "PEIS"), ("missing", "echem/nosuch.mpr", "SYM"),
                 ("peis_as_sym", "echem/ok.mpt", "SYM"), ("good_full", "echem/gcpl.mpr", "FULL"))
    for b in bad:
        (d / "echem" / f"{b}.mpt").write_bytes(_damaged(src, b))
    shutil.copy(real_fixtures / "biologic" / "gcpl.issue_226.CxN.mpt", d / "echem" / "gcpl.mpt")
    shutil.copy(real_fixtures / "biologic" / "gcpl.issue_149.mpr", d / "echem" / "gcpl.mpr")
    # FULL rows need cathode and mass
    row = "good_full\techem/gcpl.mpr\tFULL\tc_good_full\tAu\tpristine\t0.785\t25\t"
    text = (d / "echem.tsv").read_text().replace(row + "\t", row + "LFP\t1")
    (d / "echem.tsv").write_text(text)
    with caplog.at_level("WARNING"):
        outs = ingest(d, tmp_path / "interim")
    rej = pd.read_csv(outs["rejected"], sep="\t", dtype=str, keep_default_na=False).set_index("run_id")
    assert sorted(rej.index) == sorted([*bad, "gcpl_as_peis", "missing", "peis_as_sym"])
    assert rej.at["truncated_row", "file"] == "echem/truncated_row.mpt" and rej.at["truncated_row", "line"] != ""
    assert "is not a number" in rej.at["text_in_number", "reason"] and rej.at["text_in_number", "line"] == "71"
    assert "header line count is wrong" in rej.at["nb_header_far_off", "reason"]
    assert rej.at["nb_header_far_off", "line"] == "40"
    assert rej.at["gcpl_as_peis", "column"] == "freq/Hz"
    assert "needs column 'freq/Hz'" in rej.at["gcpl_as_peis", "reason"]
    assert "does not exist" in rej.at["missing", "reason"] and rej.at["missing", "column"] == "file"
    assert "not a current log" in rej.at["peis_as_sym", "reason"] or "SYM run" in rej.at["peis_as_sym", "reason"]
    assert set(rej["technique"]) == {"PEIS", "SYM"}
    meta = pd.read_parquet(outs["meta"])
    assert sorted(meta["run_id"]) == ["good_full", "ok"]
    assert meta.set_index("run_id").at["good_full", "current_source"] == "set point + dQ/dt"
    assert set(pd.read_parquet(outs["eis"])["run_id"]) == {"ok"}
    assert set(pd.read_parquet(outs["cycling"])["run_id"]) == {"good_full"}
    msg = "\n".join(r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    assert "6 of the files named in echem.tsv rejected" in msg
    for run in rej.index:
        assert f"  {run}: " in msg
