"""Gamry and Autolab impedance exports: pyimpspec's Gamry parser and the own ZView-text reader,
each equal to impedance.py's parser (the parity reference) on the real files."""

from __future__ import annotations

import numpy as np
import pytest

from llzo.io.errors import RawDataError
from llzo.io.impedance_exports import read_impedance_export, read_zview_text

preprocessing = pytest.importorskip("impedance.preprocessing")


@pytest.fixture
def gamry(real_fixtures):
    return real_fixtures / "gamry/exampleDataGamry.DTA"


@pytest.fixture
def autolab(real_fixtures):
    return real_fixtures / "autolab/exampleDataAutolab.txt"


def test_gamry_equals_impedance_py_and_the_known_values(gamry):
    d = read_impedance_export(gamry)
    f, z = preprocessing.readGamry(str(gamry))
    assert len(d) == 72
    assert np.array_equal(d["freq_Hz"], f) and np.array_equal(d["re_Z_ohm"], z.real)
    assert np.array_equal(d["minus_im_Z_ohm"], -z.imag)
    # SOURCES.md: f[0] = 200015.6 Hz, Z[0] = 825.8584 - 1367.239j, Z[-1] = 17007.49 - 6635.557j ohm
    assert d["freq_Hz"].iloc[0] == 200015.6 and d["re_Z_ohm"].iloc[0] == 825.8584
    assert d["minus_im_Z_ohm"].iloc[-1] == 6635.557


@pytest.mark.parametrize("crlf", [False, True])
def test_autolab_equals_impedance_py(autolab, tmp_path, crlf):
    src = autolab
    if crlf:  # the instrument wrote CRLF; git stored LF
        src = tmp_path / "crlf.txt"
        src.write_bytes(autolab.read_bytes().replace(b"\n", b"\r\n"))
    d = read_impedance_export(src)
    f, z = preprocessing.readFile(str(autolab), instrument="autolab")
    assert len(d) == 41
    assert np.array_equal(d["freq_Hz"], f) and np.array_equal(d["re_Z_ohm"], z.real)
    assert np.array_equal(d["minus_im_Z_ohm"], -z.imag)


def test_zview_text_reports_every_bad_row_with_line_and_column(autolab, tmp_path):
    lines = autolab.read_text(encoding="utf-8-sig").splitlines()
    lines[13] = lines[13].replace(lines[13].split(",")[4], "x", 1)
    lines[15] = "1e3,0,0,0,0.01,oops,0,0,0"
    bad = tmp_path / "bad.txt"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RawDataError) as e:
        read_zview_text(bad)
    msg = str(e.value)
    assert "line 14, column 5: 'x'" in msg and "line 16, column 6: 'oops'" in msg and "bad.txt" in msg


def test_zview_text_checks_the_declared_count(autolab, tmp_path):
    short = tmp_path / "short.txt"
    short.write_bytes(b"\n".join(autolab.read_bytes().splitlines()[:-2]) + b"\n")
    with pytest.raises(RawDataError, match="39 points, but line 10 declares 41"):
        read_zview_text(short)


def test_other_text_is_refused(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("time,current\n1,2\n")
    with pytest.raises(RawDataError, match="Z60W"):
        read_impedance_export(p)
