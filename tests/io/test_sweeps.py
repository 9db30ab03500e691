"""Reader of sweep CSVs (llzo.io.sweeps) and the sweeps ingest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from llzo.io.errors import RawDataError
from llzo.io.sweeps import read_sweep_csv

GOOD = ("# Keithley 2400 log sweep\n# compliance 0.001 A\ntime_s,bias_V,current_A\n"
        "0,0,1e-13\n0.05,-0.001,2e-13\n0.1,-0.002,-1e-13\n")


def _write(tmp_path, text, name="s.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_reads_a_trigger_sweep(tmp_path):
    df = read_sweep_csv(_write(tmp_path, GOOD))
    assert list(df.columns) == ["time_s", "bias_V", "current_A"]
    assert df.dtypes.unique().tolist() == [np.float64]
    assert df["bias_V"].tolist() == [0, -0.001, -0.002]


def test_reads_a_lab_file(tmp_path, lab_config):
    from llzo.lab import sweeps as lab
    from llzo.lab.demo import domain_rng

    c = lab_config
    c["sweeps"]["plan"].update(tip_distances_nm=[0], tip_sweeps_per_distance=[2], hl_sweeps=0, pad_sides_um=[],
                               pad_sweeps_per_side=0)
    (tmp_path / "t").mkdir()
    rows = lab.write(tmp_path, tmp_path / "t", c, domain_rng(0, "sweeps"))["sweeps"]
    df = read_sweep_csv(tmp_path / rows[0]["file"])
    assert len(df) == 2 * c["sweeps"]["points_per_branch"] + 1
    assert df["bias_V"].min() == pytest.approx(c["sweeps"]["window_V"])


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("# c\ntime_s,bias_V\n0,0\n", 2, "current_A"),  # missing column (header on line 2)
        ("time_s,bias,current_A\n0,0,0\n", 1, "bias_V"),  # misspelt column
        ("# c\ntime_s,bias_V,current_A\n0,0,1e-13\n0.05,abc,2e-13\n", 4, "bias_V"),  # text in a number column
        ("time_s,bias_V,current_A\n0,0,1e-13\n0.05,-0.1,nan\n", 3, "current_A"),  # NaN
        ("time_s,bias_V,current_A\n0,0,1e-13\n0.05,-0.1,2e-13\n0.1,inf,0\n", 4, "bias_V"),  # inf
        ("time_s,bias_V,current_A\n0,0,1e-13\n0.05,-0.1\n", 3, None),  # short row
    ],
)
def test_bad_files_name_file_and_line(tmp_path, text, line, column):
    p = _write(tmp_path, text, "bad_sweep.csv")
    with pytest.raises(RawDataError) as err:
        read_sweep_csv(p)
    e = err.value
    assert e.file == str(p) and "bad_sweep.csv" in str(e)
    assert e.line == line
    if column is not None:
        assert e.column == column


def test_ingest_keeps_trigger_and_memristor_layout(tmp_path, lab_config):
    from llzo.lab import sweeps as lab
    from llzo.lab.demo import SHEET_COLUMNS, domain_rng, write_sheet
    from llzo.pipeline.ingest_sweeps import ingest

    raw, out = tmp_path / "raw", tmp_path / "interim"
    raw.mkdir()
    (tmp_path / "truth").mkdir()
    c = lab_config
    c["sweeps"]["plan"].update(tip_distances_nm=[0, 500], tip_sweeps_per_distance=[2, 2], hl_sweeps=1,
                               pad_sides_um=[50], pad_sweeps_per_side=1)
    c["sweeps"]["points_per_branch"] = 100
    rows = lab.write(raw, tmp_path / "truth", c, domain_rng(0, "sweeps"))["sweeps"]
    # a memristor file (4th column `cycle`) beside the trigger sweeps
    (raw / "sweeps" / "mem.csv").write_text("time_s,bias_V,current_A,cycle\n0,0,0,1\n1,-0.2,-1e-9,1\n2,0,0,2\n")
    rows.append({"sweep_id": "mem_1", "file": "sweeps/mem.csv", "protocol": "memristor", "site": "GB",
                 "distance_to_gb_nm": 0.0, "electrode": "tip", "tip_radius_nm": 20.0, "tip_force_nN": 400.0,
                 "compliance_A": 1e-3})
    write_sheet(rows, SHEET_COLUMNS["sweeps"], raw / "sweeps.tsv")
    outs = ingest(raw, out)
    data = pd.read_parquet(outs["data"])
    meta = pd.read_parquet(outs["meta"])
    assert list(data.columns) == ["sweep_id", "cycle", "time_s", "bias_V", "current_A"]
    assert set(meta.protocol) == {"trigger", "memristor"}
    assert data[data.sweep_id == "mem_1"]["cycle"].tolist() == [1, 1, 2]
    assert (data[data.sweep_id != "mem_1"]["cycle"] == 1).all()
    assert (out / "manifest_sweeps.tsv").is_file()
