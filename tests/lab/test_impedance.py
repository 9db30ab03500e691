"""The virtual lab's impedance physics (llzo.lab.impedance): limits, time constants, noise, and that
the analysis' circuit family cannot reproduce its spectra exactly (no inverse crime)."""

from __future__ import annotations

import numpy as np
import pytest

from llzo.lab import impedance as lab

F = lab.frequencies_Hz(1.0e6, 0.1, 10)


def _cell(**kw) -> lab.CellEIS:
    d = dict(area_cm2=0.785, thickness_cm=0.1, sigma_bulk_S_cm=5e-4, eps_r_bulk=60.0, r_gb_ohm_cm2=40.0,
             grain_size_um=10.0, gb_thickness_nm=50.0, eps_r_gb=60.0, gb_sigma_log_sd=0.5, r_int_ohm_cm2=(310.0, 290.0),
             c_int_F_cm2=(3.6e-6, 3.6e-6), hn_alpha=0.85, hn_beta=0.9, diffusion_r_ohm_cm2=10.0, diffusion_tau_s=50.0,
             lead_resistance_ohm=0.2, lead_inductance_H=3e-7)
    d.update(kw)
    return lab.CellEIS(**d)


def test_frequency_sweep():
    assert F[0] == 1.0e6 and F[-1] == pytest.approx(0.1) and F.size == 71
    assert np.all(np.diff(F) < 0)


def test_dc_limit_is_the_sum_of_resistances():
    c = _cell()
    A = c.area_cm2
    dc = (c.lead_resistance_ohm + c.thickness_cm / (c.sigma_bulk_S_cm * A) + c.r_gb_ohm_cm2 / A
          + sum(c.r_int_ohm_cm2) / A + 2 * c.diffusion_r_ohm_cm2 / A)
    assert c.impedance(np.array([1e-9]))[0].real == pytest.approx(dc, rel=1e-6)
    assert c.r_int_mean_ohm_cm2 == pytest.approx(300.0)


def test_brick_layer_grain_boundaries():
    c = _cell(gb_sigma_log_sd=0.0)
    Z = c.grain_boundaries(F)
    assert Z[-1].real == pytest.approx(c.r_gb_ohm_cm2 / c.area_cm2, rel=1e-6)
    # one Debye arc: peak at 1 / (2 pi R C) with C = eps0 eps_gb d / (delta L) per area
    tau = c.r_gb_ohm_cm2 * c.gb_capacitance_F_cm2
    assert c.gb_capacitance_F_cm2 == pytest.approx(8.8541878128e-14 * 60 * 1e-3 / (50e-7 * 0.1))
    assert lab.peak_frequency_Hz(F, Z) == pytest.approx(1 / (2 * np.pi * tau), rel=0.03)
    # a spread of conductivities keeps the DC resistance and broadens the arc (lower peak)
    Zs = _cell(gb_sigma_log_sd=0.8).grain_boundaries(F)
    assert Zs[-1].real == pytest.approx(Z[-1].real, rel=1e-6)
    f = np.logspace(2, 9, 701)
    assert (-_cell(gb_sigma_log_sd=0.8).grain_boundaries(f).imag).max() < 0.9 * (-c.grain_boundaries(f).imag).max()


def test_havriliak_negami():
    f = np.logspace(-3, 5, 801)
    Z = lab.havriliak_negami(f, resistance_ohm=100.0, tau_s=1e-2, alpha=0.8, beta=1.0)
    assert lab.peak_frequency_Hz(f, Z) == pytest.approx(1 / (2 * np.pi * 1e-2), rel=0.01)  # symmetric: Cole-Cole
    assert Z[0].real == pytest.approx(100.0, rel=1e-2)
    # beta < 1: the peak moves to higher frequency (Diaz-Calleja, Macromolecules 33, 8924 (2000))
    a, b = 0.8, 0.7
    Zb = lab.havriliak_negami(f, resistance_ohm=100.0, tau_s=1e-2, alpha=a, beta=b)
    fp = (np.sin(a * np.pi / (2 * (b + 1))) / np.sin(a * b * np.pi / (2 * (b + 1)))) ** (1 / a) / (2 * np.pi * 1e-2)
    assert lab.peak_frequency_Hz(f, Zb) == pytest.approx(fp, rel=0.01)


