"""Ingest of echem.tsv: bad inputs stop with a message naming the file, and nothing partial is written.

Each dataset holds a good PEIS run first and the bad case second, so the ingest has already read
something when it stops: the interim folder must still be empty afterwards.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from llzo.io.errors import RawDataError
from llzo.pipeline.ingest_echem import ingest

HEADER = "run_id\tfile\ttechnique\tcell\tinterlayer\tstate\tarea_cm2\ttemperature_C\tcathode\tactive_mass_mg\n"


def _dataset(tmp_path: Path, real_fixtures: Path, second: tuple[str, str, str], area: str = "0.785") -> Path:
    """A dataset with the real ``peis.mpt`` as run ``ok`` and ``second = (run_id, file, technique)``."""
    d = tmp_path / "raw"
    (d / "echem").mkdir(parents=True)
    shutil.copy(real_fixtures / "biologic" / "peis.mpt", d / "echem" / "ok.mpt")
    run, file, tech = second
    (d / "echem.tsv").write_text(
        HEADER
        + "ok\techem/ok.mpt\tPEIS\tc1\tnone\tpristine\t0.785\t25\t\t\n"
        + f"{run}\t{file}\t{tech}\tc2\tAu\tpristine\t{area}\t25\t\t\n",
        encoding="utf-8",
    )
    return d


def _assert_nothing_written(out: Path) -> None:
    left = sorted(p.name for p in out.rglob("*")) if out.exists() else []
    assert left == [], f"ingest left {left} in {out}"


def test_good_dataset_writes_everything(tmp_path, real_fixtures):
    src = real_fixtures / "biologic" / "peis.mpt"
    d = _dataset(tmp_path, real_fixtures, ("ok2", "echem/ok2.mpt", "PEIS"))
    shutil.copy(src, d / "echem" / "ok2.mpt")
    outs = ingest(d, tmp_path / "interim")
    assert all(p.is_file() for p in outs.values())
    assert not list((tmp_path / "interim").glob(".*tmp*"))


def test_zero_area_names_sheet_row_and_column(tmp_path, real_fixtures):
    d = _dataset(tmp_path, real_fixtures, ("r2", "echem/ok.mpt", "PEIS"), area="0")
    out = tmp_path / "interim"
    with pytest.raises(RawDataError) as exc:
        ingest(d, out)
    e = exc.value
    assert Path(e.file).name == "echem.tsv"
    assert e.row == 2 and e.column == "area_cm2"
    assert "echem.tsv" in str(e) and "row 2" in str(e) and "area_cm2" in str(e)
    _assert_nothing_written(out)


def test_peis_without_freq_names_file(tmp_path, real_fixtures):
    # a galvanostatic file labelled PEIS: no freq/Hz column
    d = _dataset(tmp_path, real_fixtures, ("r2", "echem/gcpl.mpt", "PEIS"))
    shutil.copy(real_fixtures / "biologic" / "gcpl.issue_226.CxN.mpt", d / "echem" / "gcpl.mpt")
    out = tmp_path / "interim"
    with pytest.raises(RawDataError, match=r"gcpl\.mpt.*freq/Hz") as exc:
        ingest(d, out)
    assert exc.value.column == "freq/Hz"
    _assert_nothing_written(out)


@pytest.mark.parametrize("damage", ["truncated_row", "truncated_header", "nb_header_small", "nb_header_large"])
def test_bad_mpt_leaves_nothing(tmp_path, real_fixtures, damage):
    d = _dataset(tmp_path, real_fixtures, ("r2", "echem/bad.mpt", "PEIS"))
    src = (real_fixtures / "biologic" / "peis.mpt").read_bytes()
    bad = {
        "truncated_row": src[: len(src) - 200],
        "truncated_header": src[:1500],
        "nb_header_small": src.replace(b"Nb header lines : 70", b"Nb header lines : 68"),
        "nb_header_large": src.replace(b"Nb header lines : 70", b"Nb header lines : 72"),
    }[damage]
    (d / "echem" / "bad.mpt").write_bytes(bad)
    out = tmp_path / "interim"
    with pytest.raises(RawDataError, match=r"bad\.mpt"):
        ingest(d, out)
    _assert_nothing_written(out)
