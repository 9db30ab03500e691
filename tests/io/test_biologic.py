"""EC-Lab reader: real fixtures (known values from SOURCES.md), .mpr/.mpt parity, fast == galvani,
LF/CRLF, decimal comma, and bad files."""

from __future__ import annotations

import numpy as np
import pytest

from llzo.io.biologic import read_eclab, read_mpr, read_mpt
from llzo.io.errors import RawDataError

MPT = ["peis.mpt", "gcpl.issue_149.mpt", "gcpl.issue_226.CxN.mpt", "mb.issue_95.mpt", "exampleDataBioLogic.mpt"]
PAIRS = ["peis", "gcpl.issue_149", "gcpl.issue_226.CxN", "mb.issue_95"]


@pytest.mark.parametrize("name", MPT)
def test_fast_equals_galvani(real_fixtures, name):
    p = real_fixtures / "biologic" / name
    fast, ref = read_mpt(p), read_mpt(p, engine="galvani")
    assert list(fast.data.columns) == list(ref.data.columns)
    for c in fast.data.columns:
        a, b = fast.data[c].to_numpy(), ref.data[c].to_numpy()
        assert a.dtype == b.dtype, c
        np.testing.assert_array_equal(a, b, err_msg=c)


def test_known_values(real_fixtures):
    d = real_fixtures / "biologic"
    peis = read_mpt(d / "peis.mpt")
    assert peis.ec_lab_version == "11.33" and peis.data.shape == (32, 30)
    assert peis.data["freq/Hz"].iloc[0] == pytest.approx(199998.14)
    assert peis.data["Re(Z)/Ohm"].iloc[0] == pytest.approx(10.512296)
    assert peis.data["-Im(Z)/Ohm"].iloc[0] == pytest.approx(0.7304766)
    g = read_mpt(d / "gcpl.issue_149.mpt")  # de_DE: decimal comma
    assert g.ec_lab_version == "11.50" and len(g.data) == 132
    assert g.data["Ewe/V"].iloc[0] == pytest.approx(3.4228721)
    ex = read_mpt(d / "exampleDataBioLogic.mpt").data
    assert len(ex) == 43 and ex["freq/Hz"].iloc[-1] == pytest.approx(0.01689554)
    assert ex["Re(Z)/Ohm"].iloc[-1] == pytest.approx(110.97003)
    mpr = read_mpr(d / "jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr").data
    assert len(mpr) == 46102 and mpr["time/s"].max() == pytest.approx(456310, rel=1e-4)
    mb = read_mpr(d / "mb.issue_95.mpr").data
    assert mb["I/mA"].iloc[-1] == pytest.approx(-64.98028)
    assert len(read_mpr(d / "00_test_02_MB_C01.mpr").data) == 11


@pytest.mark.parametrize("stem", PAIRS)
def test_mpr_mpt_parity(real_fixtures, stem):
    d = real_fixtures / "biologic"
    a, b = read_eclab(d / f"{stem}.mpr").data, read_eclab(d / f"{stem}.mpt").data
    assert len(a) == len(b)
    common = [c for c in a.columns if c in b.columns and a[c].dtype.kind == "f"]
    assert "time/s" in common
    for c in common:
        np.testing.assert_allclose(a[c], b[c], rtol=1e-5, atol=1e-8, equal_nan=True, err_msg=c)


def test_lf_and_crlf(real_fixtures, tmp_path):
    src = (real_fixtures / "biologic" / "gcpl.issue_226.CxN.mpt").read_bytes()
    crlf = tmp_path / "crlf.mpt"
    crlf.write_bytes(src.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    a, b = read_mpt(real_fixtures / "biologic" / "gcpl.issue_226.CxN.mpt").data, read_mpt(crlf).data
    assert a.equals(b)


def _bad(tmp_path, real_fixtures, fn):
    src = (real_fixtures / "biologic" / "peis.mpt").read_bytes()
    p = tmp_path / "bad.mpt"
    p.write_bytes(fn(src))
    return p


def test_wrong_header_count(tmp_path, real_fixtures):
    for n in (b"68", b"72"):
        p = _bad(tmp_path, real_fixtures, lambda s, n=n: s.replace(b"Nb header lines : 70", b"Nb header lines : " + n))
        with pytest.raises(RawDataError, match=r"bad\.mpt"):
            read_mpt(p)


def test_truncated(tmp_path, real_fixtures):
    p = _bad(tmp_path, real_fixtures, lambda s: s[: len(s) - 200])
    with pytest.raises(RawDataError, match=r"bad\.mpt.*line"):
        read_mpt(p)
    p = _bad(tmp_path, real_fixtures, lambda s: s[:1500])
    with pytest.raises(RawDataError, match="truncated"):
        read_mpt(p)


def test_unknown_mpr_column(tmp_path, real_fixtures):
    raw = bytearray((real_fixtures / "biologic" / "peis.mpr").read_bytes())
    i = raw.find(b"VMP data  ")
    import io

    from galvani.BioLogic import read_VMP_modules
    f = io.BytesIO(bytes(raw))
    f.seek(len(b"BIO-LOGIC MODULAR FILE\x1a".ljust(48) + b"\x00\x00\x00\x00"))
    mod = next(m for m in read_VMP_modules(f, read_module_data=False) if m["shortname"] == b"VMP data  ")
    off = mod["offset"] + 5 + 2  # second column id (u2, data module v3)
    raw[off: off + 2] = (250).to_bytes(2, "little")
    assert i >= 0
    p = tmp_path / "new.mpr"
    p.write_bytes(bytes(raw))
    with pytest.raises(RawDataError, match=r"new\.mpr.*EC-Lab < 11\.50.*column id 250.*\.mpt"):
        read_mpr(p)
