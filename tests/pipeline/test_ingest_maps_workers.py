"""Maps ingest in worker processes (llzo.pipeline.ingest_maps, ``workers``): same files, same errors."""

from __future__ import annotations

import filecmp

import numpy as np
import pandas as pd
import pytest

from llzo.lab.maps import write_gwy
from llzo.pipeline.ingest_maps import ingest


def _dataset(tmp_path, n: int = 5, broken: int | None = None):
    raw = tmp_path / "raw"
    (raw / "maps").mkdir(parents=True)
    rng = np.random.default_rng(0)
    rows = ["map_id\tfile\tkind\tstage"]
    for i in range(n):
        z = rng.normal(0, 1e-9, (32, 32))
        write_gwy(raw / "maps" / f"m{i}.gwy", {"Height": (z, "m"), "Potential": (z * 1e6, "V")}, 3.2e-7, 3.2e-7)
        rows.append(f"m{i}\tmaps/m{i}.gwy\tkpfm\tpristine")
    if broken is not None:
        (raw / "maps" / f"m{broken}.gwy").write_bytes(b"GWYPnot a gwy file")
    (raw / "maps.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return raw


def test_workers_write_the_same_files(tmp_path):
    raw = _dataset(tmp_path)
    ingest(raw, tmp_path / "one")
    ingest(raw, tmp_path / "two", workers=2)
    names = sorted(p.name for p in (tmp_path / "one" / "maps").iterdir())
    assert len(names) == 5
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "one" / "maps", tmp_path / "two" / "maps", names, shallow=False)
    assert not mismatch and not errors
    for f in ("maps_meta.parquet", "manifest_maps.tsv"):
        assert (tmp_path / "one" / f).read_bytes() == (tmp_path / "two" / f).read_bytes()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_bad_map_in_a_worker_is_rejected_and_the_others_written(tmp_path, workers):
    raw = _dataset(tmp_path, broken=3)
    outs = ingest(raw, tmp_path / "interim", workers=workers)
    rej = pd.read_csv(outs["rejected"], sep="\t", dtype=str, keep_default_na=False)
    assert list(rej["map_id"]) == ["m3"] and rej["file"].iat[0].endswith("m3.gwy")
    assert "Gwyddion" in rej["reason"].iat[0]
    assert sorted(p.name for p in outs["maps"].iterdir()) == ["m0.nc", "m1.nc", "m2.nc", "m4.nc"]
    assert list(pd.read_parquet(outs["meta"])["map_id"]) == ["m0", "m1", "m2", "m4"]
