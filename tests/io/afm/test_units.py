"""Units of AFM channels (llzo.io.afm.units): SI conversion and the common DataArray layout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from llzo.io.afm.units import make_channel, to_si
from llzo.io.errors import RawDataError


@pytest.mark.parametrize(("unit", "factor", "si"), [("nm", 1e-9, "m"), ("µm", 1e-6, "m"), ("~m", 1e-6, "m"),
                                                     ("mV", 1e-3, "V"), ("pA", 1e-12, "A"), ("GPa", 1e9, "Pa"),
                                                     ("nN", 1e-9, "N"), ("°", 1.0, "deg")])
def test_to_si(unit, factor, si):
    assert to_si(unit, Path("f"), "c") == (factor, si)


def test_unknown_unit_refused():
    with pytest.raises(RawDataError, match="cannot be converted to SI") as exc:
        to_si("furlong", Path("f.gwy"), "Height")
    assert exc.value.column == "Height"


def test_layout():
    da = make_channel(np.zeros((2, 3)), 2e-9, 1e-9, "m", "Height", Path("f.gwy"), "gwy", x0_m=1e-9)
    assert da.dims == ("y_m", "x_m")
    np.testing.assert_allclose(da.x_m, [2e-9, 4e-9, 6e-9])
    np.testing.assert_allclose(da.y_m, [0.5e-9, 1.5e-9])
    assert da.attrs == {"units": "m", "title": "Height", "source_file": "f.gwy", "format": "gwy",
                        "pixel_size_x_m": 2e-9, "pixel_size_y_m": 1e-9}
    with pytest.raises(RawDataError, match="not a 2-D image"):
        make_channel(np.zeros(5), 1e-9, 1e-9, "m", "Height", Path("f"), "gwy")
    with pytest.raises(RawDataError, match="invalid pixel size"):
        make_channel(np.zeros((2, 2)), 0.0, 1e-9, "m", "Height", Path("f"), "gwy")
