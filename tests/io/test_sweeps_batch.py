"""Many sweep CSVs in one parse (llzo.io.sweeps.read_sweep_table): the values of read_sweep_csv, its errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from llzo.io.errors import RawDataError
from llzo.io.sweeps import read_sweep_csv, read_sweep_table

PLAIN = "# a comment\ntime_s,bias_V,current_A\n0,0,1e-12\n0.05,-0.001,-5.61238e-18\n0.1,-0.002,3e-9\n"
CYCLES = "time_s,bias_V,current_A,cycle\n0,0,1e-12,1\n0.05,-0.1,-2e-6,1\n0.1,0.2,3e-6,2\n"
ODD = {  # read by read_sweep_csv alone (not the plain layout)
    "crlf.csv": PLAIN.replace("\n", "\r\n"),
    "reordered.csv": "bias_V,time_s,current_A\n0,0,1\n-1,1,2\n",
    "bom.csv": "\ufeff" + PLAIN,
    "blank.csv": PLAIN + "\n\n",
    "no_newline.csv": PLAIN.rstrip("\n"),
}


def write(tmp_path, files: dict[str, str]) -> list:
    out = []
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8", newline="")
        out.append(tmp_path / name)
    return out


def test_same_values_as_one_by_one(tmp_path):
    paths = write(tmp_path, {"a.csv": PLAIN, "b.csv": CYCLES, **ODD, "c.csv": PLAIN})
    table, counts = read_sweep_table(paths)
    assert list(table.columns) == ["cycle", "time_s", "bias_V", "current_A"] and table["cycle"].dtype == np.int64
    assert counts.sum() == len(table)
    at = 0
    for p, n in zip(paths, counts, strict=True):
        one = read_sweep_csv(p)
        part = table.iloc[at: at + n]
        at += n
        assert n == len(one)
        for c in one.columns:
            np.testing.assert_array_equal(part[c].to_numpy(), one[c].to_numpy(), err_msg=f"{p.name} {c}")
    # correctly rounded: float() of the text (the C parser's default gives -5.612380000000001e-18)
    assert table["current_A"].iloc[1] == float("-5.61238e-18")


@pytest.mark.parametrize(("bad", "line", "column"), [
    ("time_s,bias_V,current_A\n0,0,1\n1,x,2\n", 3, "bias_V"),
    ("time_s,bias_V,current_A\n0,0,1\n0,1,2\n", 3, "time_s"),
    ("time_s,bias_V,current_A\n0,0,inf\n", 2, "current_A"),
    ("time_s,bias_V,current_A,cycle\n0,0,1,1.5\n", 2, "cycle"),
    ("time_s,bias_V\n0,0\n", 1, "current_A"),
])
def test_first_bad_file_is_named(tmp_path, bad, line, column):
    paths = write(tmp_path, {"ok1.csv": PLAIN, "bad.csv": bad, "ok2.csv": CYCLES, "bad2.csv": bad})
    with pytest.raises(RawDataError) as err:
        read_sweep_table(paths)
    assert Path(err.value.file).name == "bad.csv" and err.value.line == line and err.value.column == column


def test_empty():
    table, counts = read_sweep_table([])
    assert len(table) == 0 and counts.size == 0
