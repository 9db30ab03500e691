"""Readers of AFM maps (llzo.io.afm: gwy, spm, ibw, jpk) on the real instrument fixtures and on bad inputs."""

from __future__ import annotations

import numpy as np
import pytest

from llzo.io.afm import canonical_channels, read_afm, read_mask
from llzo.io.errors import RawDataError

# file, channel, shape (rows, cols), pixel x, pixel y (m), unit, sum in SI (SOURCES.md values x unit)
REAL = [
    ("gwy/file_landscape.gwy", "Left_Top_Right_Bottom", (170, 220), 1e-6 / 220, 1e-6 / 170, "m", None),
    ("ibw/AR_20211011.ibw", "HeightRetrace", (128, 128), 31.25e-9, 31.25e-9, "m", None),
    ("ibw/AR_20211011.ibw", "PhaseRetrace", (128, 128), 31.25e-9, 31.25e-9, "deg", None),
    ("jpk/sample_0.jpk-qi-image", "height_trace", (100, 100), 5e-9, 5e-9, "m", 31593146.16051172e-9),
    ("jpk/sample_0.jpk-qi-image", "slope_trace", (100, 100), 5e-9, 5e-9, "N/m", 626.3810326940231),
    ("jpk/sample_0.jpk-qi-image", "adhesion_trace", (100, 100), 5e-9, 5e-9, "N", 1.579363986493833e-06),
    ("jpk/sample_0.jpk-qi-image", "measuredHeight_trace", (100, 100), 5e-9, 5e-9, "m", 32181137.138706185e-9),
    ("jpk/sample_0.jpk-qi-image", "vDeflection_trace", (100, 100), 5e-9, 5e-9, "N", -1.3615033224242345e-05),
    ("spm/Veeco_20160622.003", "Height", (512, 512), 1769.08e-9 / 512, 1769.08e-9 / 512, "m", None),
    ("spm/old_bruker.002", "Height", (256, 256), 15e-6 / 256, 15e-6 / 256, "m", 24878635.02247991e-9),
]


_CACHE: dict = {}


def _read(path):
    """read_afm once per file (pySPM decodes NanoScope files slowly)."""
    if path not in _CACHE:
        _CACHE[path] = read_afm(path)
    return _CACHE[path]


@pytest.mark.parametrize(("rel", "channel", "shape", "px", "py", "unit", "total"), REAL)
def test_real_fixture(real_fixtures, rel, channel, shape, px, py, unit, total):
    maps = _read(real_fixtures / rel)
    da = maps[channel]
    assert da.shape == shape
    assert da.dims == ("y_m", "x_m")
    assert da.attrs["units"] == unit
    assert da.attrs["pixel_size_x_m"] == pytest.approx(px, rel=1e-9)
    assert da.attrs["pixel_size_y_m"] == pytest.approx(py, rel=1e-9)
    assert float(da.x_m[1] - da.x_m[0]) == pytest.approx(px, rel=1e-9)
    if total is not None:
        assert float(da.sum()) == pytest.approx(total, rel=1e-9)


def test_known_values(real_fixtures):
    """Ranges from SOURCES.md: each channel back in its own unit (AFMReader's 1e9 undone)."""
    ibw = _read(real_fixtures / "ibw/AR_20211011.ibw")
    h = ibw["HeightRetrace"].values
    assert h.min() == pytest.approx(-32.4599e-9, abs=1e-12)
    assert h.max() == pytest.approx(50.7883e-9, abs=1e-12)
    assert np.mean(np.abs(h - h.mean())) == pytest.approx(6.365067e-9, rel=1e-5)  # Ra (nanoscopeAFM)
    ph = ibw["PhaseRetrace"].values
    assert 63.9 < ph.min() < 64.0 and 85.1 < ph.max() < 85.2  # degrees, not 6.98e10
    veeco = _read(real_fixtures / "spm/Veeco_20160622.003")["Height"].values
    assert veeco.min() == pytest.approx(-145.608e-9, abs=1e-11)
    assert veeco.max() == pytest.approx(13.869e-9, abs=1e-11)
    assert set(_read(real_fixtures / "spm/Veeco_20160622.003")) == {"Height", "Amplitude"}
    gwy = read_afm(real_fixtures / "gwy/file_landscape.gwy")["Left_Top_Right_Bottom"].values
    assert gwy.min() == pytest.approx(-2.820e-10, rel=1e-3) and gwy.max() == pytest.approx(1.365e-9, rel=1e-3)


