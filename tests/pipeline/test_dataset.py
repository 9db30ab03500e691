"""Dataset discovery (llzo.pipeline.dataset): which sheets a dataset has, clear errors otherwise."""

from __future__ import annotations

import pytest

from llzo.pipeline.dataset import DatasetError, dataset_paths, dataset_sheets, raw_inputs


def test_demo_has_every_sheet_before_it_exists(tmp_path):
    assert dataset_sheets("demo", tmp_path / "nothing") == {"sweeps", "maps", "echem"}
    assert raw_inputs("demo", "data/raw/demo") == "data/raw/demo"


def test_user_folder_subset(tmp_path):
    (tmp_path / "maps.tsv").write_text("map_id\n")
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "m1.gwy").write_bytes(b"x")
    assert dataset_sheets("mylab", tmp_path) == {"maps"}
    assert raw_inputs("mylab", tmp_path) == sorted([str(tmp_path / "maps" / "m1.gwy"), str(tmp_path / "maps.tsv")])


def test_missing_folder_says_what_to_do(tmp_path):
    with pytest.raises(DatasetError) as exc:
        dataset_sheets("nosuch", tmp_path / "nosuch")
    msg = str(exc.value)
    assert "folder" in msg and "does not exist" in msg and "sweeps.tsv" in msg and "data/README.md" in msg
    assert "--config dataset=demo" in msg


def test_folder_without_sheets(tmp_path):
    with pytest.raises(DatasetError, match=r"holds none of sweeps\.tsv, maps\.tsv, echem\.tsv"):
        dataset_sheets("empty", tmp_path)


def test_paths():
    assert dataset_paths("x") == {"raw": "data/raw/x", "truth": "data/truth/x", "interim": "data/interim/x",
                                  "results": "results/x"}
