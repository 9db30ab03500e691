"""Sweep and map ingests report every bad file at once (one run shows all a lab must fix) and write nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from llzo.io.errors import RawDataError
from llzo.pipeline import ingest_maps, ingest_sweeps

CORPUS = Path(__file__).resolve().parents[1] / "bad_inputs" / "sheets"


def test_every_bad_sweep_is_named(tmp_path):
    ds = tmp_path / "ds"
    shutil.copytree(CORPUS / "sweeps_ingest_bad_csv", ds)
    bad = (ds / "sweeps/s2.csv").read_text()
    (ds / "sweeps/s3.csv").write_text(bad)
    with pytest.raises(RawDataError) as e:
        ingest_sweeps.ingest(ds, tmp_path / "interim")
    msg = str(e.value)
    assert "2 sweep files could not be read" in msg and "sweeps.tsv" in e.value.file
    assert "s2.csv" in msg and "s3.csv" in msg and "s1.csv" not in msg
    assert not (tmp_path / "interim").exists() or not any((tmp_path / "interim").iterdir())


def test_one_bad_sweep_keeps_its_own_error(tmp_path):
    ds = tmp_path / "ds"
    shutil.copytree(CORPUS / "sweeps_ingest_bad_csv", ds)
    with pytest.raises(RawDataError) as e:
        ingest_sweeps.ingest(ds, tmp_path / "interim")
    assert Path(e.value.file).name == "s2.csv" and e.value.line is not None


def test_every_bad_map_is_named(tmp_path):
    ds = tmp_path / "ds"
    shutil.copytree(CORPUS / "maps_missing_channel", ds)
    shutil.copyfile(ds / "maps/m1.gwy", ds / "maps/m2.gwy")
    with open(ds / "maps.tsv", "a", encoding="utf-8") as fh:
        fh.write("m2\tmaps/m2.gwy\tkpfm\tpristine\t\t\n")
    with pytest.raises(RawDataError) as e:
        ingest_maps.ingest(ds, tmp_path / "interim")
    msg = str(e.value)
    assert "2 map files could not be read" in msg and "m1.gwy" in msg and "m2.gwy" in msg
    assert not (tmp_path / "interim" / "maps").exists()
