"""EC-Lab readers on every real file: yadg (reader of record) vs the fast .mpt parser vs galvani,
.mpr vs .mpt twins, derived current, known values from SOURCES.md, header quirks, bad files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from llzo.io.eclab import cell_current, cell_voltage, current_range_mA, impedance, read_eclab
from llzo.io.eclab.fast_mpt import read_mpt_fast
from llzo.io.eclab.galvani_ref import read_mpr_galvani, read_mpt_galvani
from llzo.io.eclab.yadg_reader import read_yadg
from llzo.io.errors import RawDataError

MPT = ["peis.mpt", "gcpl.issue_149.mpt", "gcpl.issue_226.CxN.mpt", "mb.issue_95.mpt", "exampleDataBioLogic.mpt",
       "peis.issue_225.with_ece.mpt"]
MPR = ["peis.mpr", "gcpl.issue_149.mpr", "gcpl.issue_226.CxN.mpr", "mb.issue_95.mpr", "mb.issue_223.mpr",
       "00_test_02_MB_C01.mpr", "jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr"]
PAIRS = ["peis", "gcpl.issue_149", "gcpl.issue_226.CxN", "mb.issue_95"]
#: galvani 0.5.0 cannot read these (column id 112 of EC-Lab 11.61; an empty column name)
GALVANI_CANNOT = {"mb.issue_223.mpr", "peis.issue_225.with_ece.mpt"}
#: compared by value only where both readers give numbers (I Range: yadg gives the range name,
#: several codes share one name, so the range in mA is compared instead)
SKIP = {"I Range"}
#: the set point split by mode (see llzo.io.eclab.columns.split_control)
SPLIT = {"control/V": 2, "control/mA": 1}


def _common(a: pd.DataFrame, b: pd.DataFrame) -> list[str]:
    return [c for c in a.columns if c in b.columns and c not in SKIP]


def _equal(a: pd.DataFrame, b: pd.DataFrame, exact: bool = True) -> None:
    cols = _common(a, b)
    assert len(a) == len(b)
    assert "time/s" in cols or "freq/Hz" in cols
    for c in cols:
        x, y = a[c].to_numpy(np.float64), b[c].to_numpy(np.float64)
        if c in SPLIT:  # compared in the rows of their mode (exports with their own control/V and
            # control/mA columns hold 0 elsewhere, and the next step's set point at a step's last row)
            rows = np.isfinite(x) & np.isfinite(y) & (a["mode"].to_numpy() == SPLIT[c])
            x, y = x[rows], y[rows]
        if exact:
            np.testing.assert_array_equal(x, y, err_msg=c)
        else:  # .mpr stores single-precision floats: yadg's own consistency tolerance
            np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-8, equal_nan=True, err_msg=c)


def test_every_real_file_is_read(real_fixtures):
    d = real_fixtures / "biologic"
    assert sorted(p.name for p in d.iterdir()) == sorted(MPT + MPR)
    for name in MPT + MPR:
        f = read_eclab(d / name)
        assert len(f.data) > 0 and f.ec_lab_version.startswith("1"), name


@pytest.mark.parametrize("name", MPT)
def test_fast_equals_yadg(real_fixtures, name):
    p = real_fixtures / "biologic" / name
    fast, ref = read_mpt_fast(p), read_yadg(p)
    assert len(_common(fast.data, ref.data)) >= len(ref.data.columns) - 2  # yadg drops control/V/mA, I Range
    _equal(fast.data, ref.data)
    assert (fast.ec_lab_version, fast.technique, fast.instrument) == (ref.ec_lab_version, ref.technique,
                                                                      ref.instrument)


@pytest.mark.parametrize("name", [n for n in MPT if n not in GALVANI_CANNOT])
def test_fast_equals_galvani(real_fixtures, name):
    p = real_fixtures / "biologic" / name
    fast, ref = read_mpt_fast(p), read_mpt_galvani(p)
    assert list(fast.data.columns) == list(ref.data.columns)
    for c in fast.data.columns:
        a, b = fast.data[c].to_numpy(), ref.data[c].to_numpy()
        assert a.dtype == b.dtype, c
        np.testing.assert_array_equal(a, b, err_msg=c)


@pytest.mark.parametrize("name", [n for n in MPR if n not in GALVANI_CANNOT])
def test_yadg_equals_galvani_mpr(real_fixtures, name):
    p = real_fixtures / "biologic" / name
    _equal(read_yadg(p).data, read_mpr_galvani(p).data)


@pytest.mark.parametrize("name", sorted(GALVANI_CANNOT))
def test_galvani_cannot_but_we_can(real_fixtures, name):
    p = real_fixtures / "biologic" / name
    with pytest.raises(RawDataError):
        read_eclab(p, engine="galvani")
    assert len(read_eclab(p).data) > 0


@pytest.mark.parametrize("stem", PAIRS)
def test_mpr_mpt_parity(real_fixtures, stem):
    d = real_fixtures / "biologic"
    mpr, mpt = read_eclab(d / f"{stem}.mpr"), read_eclab(d / f"{stem}.mpt")
    _equal(mpr.data, mpt.data, exact=False)
    assert mpr.ec_lab_version == mpt.ec_lab_version
    if "I Range" in mpr.data:
        assert current_range_mA(mpr.data["I Range"]) == current_range_mA(mpt.data["I Range"])


def test_resolution_kept(real_fixtures):
    d = real_fixtures / "biologic"
    for name in ["gcpl.issue_149.mpr", "gcpl.issue_149.mpt", "mb.issue_95.mpr"]:
        f = read_eclab(d / name, engine="yadg")
        fsr = current_range_mA(f.data["I Range"])
        col = "I/mA" if "I/mA" in f.data else "control/mA"
        assert f.uncertainty[col] == pytest.approx(0.004e-2 * fsr)  # 0.004 % of the range
    assert read_eclab(d / "gcpl.issue_149.mpr").uncertainty["control/mA"] == pytest.approx(4e-4)  # 10 mA range


#: Set point vs the twin's measured <I>: EC-Lab's current accuracy is 0.1 % of the current range
#: (VMP-3/SP-300 datasheet; 25x the 0.004 % resolution). Measured here: at most 0.08 % (mb.issue_95,
#: 100 mA set, 100.02 mA measured on the 100 mA range), 0.0027 % for gcpl.issue_149.
ACCURACY_OF_RANGE = 0.1e-2


@pytest.mark.parametrize("stem", ["gcpl.issue_149", "gcpl.issue_226.CxN", "mb.issue_95"])
def test_derived_current_matches_twin(real_fixtures, stem):
    d = real_fixtures / "biologic"
    mpr = read_eclab(d / f"{stem}.mpr").data
    twin = read_eclab(d / f"{stem}.mpt").data
    derived, source = cell_current(mpr.drop(columns=["I/mA"], errors="ignore"))
    assert source == "set point + dQ/dt"
    measured = twin["I/mA"].to_numpy()
    fsr = current_range_mA(twin["I Range"])
    # the first row of each step averages <I> over the switching instant: compare the others
    step = (mpr["mode"].to_numpy() != np.roll(mpr["mode"].to_numpy(), 1)) | (
        np.sign(derived) != np.sign(np.roll(derived, 1)))
    step[0] = True
    keep = ~step
    assert keep.sum() >= 0.8 * len(keep)
    err = np.abs(derived[keep] - measured[keep])
    assert err.max() <= ACCURACY_OF_RANGE * fsr, (err.max(), fsr)
    # dQ/dt alone reproduces <I> (EC-Lab's definition) to the binary's single precision
    rate = cell_current(mpr.drop(columns=["I/mA", "mode"], errors="ignore"))[0]
    np.testing.assert_allclose(rate[keep], measured[keep], rtol=2e-4, atol=1e-3 * ACCURACY_OF_RANGE * fsr)


def test_rest_is_zero_and_transition_rows(real_fixtures):
    mpr = read_eclab(real_fixtures / "biologic" / "gcpl.issue_149.mpr").data
    i, _ = cell_current(mpr)
    assert (i[mpr["mode"].to_numpy() == 3] == 0).all()
    assert set(np.round(i[mpr["mode"].to_numpy() == 1], 6)) == {0.03, -0.03}


def test_known_values(real_fixtures):
    d = real_fixtures / "biologic"
    peis = read_eclab(d / "peis.mpt")
    assert peis.ec_lab_version == "11.33" and peis.data.shape[0] == 32
    assert peis.data["freq/Hz"].iloc[0] == pytest.approx(199998.14)
    assert peis.data["Re(Z)/Ohm"].iloc[0] == pytest.approx(10.512296)
    assert peis.data["-Im(Z)/Ohm"].iloc[0] == pytest.approx(0.7304766)
    mpr = read_eclab(d / "peis.mpr").data
    assert mpr["freq/Hz"].iloc[-1] == pytest.approx(1.0000616)
    assert mpr["Re(Z)/Ohm"].iloc[-1] == pytest.approx(18.024315)
    g = read_eclab(d / "gcpl.issue_149.mpt")  # de_DE: decimal comma
    assert g.ec_lab_version == "11.50" and len(g.data) == 132
    assert g.data["Ewe/V"].iloc[0] == pytest.approx(3.4228721)
    g = read_eclab(d / "gcpl.issue_149.mpr").data
    assert g["time/s"].min() == pytest.approx(30.153, abs=1e-3)
    assert g["time/s"].max() == pytest.approx(659.986, abs=1e-3)
    assert (g["Ns"].min(), g["Ns"].max(), g["half cycle"].max()) == (0, 2, 7)
    c = read_eclab(d / "gcpl.issue_226.CxN.mpr").data
    assert c["Ece/V"].iloc[0] == pytest.approx(-0.9419444) and c["Ewe/V"].min() == pytest.approx(-0.209637, abs=1e-6)
    v, src = cell_voltage(c)
    assert src == "Ewe/V - Ece/V" and v[0] == pytest.approx(c["Ewe/V"].iloc[0] - c["Ece/V"].iloc[0])
    ex = read_eclab(d / "exampleDataBioLogic.mpt").data
    assert len(ex) == 43 and ex["freq/Hz"].iloc[-1] == pytest.approx(0.01689554)
    assert ex["Re(Z)/Ohm"].iloc[-1] == pytest.approx(110.97003)
    nav = read_eclab(d / "jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr").data
    assert len(nav) == 46102 and nav["time/s"].max() == pytest.approx(456310, rel=1e-4)
    assert (nav["Ns"].max(), nav["half cycle"].max()) == (3, 13)
    mb = read_eclab(d / "mb.issue_95.mpr").data
    assert mb["I/mA"].iloc[-1] == pytest.approx(-64.98028)
    small = read_eclab(d / "00_test_02_MB_C01.mpr").data
    assert len(small) == 11 and small["Ewe/V"].max() == pytest.approx(-1.65013, abs=1e-5)
    w = read_eclab(d / "peis.issue_225.with_ece.mpt")
    assert w.data["Re(Z)/Ohm"].iloc[0] == pytest.approx(1.2273843)
    assert w.data["-Im(Z)/Ohm"].iloc[0] == pytest.approx(0.11151811)
    assert any("Ewe-Ece/V" in n for n in w.notes)


def test_geis_in_modulo_bat(real_fixtures):
    """mb.issue_223: PEIS and GEIS steps between rests, |Z| and Phase(Z) only."""
    f = read_eclab(real_fixtures / "biologic" / "mb.issue_223.mpr")
    freq, re_z, mim_z, how = impedance(f.data)
    assert how == "|Z|, Phase(Z)" and len(freq) == 4 * 19
    z = f.data[f.data["freq/Hz"] > 0]
    np.testing.assert_allclose(np.hypot(re_z, mim_z), z["|Z|/Ohm"], rtol=1e-12)


def test_lf_and_crlf(real_fixtures, tmp_path):
    src = (real_fixtures / "biologic" / "gcpl.issue_226.CxN.mpt").read_bytes()
    crlf = tmp_path / "crlf.mpt"
    crlf.write_bytes(src.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    a, b = read_eclab(real_fixtures / "biologic" / "gcpl.issue_226.CxN.mpt").data, read_eclab(crlf).data
    assert a.equals(b)


def _bad(tmp_path, real_fixtures, fn, name="bad.mpt"):
    src = (real_fixtures / "biologic" / "peis.mpt").read_bytes()
    p = tmp_path / name
    p.write_bytes(fn(src))
    return p


@pytest.mark.parametrize("n", [68, 72, 65, 75])
def test_header_count_off_is_read_with_a_note(tmp_path, real_fixtures, n):
    good = read_eclab(real_fixtures / "biologic" / "peis.mpt").data
    p = _bad(tmp_path, real_fixtures, lambda s: s.replace(b"Nb header lines : 70", b"Nb header lines : %d" % n))
    f = read_eclab(p)
    assert f.data.equals(good)
    assert f"'Nb header lines : {n}' is off by {70 - n:+d}" in f.notes[0] and "line 70" in f.notes[0]
    np.testing.assert_array_equal(read_eclab(p, engine="galvani").data["Re(Z)/Ohm"], good["Re(Z)/Ohm"])


def test_header_count_far_off_is_refused(tmp_path, real_fixtures):
    p = _bad(tmp_path, real_fixtures, lambda s: s.replace(b"Nb header lines : 70", b"Nb header lines : 40"))
    with pytest.raises(RawDataError, match=r"bad\.mpt, line 40: .*header line count is wrong"):
        read_eclab(p)


def test_truncated(tmp_path, real_fixtures):
    p = _bad(tmp_path, real_fixtures, lambda s: s[: len(s) - 200])
    with pytest.raises(RawDataError, match=r"bad\.mpt.*line"):
        read_eclab(p)
    p = _bad(tmp_path, real_fixtures, lambda s: s[:1500])
    with pytest.raises(RawDataError, match="truncated"):
        read_eclab(p)


def test_unknown_mpr_column(tmp_path, real_fixtures):
    raw = bytearray((real_fixtures / "biologic" / "peis.mpr").read_bytes())
    import io

    from galvani.BioLogic import read_VMP_modules
    f = io.BytesIO(bytes(raw))
    f.seek(len(b"BIO-LOGIC MODULAR FILE\x1a".ljust(48) + b"\x00\x00\x00\x00"))
    mod = next(m for m in read_VMP_modules(f, read_module_data=False) if m["shortname"] == b"VMP data  ")
    off = mod["offset"] + 5 + 2  # second column id (u2, data module v3)
    raw[off: off + 2] = (250).to_bytes(2, "little")
    p = tmp_path / "new.mpr"
    p.write_bytes(bytes(raw))
    f = read_eclab(p)  # yadg reads on and says so
    assert any("250" in n for n in f.notes), f.notes
    with pytest.raises(RawDataError, match=r"new\.mpr.*column id 250"):
        read_eclab(p, engine="galvani")
