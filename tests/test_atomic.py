"""Write-then-rename helpers (llzo.atomic): complete files or none, deterministic bytes."""

from __future__ import annotations

import pandas as pd
import pytest

from llzo.atomic import atomic_dir, atomic_path, write_parquet, write_text, write_tsv


def test_failure_leaves_neither_file_nor_temporary(tmp_path):
    target = tmp_path / "sub" / "out.txt"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert not target.exists()
    assert list((tmp_path / "sub").iterdir()) == []


def test_failure_keeps_the_previous_directory(tmp_path):
    target = tmp_path / "maps"
    target.mkdir()
    (target / "old.nc").write_text("old")
    with pytest.raises(RuntimeError), atomic_dir(target) as tmp:
        (tmp / "new.nc").write_text("new")
        raise RuntimeError("killed")
    assert [p.name for p in target.iterdir()] == ["old.nc"]
    assert [p.name for p in tmp_path.iterdir()] == ["maps"]
    with atomic_dir(target) as tmp:
        (tmp / "new.nc").write_text("new")
    assert [p.name for p in target.iterdir()] == ["new.nc"]


def test_writers_are_deterministic(tmp_path):
    df = pd.DataFrame({"a_V": [1.0, 2.5], "b": ["x", "y"]})
    for k in (1, 2):
        write_parquet(df, tmp_path / f"{k}.parquet")
        write_tsv(df, tmp_path / f"{k}.tsv")
    assert (tmp_path / "1.parquet").read_bytes() == (tmp_path / "2.parquet").read_bytes()
    assert (tmp_path / "1.tsv").read_text() == "a_V\tb\n1.0\tx\n2.5\ty\n"
    write_text("é\n", tmp_path / "t.txt")
    assert (tmp_path / "t.txt").read_bytes() == "é\n".encode()
