"""The echem virtual lab: EC-Lab .mpt exports galvani parses, protocol structure, the penetration and
full-cell models; deterministic."""

from __future__ import annotations

import copy
import io
import json

import numpy as np
import pytest
from galvani.BioLogic import MPTfile

from llzo.io.eclab import read_eclab
from llzo.lab import echem


@pytest.fixture()
def small_cfg(config):
    e = copy.deepcopy(config["lab"]["echem"])
    e.update(cells_per_group=1)
    e["sym"].update(duration_h={"none": 3.0, "Au": 25.0, "HL": 30.0}, dt_s=60.0)
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


def test_galvanostatic_files_have_a_protocols_structure(tmp_path, small_cfg):
    c = small_cfg["echem"]
    echem._ccd(tmp_path / "c.mpt", c, "Au", np.random.default_rng(1))
    d = read_eclab(tmp_path / "c.mpt").data
    n_ocv = int((d["time/s"] <= c["ccd"]["ocv_s"]).sum())
    assert n_ocv >= 2 and (d["I/mA"].iloc[:n_ocv] == 0).all() and (d["Ns"].iloc[:n_ocv] == 0).all()
    assert set(d["Ns"].unique()) == {0, 1, 2, 3, 4}  # OCV, plating, rest, stripping, rest
    rest = d["Ns"].isin([2, 4])
    assert (d.loc[rest, "I/mA"] == 0).all() and (d.loc[rest, "mode"] == 3).all()
    text = (tmp_path / "c.mpt").read_bytes().decode("cp1252")
    assert "goto Ns'" in text and "nc cycles" in text


def test_ccd_and_sym_of_one_interlayer_follow_one_model(tmp_path, config):
    """The same pellet: a symmetric cell below its CCD lasts, above it shorts quickly."""
    c = copy.deepcopy(config["lab"]["echem"])
    c["penetration"]["critical_j_log_sd"] = 0.0
    ccd = echem._ccd(tmp_path / "c.mpt", c, "HL", np.random.default_rng(0))["ccd_mA_cm2"]
    times = {}
    for j in (0.5 * ccd, 1.5 * ccd):
        c["sym"].update(j_mA_cm2=j, duration_h={"none": 5.0, "Au": 5.0, "HL": 50.0}, dt_s=60.0)
        times[j] = echem._sym(tmp_path / "s.mpt", c, "HL", np.random.default_rng(0))["time_to_short_h"]
    assert times[0.5 * ccd] is None and times[1.5 * ccd] is not None and times[1.5 * ccd] < 5.0
    # the interlayer enters only through the hot-spot density: the CCDs scale with contact / hot-spot factor
    pen = c["penetration"]
    ratio = (pen["hotspot_factor"]["none"] / pen["contact_fraction"]["none"]) / pen["hotspot_factor"]["HL"]
    ccd_none = echem._ccd(tmp_path / "n.mpt", c, "none", np.random.default_rng(0))["ccd_mA_cm2"]
    assert ccd_none <= ccd / ratio * 1.5 + c["ccd"]["step_mA_cm2"]


def test_ccd_depends_on_the_step_duration(tmp_path, config):
    """Damage accumulates in time: longer steps give a lower CCD (never a configured number)."""
    c = copy.deepcopy(config["lab"]["echem"])
    c["penetration"]["critical_j_log_sd"] = 0.0
    c["penetration"]["stress_exponent"] = 5.0
    out = []
    for half in (300.0, 30000.0):
        c["ccd"]["half_step_s"] = half
        out.append(echem._ccd(tmp_path / "c.mpt", c, "HL", np.random.default_rng(0))["ccd_mA_cm2"])
    assert out[1] < out[0]
    assert not [k for k in c if k.startswith("ccd_mA") or k.startswith("sym_short")]


def test_penetration_cell_short_time():
    pen = {"critical_j_mA_cm2": 1.0, "critical_j_log_sd": 0.0, "stress_exponent": 10.0, "reference_time_h": 1.0,
           "hotspot_factor": {"HL": 1.0}, "contact_fraction": {"HL": 1.0}, "filament_feed_fraction": 1e-3,
           "short_resistance_ohm": 5.0}
    cell = echem.PenetrationCell(pen, "HL", 0.1, np.random.default_rng(0))
    assert cell.advance(0.5, 3600.0) is None and cell.damage == pytest.approx(0.5**10)
    cell = echem.PenetrationCell(pen, "HL", 0.1, np.random.default_rng(0))
    t = cell.advance(2.0, 1e6)  # initiation after 3600 / 2^10 s, then growth across 1 mm
    v = 2.0e-3 * echem.LI_MOLAR_VOLUME_CM3_MOL / (echem.FARADAY_C_MOL * 1e-3)
    assert t == pytest.approx(3600.0 / 2**10 + 0.1 / v)


def test_full_cell_degradation(tmp_path, config):
    p = copy.deepcopy(config["lab"]["echem"]["full"]["LFP"])
    p["capacity_noise_rel"] = 0.0
    st = echem.full_cell_model(p, np.random.default_rng(0))
    ce = st["q_discharge_mAh"] / st["q_charge_mAh"]
    assert ce[0] < 0.92 and np.all(ce[1:] < 1) and ce[1:].min() > ce[0]  # first-cycle loss
    q = st["q_discharge_mAh"][:-1]
    assert np.all(np.diff(q) < 0)  # Li-inventory loss and impedance growth fade the capacity
    x = np.linspace(0.05, 0.95, 50)
    assert np.all(np.diff(echem.open_circuit_V(x, 3.4, 0.1)) > 0)


def test_deterministic_and_decimal_comma(tmp_path, small_cfg):
    outs = []
    for k in range(2):
        d = tmp_path / str(k)
        (d / "t").mkdir(parents=True)
        echem.write(d, d / "t", small_cfg, np.random.default_rng(5))
        outs.append(((d / "echem" / "ccd_HL_1.mpt").read_bytes(), (d / "t" / "echem_truth.json").read_bytes()))
    assert outs[0] == outs[1]
    assert json.loads(outs[0][1])["ccd"]["ccd_HL_1"]["ccd_mA_cm2"] > 0
    cfg = copy.deepcopy(small_cfg)
    cfg["echem"]["decimal_separator"] = ","
    d = tmp_path / "comma"
    (d / "t").mkdir(parents=True)
    echem.write(d, d / "t", cfg, np.random.default_rng(5))
    b = (d / "echem" / "ccd_HL_1.mpt").read_bytes()
    arr, _ = MPTfile(io.BytesIO(b), encoding="cp1252")
    ref, _ = MPTfile(io.BytesIO(outs[0][0]), encoding="cp1252")
    np.testing.assert_array_equal(arr["Ewe/V"], ref["Ewe/V"])
