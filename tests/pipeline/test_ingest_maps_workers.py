"""Maps ingest in worker processes (llzo.pipeline.ingest_maps, ``workers``): same files, same errors."""

from __future__ import annotations

import filecmp

import numpy as np
import pytest

from llzo.io.errors import RawDataError
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
def test_a_bad_map_in_a_worker_is_named_and_nothing_is_written(tmp_path, workers):
    raw = _dataset(tmp_path, broken=3)
    with pytest.raises(RawDataError) as exc:
        ingest(raw, tmp_path / "interim", workers=workers)
    assert exc.value.file.endswith("m3.gwy") and "Gwyddion" in exc.value.message
    assert not (tmp_path / "interim" / "maps").exists() and not (tmp_path / "interim" / "maps_meta.parquet").exists()
