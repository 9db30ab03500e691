"""The echem virtual lab writes EC-Lab .mpt exports that galvani parses; deterministic."""

from __future__ import annotations

import copy
import io

import numpy as np
import pytest
from galvani.BioLogic import MPTfile

from llzo.lab import echem


@pytest.fixture(scope="module")
def small_cfg():
    import yaml

    from tests.conftest import REPO

    c = yaml.safe_load((REPO / "workflow/config/config.yaml").read_text(encoding="utf-8"))["lab"]
    e = copy.deepcopy(c["echem"])
    e.update(cells_per_group=1, sym_duration_h={"none": 3.0, "Au": 25.0, "HL": 30.0}, sym_dt_s=60.0)
    for k in e["full"]:
        e["full"][k]["cycles"] = 5
    return {"echem": e}


def test_galvani_parses_every_file(tmp_path, small_cfg):
    raw, truth = tmp_path / "raw", tmp_path / "truth"
    raw.mkdir(), truth.mkdir()
    rows = echem.write(raw, truth, small_cfg, np.random.default_rng(0))["echem"]
    assert {r["technique"] for r in rows} == {"PEIS", "CCD", "SYM", "FULL"}
    for r in rows:
        b = (raw / r["file"]).read_bytes()
        assert b.startswith(b"EC-Lab ASCII FILE\r\n") and b.count(b"\n") == b.count(b"\r\n")
        arr, comments = MPTfile(io.BytesIO(b), encoding="cp1252")
        assert arr.size > 1
        nb = int(b.split(b"\r\n")[1].split(b":")[1])
        assert len(comments) == nb - 3
    assert (truth / "echem_truth.json").is_file()


def test_deterministic_and_decimal_comma(tmp_path, small_cfg):
    outs = []
    for k in range(2):
        d = tmp_path / str(k)
        (d / "t").mkdir(parents=True)
        echem.write(d, d / "t", small_cfg, np.random.default_rng(5))
        outs.append((d / "echem" / "ccd_HL.mpt").read_bytes())
    assert outs[0] == outs[1]
    cfg = copy.deepcopy(small_cfg)
    cfg["echem"]["decimal_separator"] = ","
    d = tmp_path / "comma"
    (d / "t").mkdir(parents=True)
    echem.write(d, d / "t", cfg, np.random.default_rng(5))
    b = (d / "echem" / "ccd_HL.mpt").read_bytes()
    arr, _ = MPTfile(io.BytesIO(b), encoding="cp1252")
    ref, _ = MPTfile(io.BytesIO(outs[0]), encoding="cp1252")
    np.testing.assert_array_equal(arr["Ewe/V"], ref["Ewe/V"])