def test_canonical_height(real_fixtures):
    ch = canonical_channels(read_afm(real_fixtures / "ibw/AR_20211011.ibw"), "x")
    assert set(ch) == {"Height"} and ch["Height"].attrs["title"] == "HeightRetrace"


@pytest.mark.parametrize("rel", ["gwy/file_landscape.gwy", "ibw/AR_20211011.ibw", "jpk/sample_0.jpk-qi-image",
                                 "spm/Veeco_20160622.003", "spm/old_bruker.002"])
def test_truncated_names_file(real_fixtures, tmp_path, rel):
    src = (real_fixtures / rel).read_bytes()
    bad = tmp_path / ("cut_" + rel.split("/")[1])
    bad.write_bytes(src[: len(src) // 3])
    with pytest.raises(RawDataError) as exc:
        read_afm(bad)
    assert str(bad) in str(exc.value)


def test_garbage_unknown_missing(tmp_path):
    g = tmp_path / "x.gwy"
    g.write_bytes(b"not a gwyddion file at all")
    with pytest.raises(RawDataError, match=r"x\.gwy"):
        read_afm(g)
    u = tmp_path / "x.tiff"
    u.write_bytes(b"\0" * 10)
    with pytest.raises(RawDataError, match=r"unknown AFM map format"):
        read_afm(u)
    with pytest.raises(RawDataError, match="not found"):
        read_afm(tmp_path / "missing.gwy")


def test_ibw_unknown_channel_refused(real_fixtures):
    with pytest.raises(RawDataError, match="refused"):
        read_afm(real_fixtures / "ibw/AR_20211011.ibw", channels=["UserIn0Retrace"])


def test_gwy_roundtrip_and_units(tmp_path):
    from llzo.lab.maps import write_gwy

    z = np.arange(12.0).reshape(3, 4) * 1e-9
    e = np.full((3, 4), 1.4e11)
    write_gwy(tmp_path / "m.gwy", {"Height": (z, "m"), "DMT Modulus": (e, "Pa")}, 4e-7, 3e-7)
    ch = canonical_channels(read_afm(tmp_path / "m.gwy"), "m.gwy")
    assert ch["Height"].attrs["pixel_size_x_m"] == pytest.approx(1e-7)
    assert ch["DMT Modulus"].attrs["units"] == "Pa"
    np.testing.assert_array_equal(ch["Height"].values, z)
    write_gwy(tmp_path / "bad.gwy", {"Height": (z, "V")}, 4e-7, 3e-7)
    with pytest.raises(RawDataError, match="expected 'm'"):
        canonical_channels(read_afm(tmp_path / "bad.gwy"), tmp_path / "bad.gwy")


def test_masks(tmp_path):
    from PIL import Image

    m = np.zeros((5, 6), bool)
    m[2] = True
    np.save(tmp_path / "m.npy", m)
    Image.fromarray(m.astype(np.uint8) * 255).save(tmp_path / "m.png")
    np.testing.assert_array_equal(read_mask(tmp_path / "m.npy", (5, 6)), m)
    np.testing.assert_array_equal(read_mask(tmp_path / "m.png", (5, 6)), m)
    with pytest.raises(RawDataError, match="shape"):
        read_mask(tmp_path / "m.npy", (6, 6))
    (tmp_path / "m.txt").write_text("x")
    with pytest.raises(RawDataError, match=r"\.npy or \.png"):
        read_mask(tmp_path / "m.txt", (5, 6))
