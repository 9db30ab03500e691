"""``llzo inspect`` on every real instrument fixture: what it says each file holds and can feed."""

from __future__ import annotations

import pytest
from real_echem import RUNS

from llzo.pipeline.cli import main
from llzo.pipeline.inspect import INSPECTORS, inspect_file, inspect_files

#: fixture -> analyses it can feed (by its own structure, not by what the sheet says)
FEEDS = {
    "biologic/peis.mpr": {"PEIS"},
    "biologic/peis.mpt": {"PEIS"},
    "biologic/peis.issue_225.with_ece.mpt": {"PEIS"},
    "biologic/exampleDataBioLogic.mpt": {"PEIS"},
    "biologic/mb.issue_223.mpr": {"PEIS", "SYM", "FULL"},
    "gamry/exampleDataGamry.DTA": {"PEIS"},
    "autolab/exampleDataAutolab.txt": {"PEIS"},
    "biologic/gcpl.issue_149.mpr": {"CCD", "SYM", "FULL"},
    "biologic/gcpl.issue_149.mpt": {"CCD", "SYM", "FULL"},
    "biologic/jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr": {"CCD", "SYM", "FULL"},
    "biologic/gcpl.issue_226.CxN.mpr": {"CCD", "SYM", "FULL"},
    "biologic/gcpl.issue_226.CxN.mpt": {"CCD", "SYM", "FULL"},
    "biologic/00_test_02_MB_C01.mpr": set(),
    "biologic/mb.issue_95.mpr": {"CCD", "SYM", "FULL"},
    "biologic/mb.issue_95.mpt": {"CCD", "SYM", "FULL"},
}


def test_every_real_echem_fixture_is_listed():
    assert set(FEEDS) == {r[0] for r in RUNS}


@pytest.mark.parametrize("rel", sorted(FEEDS))
def test_inspect_real_file(real_fixtures, rel):
    ins = inspect_file(real_fixtures / rel)
    assert {a for a, (ok, _) in ins.feeds.items() if ok} == FEEDS[rel], ins.text()
    assert set(ins.feeds) == {"PEIS", "CCD", "SYM", "FULL"}
    assert all(why for _ok, why in ins.feeds.values())
    assert ins.rows > 0 and ins.columns and ins.instrument
    text = ins.text()
    assert str(real_fixtures / rel) in text and "rows" in text
    if rel.startswith("biologic/"):
        assert ins.software.startswith("EC-Lab 11.")
        assert ins.time_span_s is not None and ins.time_span_s[1] >= ins.time_span_s[0]


def test_known_details(real_fixtures):
    g = inspect_file(real_fixtures / "biologic/gcpl.issue_149.mpr")
    assert (g.software, g.techniques, g.rows) == ("EC-Lab 11.50", ["GCPL"], 132)
    assert g.sequences == ["Ns 0: rest/OCV, 44 rows", "Ns 1: galvanostatic, 44 rows", "Ns 2: galvanostatic, 44 rows"]
    assert ("Ewe/V", "V") in g.columns and ("Q charge/discharge/mA.h", "mA.h") in g.columns
    assert "set point + dQ/dt" in g.feeds["FULL"][1] and "4 charge-then-discharge" in g.feeds["FULL"][1]
    m = inspect_file(real_fixtures / "biologic/00_test_02_MB_C01.mpr")
    assert "no galvanostatic current step" in m.feeds["SYM"][1]
    w = inspect_file(real_fixtures / "biologic/gcpl.issue_226.CxN.mpr")
    assert any("Ewe - Ece" in n for n in w.notes) and w.instrument == "SN 0858"
    z = inspect_file(real_fixtures / "gamry/exampleDataGamry.DTA")
    assert z.instrument == "Gamry REF3000-34128" and z.software == "Gamry Framework 7.05"
    assert "an impedance export holds no cycling data" in z.feeds["SYM"][1]


def test_registry_and_cli(real_fixtures, tmp_path, capsys):
    assert {".mpr", ".mpt", ".dta", ".txt"} <= set(INSPECTORS)
    bad = tmp_path / "cut.mpr"
    bad.write_bytes((real_fixtures / "biologic/peis.mpr").read_bytes()[:500])
    text, n_bad = inspect_files([real_fixtures / "biologic/peis.mpt", bad, tmp_path / "x.tif"])
    assert n_bad == 2 and "cannot be read" in text and "unknown file kind '.tif'" in text
    assert main(["inspect", str(real_fixtures / "biologic/mb.issue_95.mpr")]) == 0
    out = capsys.readouterr().out
    assert "Modulo" in out or "MB" in out
    assert main(["inspect", str(bad)]) == 2
