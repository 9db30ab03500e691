"""Ingest of maps.tsv (llzo.pipeline.ingest_maps): the optional channel column, errors naming the channels."""

from __future__ import annotations

import numpy as np
import pytest

from llzo.interim import load_maps, load_maps_meta
from llzo.io.errors import RawDataError
from llzo.lab.maps import write_gwy
from llzo.pipeline.ingest_maps import ingest


def _dataset(tmp_path, channel_cell: str | None):
    raw = tmp_path / "raw"
    (raw / "maps").mkdir(parents=True)
    z = np.random.default_rng(0).normal(0, 1e-9, (16, 16))
    write_gwy(raw / "maps" / "m1.gwy", {"Height": (z, "m"), "Stiffness Modulus": (np.full((16, 16), 1.4e11), "Pa")},
              1.6e-7, 1.6e-7)
    header = "map_id\tfile\tkind\tstage" + ("\tchannel" if channel_cell is not None else "")
    row = "m1\tmaps/m1.gwy\tmodulus\tpristine" + (f"\t{channel_cell}" if channel_cell is not None else "")
    (raw / "maps.tsv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    return raw


def test_channel_column_names_the_property_channel(tmp_path):
    ingest(_dataset(tmp_path, "Stiffness Modulus"), tmp_path / "interim")
    (ds,) = load_maps(tmp_path / "interim", "modulus")
    assert ds["modulus_Pa"].attrs["title"] == "Stiffness Modulus"
    assert float(ds["modulus_Pa"].mean()) == pytest.approx(1.4e11)
    meta = load_maps_meta(tmp_path / "interim")
    assert meta["channel"].iloc[0] == "Stiffness Modulus" and meta["channel_title"].iloc[0] == "Stiffness Modulus"


@pytest.mark.parametrize("cell", [None, ""])
def test_unknown_channel_name_lists_what_the_file_has(tmp_path, cell):
    with pytest.raises(RawDataError) as exc:
        ingest(_dataset(tmp_path, cell), tmp_path / "interim")
    msg = str(exc.value)
    assert "m1.gwy" in msg and "no channel titled 'DMT Modulus'" in msg
    assert "found: ['Height', 'Stiffness Modulus']" in msg and "'channel' column" in msg
    assert not (tmp_path / "interim").exists() or not any((tmp_path / "interim").iterdir())


def test_channel_not_in_file(tmp_path):
    with pytest.raises(RawDataError, match=r"the sheet's channel 'Modulus2' is not in the file \(found: "):
        ingest(_dataset(tmp_path, "Modulus2"), tmp_path / "interim")
