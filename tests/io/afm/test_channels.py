"""Which channel is what (llzo.io.afm.channels): vendor alias table, the sheet's channel column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from llzo.io.afm import CHANNEL_ALIASES, canonical_channels, map_channels, read_afm
from llzo.io.errors import RawDataError
from llzo.lab.maps import write_gwy

REPO = Path(__file__).resolve().parents[3]
Z = np.arange(12.0).reshape(3, 4) * 1e-9


def _gwy(tmp_path, channels: dict) -> dict:
    path = tmp_path / "m.gwy"
    write_gwy(path, channels, 4e-7, 3e-7)
    return read_afm(path)


@pytest.mark.parametrize(("height", "prop", "kind", "unit"), [
    ("Height Sensor", "DMT Modulus", "modulus", "Pa"),  # Bruker PeakForce QNM (NanoScope 9)
    ("Height", "DMTModulus", "modulus", "Pa"),  # NanoScope image data name
    ("HeightRetrace", "NapPotentialRetrace", "kpfm", "V"),  # Asylum KPFM (nap pass)
    ("HeightTrace", "Potential", "kpfm", "V"),
    ("measuredHeight_trace", "TUNA Current", "current", "A"),
])
def test_vendor_names(tmp_path, height, prop, kind, unit):
    maps = _gwy(tmp_path, {height: (Z, "m"), prop: (np.ones((3, 4)), unit)})
    h, c = map_channels(maps, kind, "m.gwy")
    assert h.name == "Height" and h.attrs["title"] == height
    assert c.attrs["title"] == prop and c.attrs["units"] == unit


def test_first_alias_wins_in_table_order(tmp_path):
    maps = _gwy(tmp_path, {"ZSensorRetrace": (Z + 1e-9, "m"), "HeightRetrace": (Z, "m")})
    assert canonical_channels(maps, "m.gwy")["Height"].attrs["title"] == "HeightRetrace"


def test_sheet_channel_column(tmp_path):
    maps = _gwy(tmp_path, {"Height": (Z, "m"), "Stiffness Modulus": (np.full((3, 4), 1e11), "Pa")})
    with pytest.raises(RawDataError, match="accepted names") as exc:
        map_channels(maps, "modulus", "m.gwy")
    assert "'Stiffness Modulus'" in str(exc.value) and "'channel' column" in str(exc.value)
    _, c = map_channels(maps, "modulus", "m.gwy", channel="Stiffness Modulus")
    assert c.name == "DMT Modulus" and c.attrs["title"] == "Stiffness Modulus"
    with pytest.raises(RawDataError, match=r"channel 'Nope' is not in the file \(found: \['Height', 'Stiffness"):
        map_channels(maps, "modulus", "m.gwy", channel="Nope")


def test_jpk_qi_force_maps_are_not_a_modulus(real_fixtures):
    path = real_fixtures / "jpk/sample_0.jpk-qi-image"
    maps = read_afm(path)
    assert canonical_channels(maps, path)["Height"].attrs["title"] == "height_trace"
    with pytest.raises(RawDataError) as exc:
        map_channels(maps, "modulus", path)
    msg = str(exc.value)
    assert "no channel titled 'DMT Modulus'" in msg and "adhesion_trace" in msg and "slope_trace" in msg
    with pytest.raises(RawDataError, match="is in 'N', expected 'Pa'"):
        map_channels(maps, "modulus", path, channel="adhesion_trace")


def test_alias_table_is_documented():
    doc = (REPO / "docs/data-contract.md").read_text(encoding="utf-8")
    missing = [a for aliases in CHANNEL_ALIASES.values() for a in aliases if f"`{a}`" not in doc]
    assert not missing, f"aliases missing from docs/data-contract.md: {missing}"