def test_bounded_diffusion_limits():
    Z = lab.bounded_diffusion(np.array([1e-7, 10.0]), resistance_ohm=10.0, tau_s=50.0)
    assert Z[0].real == pytest.approx(10.0, rel=1e-4)
    # high frequency: semi-infinite Warburg, 45 degrees
    assert np.degrees(np.angle(Z[1])) == pytest.approx(-45.0, abs=0.1)


def test_noise_statistics():
    Z0 = np.full(20000, 100.0 + 0j)
    f = np.full(20000, 1.0)
    f[0] = 1.0
    Z = lab.add_noise(f, Z0, np.random.default_rng(1), rel_sd=0.003, floor_ohm=0.01, hf_rel_sd=0.0)
    assert np.std(Z.real - 100) == pytest.approx(0.31, rel=0.03)
    assert np.std(Z.imag) == pytest.approx(0.31, rel=0.03)


def test_analysis_circuits_cannot_reproduce_the_lab_exactly():
    """No inverse crime: the best candidate circuit leaves residuals on a noise-free lab spectrum."""
    from llzo.analysis.eis import EISParams, fit_spectrum

    c = _cell()
    fit = fit_spectrum(F, c.impedance(F), EISParams())
    assert fit is not None
    assert 1e-4 < fit.rel_rmse < 0.02  # systematic misfit of ZARCs to Havriliak-Negami + brick layer
    # contrast: a spectrum of the analysis' own family is fitted to rounding error
    from llzo.analysis.eis import Candidate, CircuitModel

    cand = Candidate(2, True, False)
    own = CircuitModel(cand, F, 0.6).impedance(np.array([250.0, -2e-6, 50.0, 5e-7, 0.9, 760.0, 1e-3, 0.85]))
    assert fit_spectrum(F, own, EISParams()).rel_rmse < 1e-6


def test_echem_writes_peis_repeats_and_truth(tmp_path):
    """lab.echem's PEIS part: eis_repeats files per cell and state, truth per interface, readable .mpt."""
    import copy
    import json

    import yaml

    from llzo.io.eclab import read_eclab
    from llzo.lab import echem
    from tests.conftest import REPO

    cfg = yaml.safe_load((REPO / "workflow/config/config.yaml").read_text(encoding="utf-8"))
    c = copy.deepcopy(cfg["lab"]["echem"])
    c.update(cells_per_group=1, sym_duration_h={"none": 2.0, "Au": 2.0, "HL": 2.0}, sym_dt_s=60.0)
    for k in c["full"]:
        c["full"][k]["cycles"] = 2
    raw, truth = tmp_path / "raw", tmp_path / "truth"
    raw.mkdir(), truth.mkdir()
    rows = echem.write(raw, truth, {"echem": c}, np.random.default_rng(0))["echem"]
    peis = [r for r in rows if r["technique"] == "PEIS"]
    assert len(peis) == 4 * c["eis_repeats"]
    t = json.loads((truth / "echem_truth.json").read_text())["peis"]
    for r in peis:
        tr = t[r["run_id"]]
        assert tr["cell"] == r["cell"] and len(tr["r_int_interfaces_ohm_cm2"]) == 2
        assert tr["r_int_ohm_cm2"] == pytest.approx(np.mean(tr["r_int_interfaces_ohm_cm2"]))
        d = read_eclab(raw / r["file"]).data
        assert len(d) == F.size and d["freq/Hz"].iloc[0] == pytest.approx(1e6)
    # repeats of one cell drift a little, interfaces of one cell differ a little
    a, b = t["peis_none_1_pristine_1"], t["peis_none_1_pristine_2"]
    assert a["r_int_ohm_cm2"] != b["r_int_ohm_cm2"]
    assert b["r_int_ohm_cm2"] == pytest.approx(a["r_int_ohm_cm2"], rel=0.05)
    assert a["r_int_ohm_cm2"] == pytest.approx(1000.0, rel=0.25)
