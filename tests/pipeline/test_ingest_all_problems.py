"""Sweep and map ingests reject every bad file at once (one run shows all a lab must fix) and ingest the rest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from llzo.pipeline import ingest_maps, ingest_sweeps

CORPUS = Path(__file__).resolve().parents[1] / "bad_inputs" / "sheets"


def _rejected(outs) -> pd.DataFrame:
    return pd.read_csv(outs["rejected"], sep="\t", dtype=str, keep_default_na=False)


def test_every_bad_sweep_is_rejected_and_the_others_ingested(tmp_path):
    ds = tmp_path / "ds"
    shutil.copytree(CORPUS / "sweeps_ingest_bad_csv", ds)
    (ds / "sweeps/s3.csv").write_text((ds / "sweeps/s2.csv").read_text())
    outs = ingest_sweeps.ingest(ds, tmp_path / "interim")
    rej = _rejected(outs)
    assert list(rej["sweep_id"]) == ["s2", "s3"] and set(rej["line"]) == {"4"} and set(rej["column"]) == {"bias_V"}
    assert list(rej["site"]) == ["GB", "GB"]  # the sheet's columns say what the file was meant for
    assert list(pd.read_parquet(outs["meta"])["sweep_id"]) == ["s1"]
    assert set(pd.read_parquet(outs["data"])["sweep_id"]) == {"s1"}
    manifest = pd.read_csv(outs["manifest"], sep="\t")
    assert {"sweeps/s2.csv", "sweeps/s3.csv"} <= set(manifest["path"])  # editing a rejected file reruns the ingest


def test_clean_sweeps_write_an_empty_reject_list(tmp_path):
    ds = tmp_path / "ds"
    shutil.copytree(CORPUS / "sweeps_ingest_bad_csv", ds)
    shutil.copyfile(ds / "sweeps/s1.csv", ds / "sweeps/s2.csv")
    outs = ingest_sweeps.ingest(ds, tmp_path / "interim")
    assert _rejected(outs).empty and list(_rejected(outs).columns)[:5] == ["file", "sweep_id", "line", "column",
                                                                          "reason"]
    assert len(pd.read_parquet(outs["meta"])) == 3


def test_every_bad_map_is_rejected(tmp_path):
    ds = tmp_path / "ds"
    shutil.copytree(CORPUS / "maps_missing_channel", ds)
    shutil.copyfile(ds / "maps/m1.gwy", ds / "maps/m2.gwy")
    shutil.copyfile(ds / "maps/m1.gwy", ds / "maps/m3.gwy")
    with open(ds / "maps.tsv", "a", encoding="utf-8") as fh:
        fh.write("m2\tmaps/m2.gwy\tkpfm\tpristine\t\t\n")
        fh.write("m3\tmaps/m3.gwy\tmodulus\tpristine\t\t\n")  # the file has Height and DMT Modulus: fine
    outs = ingest_maps.ingest(ds, tmp_path / "interim")
    rej = _rejected(outs)
    assert list(rej["map_id"]) == ["m1", "m2"] and set(rej["column"]) == {"Potential"}
    assert list(pd.read_parquet(outs["meta"])["map_id"]) == ["m3"]
    assert sorted(p.name for p in outs["maps"].iterdir()) == ["m3.nc"]
