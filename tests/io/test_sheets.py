"""Sample-sheet validation: file, row and column named; paths may not leave the dataset."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from llzo.io.errors import RawDataError, SheetError, UnsafePathError
from llzo.io.sheets import read_sheet

HEADER = "\t".join(["sweep_id", "file", "protocol", "site", "distance_to_gb_nm", "electrode", "tip_radius_nm",
                    "tip_force_nN", "pad_side_um", "compliance_A"]) + "\n"


def _row(i: int, site: str = "GB", file: str | None = None) -> str:
    return f"s{i}\t{file or f's{i}.csv'}\ttrigger\t{site}\t0\ttip\t20\t400\t\t0.001\n"


def _dataset(tmp_path: Path, rows: list[str]) -> Path:
    d = tmp_path / "ds"
    d.mkdir()
    for i in range(1, 6):
        (d / f"s{i}.csv").write_text("time_s,bias_V,current_A\n0,0,0\n")
    (d / "sweeps.tsv").write_text(HEADER + "".join(rows))
    return d


def test_valid_sheet_reads(tmp_path):
    d = _dataset(tmp_path, [_row(1), _row(2, "GI")])
    df = read_sheet(d, "sweeps")
    assert list(df["sweep_id"]) == ["s1", "s2"]
    assert df["site"].tolist() == ["GB", "GI"]


def test_bad_site_names_file_row_and_column(tmp_path):
    d = _dataset(tmp_path, [_row(1), _row(2), _row(3, "XX")])
    with pytest.raises(SheetError) as exc:
        read_sheet(d, "sweeps")
    e = exc.value
    assert e.row == 3 and e.column == "site" and e.file.endswith("sweeps.tsv")
    assert "row 3" in str(e) and "'site'" in str(e) and "XX" in str(e)


@pytest.mark.parametrize("bad", ["../../etc/passwd", "/etc/passwd", "../outside.csv"])
def test_path_leaving_dataset_is_refused(tmp_path, bad):
    (tmp_path / "outside.csv").write_text("time_s,bias_V,current_A\n0,0,0\n")
    d = _dataset(tmp_path, [_row(1), _row(2, file=bad)])
    with pytest.raises(UnsafePathError) as exc:
        read_sheet(d, "sweeps")
    assert exc.value.row == 2 and exc.value.column == "file"


def test_symlink_leaving_dataset_is_refused(tmp_path):
    (tmp_path / "secret.csv").write_text("time_s,bias_V,current_A\n0,0,0\n")
    d = _dataset(tmp_path, [_row(1, file="link.csv")])
    os.symlink(tmp_path / "secret.csv", d / "link.csv")
    with pytest.raises(UnsafePathError):
        read_sheet(d, "sweeps")


def test_missing_file_named(tmp_path):
    d = _dataset(tmp_path, [_row(1, file="nosuch.csv")])
    with pytest.raises(RawDataError, match=r"nosuch\.csv"):
        read_sheet(d, "sweeps")


def test_duplicate_ids(tmp_path):
    d = _dataset(tmp_path, [_row(1), _row(1)])
    with pytest.raises(SheetError, match=r"duplicate sweep_id") as exc:
        read_sheet(d, "sweeps")
    assert exc.value.row == 2


def test_missing_required_column_in_header(tmp_path):
    d = tmp_path / "ds"
    d.mkdir()
    (d / "sweeps.tsv").write_text("sweep_id\tfile\n s1\tx.csv\n")
    with pytest.raises(SheetError) as exc:
        read_sheet(d, "sweeps")
    assert exc.value.line == 1 and exc.value.column == "protocol"


def test_tip_row_requires_radius(tmp_path):
    d = _dataset(tmp_path, ["s1\ts1.csv\ttrigger\tGB\t0\ttip\t\t400\t\t0.001\n"])
    with pytest.raises(SheetError) as exc:
        read_sheet(d, "sweeps")
    assert exc.value.row == 1 and exc.value.column == "tip_radius_nm"


def test_text_in_number_column(tmp_path):
    d = _dataset(tmp_path, ["s1\ts1.csv\ttrigger\tGB\tnear\ttip\t20\t400\t\t0.001\n"])
    with pytest.raises(SheetError) as exc:
        read_sheet(d, "sweeps")
    assert exc.value.column == "distance_to_gb_nm"


def test_not_utf8(tmp_path):
    d = _dataset(tmp_path, [_row(1)])
    bad_row = "s1\ts1.csv\ttrigger\tGB\t0\ttip\t20\t400\t\t0.001 µ\n".encode("utf-16")
    (d / "sweeps.tsv").write_bytes(HEADER.encode() + bad_row)
    with pytest.raises(SheetError, match="UTF-8"):
        read_sheet(d, "sweeps")


def test_empty_sheet(tmp_path):
    d = tmp_path / "ds"
    d.mkdir()
    (d / "sweeps.tsv").write_text("")
    with pytest.raises(SheetError, match="empty"):
        read_sheet(d, "sweeps")
