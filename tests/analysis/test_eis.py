"""EIS: the fit recovers R_int from synthetic spectra (lab physics, other values); the Lin-KK check
passes KK-valid spectra, fails non-causal ones, and agrees with impedance.py where that works."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from llzo.analysis.eis import arcs_jacobian, choose_linkk_M, eval_linkk, fit_symmetric_cell, kk_check
from llzo.lab.echem import cell_impedance

F_HZ = 1e6 * 10 ** (-np.arange(71) / 10)  # 1 MHz .. 0.1 Hz, 10 points per decade (the lab's grid)


def _spectrum(r_int: float, c_int: float, *, A: float = 0.785, r_gb: float = 40.0, noise: float = 0.003,
              seed: int = 3) -> np.ndarray:
    """A symmetric-cell spectrum as the lab writes it (bulk R||C, GB and interface R||CPE, noise)."""
    Z = cell_impedance(F_HZ, R_b=0.1 / (5e-4 * A), C_b=60 * 8.854e-14 * A / 0.1, R_gb=r_gb / A, Q_gb=1e-7 * A,
                       a_gb=0.9, R_i=2 * r_int / A, Q_i=c_int * A / 2, a_i=0.85)
    rng = np.random.default_rng(seed)
    return Z * (1 + noise * (rng.standard_normal(F_HZ.size) + 1j * rng.standard_normal(F_HZ.size)))


@pytest.mark.parametrize("r_int,c_int", [(800.0, 2e-6), (120.0, 3e-5), (20.0, 1e-4)])
def test_recovers_r_int(r_int, c_int):
    A = 0.5
    Z = _spectrum(r_int, c_int, A=A, r_gb=30.0)
    fit = fit_symmetric_cell(F_HZ, Z, A, f_max_Hz=1e5)
    assert fit.R_int_ohm_cm2 == pytest.approx(r_int, rel=0.05)
    assert fit.R_int_sigma_ohm_cm2 > 0


def test_zero_area():
    f = np.logspace(5, -1, 30)
    with pytest.raises(ValueError, match="area"):
        fit_symmetric_cell(f, 1 + 0j * f, 0.0)


# the lab's four groups (config lab.echem) and other values: KK-valid by construction
LAB_CASES = [(1000.0, 1e-6), (300.0, 1e-5), (50.0, 1e-4), (14.0, 1e-4), (800.0, 2e-6), (120.0, 3e-5), (20.0, 1e-4)]


@pytest.mark.parametrize("r_int,c_int", LAB_CASES)
def test_kk_valid_spectra_pass(r_int, c_int):
    kk = kk_check(F_HZ, _spectrum(r_int, c_int), c=0.85, max_residual_pct=2.0)
    assert kk.valid, kk
    assert kk.max_residual_pct < 1.5  # noise is 0.3 % per component
    assert kk.mu < 0.85 and kk.M >= kk.M_first


def test_kk_au_spectrum_needs_reverse_search():
    """The Au case that the forward search (impedance.py linKK) stops at M = 4 with ~40 % residual."""
    kk = kk_check(F_HZ, _spectrum(300.0, 1e-5))
    assert kk.M_first <= 5 and kk.M > 10 and kk.valid


@pytest.mark.parametrize("r_int,c_int", LAB_CASES[:4])
@pytest.mark.parametrize("distortion", ["real_bump", "drift"])
def test_kk_noncausal_spectra_fail(r_int, c_int, distortion):
    Z = _spectrum(r_int, c_int)
    if distortion == "real_bump":
        # a 10 % bump in Re(Z) around 10 Hz with no matching Im(Z): violates the KK relations
        Z = Z + 0.10 * np.abs(Z) * np.exp(-0.5 * ((np.log10(F_HZ) - 1.0) / 0.3) ** 2)
    else:
        # non-stationary cell: |Z| grows by 25 % over the sweep (high to low frequency)
        Z = Z * (1 + 0.25 * np.linspace(0, 1, F_HZ.size) ** 3)
    kk = kk_check(F_HZ, Z, c=0.85, max_residual_pct=2.0)
    assert not kk.valid, kk
    assert kk.max_residual_pct > 3.0


def test_choose_linkk_M():
    mu = np.array([1.0, 1.0, 0.8, 0.95, 0.9, 0.84, 0.5, 0.2])
    assert choose_linkk_M(mu, 0.85) == (6, 3)
    assert choose_linkk_M(np.array([1.0, 0.99, 0.9]), 0.85) == (3, 3)  # never over-fits: the largest M
    assert choose_linkk_M(np.array([0.5, 0.2]), 0.85) == (1, 1)
    assert choose_linkk_M(np.array([1.0, np.nan, 0.3]), 0.85) == (3, 3)


def _impedance_py_numpy1_reprs():
    """impedance.py's own linKK, run with numpy printing scalars as numpy 1 did (where it works)."""
    return np.printoptions(legacy="1.25")


