"""Ingest of maps.tsv (llzo.pipeline.ingest_maps): the optional channel column, errors naming the channels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from llzo.interim import load_maps, load_maps_meta
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
    outs = ingest(_dataset(tmp_path, cell), tmp_path / "interim")
    rej = pd.read_csv(outs["rejected"], sep="\t", dtype=str, keep_default_na=False)
    msg = rej["reason"].iat[0]
    assert rej["file"].iat[0].endswith("m1.gwy") and "no channel titled 'DMT Modulus'" in msg
    assert "found: ['Height', 'Stiffness Modulus']" in msg and "'channel' column" in msg
    assert pd.read_parquet(outs["meta"]).empty


def test_channel_not_in_file(tmp_path):
    outs = ingest(_dataset(tmp_path, "Modulus2"), tmp_path / "interim")
    reason = pd.read_csv(outs["rejected"], sep="\t", dtype=str)["reason"].iat[0]
    assert "the sheet's channel 'Modulus2' is not in the file (found: " in reason