def test_eval_linkk_equals_impedance_py():
    from impedance.validation import eval_linKK, fit_linKK, get_tc_distribution

    Z = _spectrum(300.0, 1e-5)
    for M, add_cap in [(5, True), (22, True), (22, False)]:
        ts = get_tc_distribution(F_HZ, M)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            elements, _ = fit_linKK(F_HZ, ts, M, Z, "complex", add_cap)
        with _impedance_py_numpy1_reprs():
            ref = eval_linKK(elements, ts, F_HZ)
        np.testing.assert_array_equal(eval_linkk(elements, ts, F_HZ), ref)


@pytest.mark.parametrize("r_int,c_int", [(1000.0, 1e-6), (300.0, 1e-5), (50.0, 1e-4)])
def test_forward_choice_equals_impedance_py_linKK(r_int, c_int):
    from impedance.validation import linKK, residuals_linKK

    Z = _spectrum(r_int, c_int)
    kk = kk_check(F_HZ, Z, c=0.85)
    with _impedance_py_numpy1_reprs(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        M, *_ = linKK(F_HZ, Z, c=0.85, max_M=50, fit_type="complex", add_cap=True)
    assert M == kk.M_first
    # at the robust M the residual is what impedance.py's residuals_linKK gives for that M
    from impedance.validation import fit_linKK, get_tc_distribution

    ts = get_tc_distribution(F_HZ, kk.M)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        elements, mu_M = fit_linKK(F_HZ, ts, kk.M, Z, "complex", True)
    with _impedance_py_numpy1_reprs():
        both = residuals_linKK(elements, ts, Z, F_HZ, residuals="both")
    assert kk.mu == pytest.approx(mu_M)
    assert kk.max_residual_pct == pytest.approx(100 * np.max(np.abs(both)), rel=1e-12)


@pytest.mark.filterwarnings("ignore:Simulating circuit")
def test_arcs_jacobian_matches_finite_differences():
    from impedance.models.circuits import CustomCircuit

    circuit = "R0-p(R1,CPE1)-p(R2,CPE2)"
    p = np.array([250.0, 60.0, 8e-8, 0.9, 700.0, 4e-6, 0.85])
    names = CustomCircuit(circuit, initial_guess=list(p)).get_param_names()[0]
    jac = arcs_jacobian(circuit, names)
    f = F_HZ[F_HZ <= 1e5]

    def model(q):
        Zq = CustomCircuit(circuit, initial_guess=list(q)).predict(f, use_initial=True)
        return np.r_[Zq.real, Zq.imag]

    J = jac(f, *p)
    for i in range(p.size):
        h = 1e-6 * p[i]
        up, dn = p.copy(), p.copy()
        up[i] += h
        dn[i] -= h
        np.testing.assert_allclose(J[:, i], (model(up) - model(dn)) / (2 * h), rtol=1e-5,
                                   atol=1e-7 * np.max(np.abs(J[:, i])), err_msg=names[i])
    assert arcs_jacobian("R0-p(R1,C1)", ["R0", "R1", "C1"]) is None
    assert arcs_jacobian("R0-p(R1,CPE1)-W1", ["R0", "R1", "CPE1_0", "CPE1_1", "W1_0"]) is None


@pytest.mark.parametrize("r_int,c_int", [(1000.0, 1e-6), (50.0, 1e-4)])
def test_analytic_jacobian_same_fit(r_int, c_int):
    Z = _spectrum(r_int, c_int)
    a = fit_symmetric_cell(F_HZ, Z, 0.785, f_max_Hz=1e5)
    b = fit_symmetric_cell(F_HZ, Z, 0.785, f_max_Hz=1e5, analytic_jac=False)
    assert a.R_int_ohm_cm2 == pytest.approx(b.R_int_ohm_cm2, rel=1e-3)
    assert a.rel_rmse == pytest.approx(b.rel_rmse, rel=1e-4)
    assert a.R_int_sigma_ohm_cm2 == pytest.approx(b.R_int_sigma_ohm_cm2, rel=0.25)
