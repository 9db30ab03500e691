"""EIS analysis (llzo.analysis.eis): R_int recovered from spectra the analysis did not generate (the
lab's physics), the interface arc identified by capacitance and DRT, ambiguity instead of silent
errors, Kramers-Kronig verdicts, real instrument files, odd spectra, claims; the own circuit model
and fit against pyimpspec as reference."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import yaml

from llzo.analysis.eis import (
    RELATIVE_NOISE,
    Arc,
    Candidate,
    CircuitFit,
    CircuitModel,
    EISParams,
    analyse_runs,
    analyse_spectrum,
    candidates,
    cell_values,
    classify_arcs,
    eis_claims,
    estimate_noise,
    fit_spectrum,
    fits_table,
    identify_interface,
    kk_test,
    prepare_spectrum,
)
from llzo.lab import impedance as lab
from tests.conftest import REPO

F = lab.frequencies_Hz(1.0e6, 0.1, 10)  # the lab's sweep: 1 MHz .. 0.1 Hz, 10 points per decade
P = EISParams()


def _config_params() -> EISParams:
    cfg = yaml.safe_load((REPO / "workflow/config/config.yaml").read_text(encoding="utf-8"))
    return EISParams.from_config(cfg["analysis"]["eis"])


def _cell(r_int: float, c_int: float, **kw) -> lab.CellEIS:
    d = dict(area_cm2=0.785, thickness_cm=0.1, sigma_bulk_S_cm=5e-4, eps_r_bulk=60.0, r_gb_ohm_cm2=40.0,
             grain_size_um=10.0, gb_thickness_nm=50.0, eps_r_gb=60.0, gb_sigma_log_sd=0.5,
             r_int_ohm_cm2=(1.04 * r_int, 0.96 * r_int), c_int_F_cm2=(c_int, c_int), hn_alpha=0.85, hn_beta=0.9,
             diffusion_r_ohm_cm2=10.0, diffusion_tau_s=50.0, lead_resistance_ohm=0.2, lead_inductance_H=3e-7)
    d.update(kw)
    return lab.CellEIS(**d)


def _measured(cell: lab.CellEIS, seed: int = 0, rel: float = 0.003) -> np.ndarray:
    return lab.add_noise(F, cell.impedance(F), np.random.default_rng(seed), rel_sd=rel, floor_ohm=0.01,
                         hf_rel_sd=0.01)


# --------------------------------------------------------------------------------------------
# parameters
# --------------------------------------------------------------------------------------------
def test_params_from_config_and_defaults():
    p = _config_params()
    assert p.interface_c_min_F_cm2 == 1e-7 and p.information_criterion == "bic"
    assert p == EISParams()  # the dataclass defaults are the configured values
    with pytest.raises(ValueError, match="unknown key"):
        EISParams.from_config({"kk_c": 0.85})
    with pytest.raises(ValueError, match="information_criterion"):
        EISParams(information_criterion="r2")


# --------------------------------------------------------------------------------------------
# the lab's physics, the demo groups
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("r_int,c_int", [(1000.0, 3.0e-7), (300.0, 3.6e-6), (50.0, 3.9e-5), (14.0, 3.1e-5)])
def test_recovers_r_int_of_the_demo_groups(r_int, c_int):
    cell = _cell(r_int, c_int)
    res = analyse_spectrum(F, _measured(cell), cell.area_cm2, P)
    assert res.status == "ok", res.reasons
    assert res.R_int_ohm_cm2 == pytest.approx(cell.r_int_mean_ohm_cm2, rel=0.05)
    assert 0 < res.R_int_se_ohm_cm2 < 0.05 * res.R_int_ohm_cm2
    assert res.kk_valid
    iface = [res.arcs[i] for i in res.interface]
    assert all(a.kind == "interface" for a in iface)
    # the grain-boundary arc is found and is not interfacial
    assert any(a.kind == "arc" and 1e4 < a.f_peak_Hz < 1e6 for a in res.arcs)


def test_validation_grid_subset_meets_the_acceptance():
    """A fast subset of workflow/scripts/validate_eis.py: both acceptance properties hold on it."""
    spec = importlib.util.spec_from_file_location("validate_eis", REPO / "workflow/scripts/validate_eis.py")
    v = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(v)
    df = v.run(_config_params(), small=True)
    assert len(df) == 8
    ok, msg = v.acceptance(df)
    assert ok, msg
    sep = df[df["separated"] & df["c_interfacial"]]
    assert len(sep) >= 3 and (sep["status"] == "ok").all()
    assert (df.loc[df["status"] == "ok", "error_pct"].abs() <= 20).all()


def test_uncertainty_from_the_covariance_matches_the_scatter():
    """Standard errors of R_arc agree with the scatter over noise realisations (own-family spectrum)."""
    cand = Candidate(2, False, False)
    x = np.array([255.0, 50.0, 4e-7, 0.92, 35.7, 4.2e-4, 0.85])
    Z0 = CircuitModel(cand, F, 0.6).impedance(x)
    p = EISParams(max_arcs=2, n_starts=2)
    est, se = [], []
    rng = np.random.default_rng(3)
    for _ in range(25):
        Z = Z0 + 0.003 * np.abs(Z0) * (rng.standard_normal(F.size) + 1j * rng.standard_normal(F.size))
        fit = fit_spectrum(F, Z, p)
        d = dict(zip(fit.names, zip(fit.values, fit.se, strict=True), strict=True))
        k = max((k for k in (1, 2) if f"Zarc{k}_R" in d), key=lambda k: d[f"Zarc{k}_tau"][0])
        est.append(d[f"Zarc{k}_R"][0])
        se.append(d[f"Zarc{k}_R"][1])
    assert np.mean(est) == pytest.approx(35.7, rel=0.01)
    assert np.median(se) == pytest.approx(np.std(est, ddof=1), rel=0.5)


def _own_family_spectrum() -> tuple[Candidate, np.ndarray, np.ndarray]:
    cand = Candidate(2, False, False)
    x = np.array([255.0, 50.0, 4e-7, 0.92, 35.7, 4.2e-4, 0.85])
    return cand, x, CircuitModel(cand, F, 0.6).impedance(x)


@pytest.mark.parametrize(("rel", "hf_rel", "lo", "hi"), [(0.003, 0.0, 0.0, 2.0), (0.001, 0.03, 5.0, np.inf)])
def test_error_structure_from_the_kramers_kronig_residuals(rel, hf_rel, lo, hi):
    """The estimated sd grows towards the top frequency only when the noise does (true ratio 1 and 31)."""
    _, _, Z0 = _own_family_spectrum()
    sd = rel * np.abs(Z0) + hf_rel * np.abs(Z0) * F / F.max()
    rng = np.random.default_rng(1)
    Z = Z0 + sd * (rng.standard_normal(F.size) + 1j * rng.standard_normal(F.size))
    noise = estimate_noise(F, Z, kk_test(F, Z, P))
    assert noise.source == "kk"
    s = noise.sd_ohm(F, Z0) / np.abs(Z0)
    assert lo <= s[0] / s[F.size // 2] <= hi
    assert estimate_noise(F, Z, None) is RELATIVE_NOISE


def test_weighted_fit_is_more_precise_and_calibrated_when_noise_grows_with_frequency():
    """Analyser bandwidth noise (0.1 % + 3 % at 1 MHz): weights from the estimated error structure scatter
    less than relative weights (measured: 3.4x less) and their s.e. of R_arc matches the scatter."""
    _, _, Z0 = _own_family_spectrum()
    p = EISParams(max_arcs=2, n_starts=2)
    sd = 0.001 * np.abs(Z0) + 0.03 * np.abs(Z0) * F / F.max()
    out = {}
    for weighted in (False, True):
        rng = np.random.default_rng(5)
        est, se = [], []
        for _ in range(20):
            Z = Z0 + sd * (rng.standard_normal(F.size) + 1j * rng.standard_normal(F.size))
            fit = fit_spectrum(F, Z, p, noise=estimate_noise(F, Z, kk_test(F, Z, p)) if weighted else None)
            d = dict(zip(fit.names, zip(fit.values, fit.se, strict=True), strict=True))
            k = max((k for k in (1, 2) if f"Zarc{k}_R" in d), key=lambda k: d[f"Zarc{k}_tau"][0])
            est.append(d[f"Zarc{k}_R"][0])
            se.append(d[f"Zarc{k}_R"][1])
        out[weighted] = (np.mean(est), np.std(est, ddof=1), np.median(se))
    mean, scatter, se = out[True]
    assert mean == pytest.approx(35.7, rel=0.01)
    assert se == pytest.approx(scatter, rel=0.5)
    assert scatter < 0.6 * out[False][1]


# --------------------------------------------------------------------------------------------
# identification rules
# --------------------------------------------------------------------------------------------
def _fit(names_values: dict[str, float], rel_rmse: float = 0.003) -> CircuitFit:
    names = tuple(names_values)
    values = tuple(names_values.values())
    se = tuple(0.01 * abs(v) for v in values)
    cov = np.diag(np.square(se))
    return CircuitFit("", names, values, se, rel_rmse, 0.0, {}, cov)


def _zarcs(*arcs: tuple[float, float, float]) -> dict[str, float]:
    d = {"R0": 250.0}
    for k, (R, tau, n) in enumerate(arcs, start=1):
        d |= {f"Zarc{k}_R": R, f"Zarc{k}_tau": tau, f"Zarc{k}_n": n}
    return d


A = 0.785
FR = np.logspace(6, -1, 71)


def test_interface_is_the_interfacial_process_not_the_largest_or_slowest_arc():
    # GB (c ~ 2e-8), interface (c ~ 3e-7), a low-n diffusion element at the lowest frequency
    fit = _fit(_zarcs((50.0, 4e-7, 0.9), (2500.0, 3e-4, 0.85), (40.0, 2.0, 0.45)))
    arcs = classify_arcs(fit, FR, np.array([4e-7, 3e-4]), A, P)
    assert [a.kind for a in arcs] == ["arc", "interface", "diffusion"]
    idx, why = identify_interface(arcs, np.array([4e-7, 3e-4]), fit, A, P)
    assert not why and [arcs[i].tau_s for i in idx] == [3e-4]


def test_split_interface_relaxation_is_one_process():
    # an asymmetric interface arc described by two ZARCs 4x apart: one DRT peak -> one process, R summed
    fit = _fit(_zarcs((50.0, 4e-7, 0.9), (300.0, 7e-5, 0.7), (2200.0, 2.8e-4, 0.85)))
    drt = np.array([4e-7, 2.5e-4])
    arcs = classify_arcs(fit, FR, drt, A, P)
    idx, why = identify_interface(arcs, drt, fit, A, P)
    assert not why and sum(arcs[i].R_ohm for i in idx) == pytest.approx(2500.0)


def test_low_exponent_arc_on_the_high_frequency_flank_belongs_to_the_interface():
    # an asymmetric interface relaxation: main ZARC at 3e-4 s, a flat (n = 0.5) ZARC 4x faster on its
    # flank; a flat element 4x slower than the peak stays a diffusion tail
    fit = _fit(_zarcs((50.0, 4e-7, 0.9), (300.0, 7.5e-5, 0.5), (2200.0, 3e-4, 0.85), (40.0, 1.2e-3, 0.5)))
    drt = np.array([4e-7, 3e-4])
    arcs = classify_arcs(fit, FR, drt, A, P)
    assert [a.kind for a in arcs] == ["arc", "interface", "interface", "diffusion"]
    idx, why = identify_interface(arcs, drt, fit, A, P)
    assert not why and sum(arcs[i].R_ohm for i in idx) == pytest.approx(2500.0)


def test_two_interfacial_processes_close_together_are_ambiguous():
    fit = _fit(_zarcs((50.0, 4e-7, 0.9), (800.0, 7e-5, 0.9), (900.0, 3.5e-4, 0.9)))
    drt = np.array([4e-7, 7e-5, 3.5e-4])  # the DRT resolves both
    arcs = classify_arcs(fit, FR, drt, A, P)
    idx, why = identify_interface(arcs, drt, fit, A, P)
    assert idx and any("indistinguishable" in w for w in why)


def test_no_interfacial_arc_is_ambiguous_and_says_why():
    # a GB-like arc (c ~ 2e-8) that a naive 'slowest arc' rule would report as the interface
    fit = _fit(_zarcs((50.0, 1e-7, 0.9), (60.0, 1e-6, 0.9)))
    drt = np.array([1e-7, 1e-6])
    arcs = classify_arcs(fit, FR, drt, A, P)
    idx, why = identify_interface(arcs, drt, fit, A, P)
    assert idx == () and "no process with interfacial capacitance" in why[0]


def test_unconfirmed_by_drt_and_poor_fit_are_ambiguous():
    fit = _fit(_zarcs((2500.0, 3e-4, 0.85)), rel_rmse=0.2)
    arcs = classify_arcs(fit, FR, np.array([3e-2]), A, P)
    idx, why = identify_interface(arcs, np.array([3e-2]), fit, A, P)
    assert idx and any("no DRT peak" in w for w in why) and any("does not describe" in w for w in why)


def test_undetermined_resistance_is_ambiguous():
    d = _zarcs((2500.0, 3e-4, 0.85))
    fit = _fit(d)
    fit = CircuitFit("", fit.names, fit.values, fit.se, 0.003, 0.0, {}, np.diag(np.square(0.3 * np.array(fit.values))))
    arcs = classify_arcs(fit, FR, np.array([3e-4]), A, P)
    idx, why = identify_interface(arcs, np.array([3e-4]), fit, A, P)
    assert idx and any("not determined" in w for w in why)


def test_arc_dataclass_capacitance():
    a = classify_arcs(_fit(_zarcs((1000.0, 1e-3, 0.9))), FR, np.array([1e-3]), A, P)[0]
    assert isinstance(a, Arc)
    assert a.C_F == pytest.approx(1e-6) and a.c_int_F_cm2 == pytest.approx(2e-6 / A)
    assert a.f_peak_Hz == pytest.approx(1 / (2 * np.pi * 1e-3))


# --------------------------------------------------------------------------------------------
# own circuit model and fit vs pyimpspec
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cand", candidates(3), ids=lambda c: c.cdc())
def test_circuit_model_equals_pyimpspec_and_jacobian(cand):
    from pyimpspec import parse_cdc

    vals = {"R0": 250.0, "L": -2e-6, "tail_Y": 0.05, "tail_n": 0.45}
    for k, (R, tau, n) in enumerate([(50.0, 4e-7, 0.92), (700.0, 3e-4, 0.85), (30.0, 2e-2, 0.7)], start=1):
        vals |= {f"Zarc{k}_R": R, f"Zarc{k}_tau": tau, f"Zarc{k}_n": n}
    x = np.array([vals[n] for n in cand.names])
    model = CircuitModel(cand, F, 0.6)
    ref = parse_cdc(cand.cdc(x)).get_impedances(F)
    np.testing.assert_allclose(model.impedance(x), ref, rtol=1e-9)
    u = model.to_u(x)
    _, J = model.jacobian_u(u)
    for i in range(u.size):
        h = 1e-6 * max(abs(u[i]), 1e-6) if cand.names[i] != "L" else 1e-12
        up, dn = u.copy(), u.copy()
        up[i] += h
        dn[i] -= h
        fd = (model.impedance(model.to_x(up)) - model.impedance(model.to_x(dn))) / (2 * h)
        np.testing.assert_allclose(J[:, i], fd, rtol=1e-4, atol=1e-6 * np.abs(fd).max(), err_msg=cand.names[i])


def test_fit_parity_with_pyimpspec_fit_circuit():
    """On a noise-free spectrum of the family both reach the same parameters (pyimpspec as reference)."""
    from pyimpspec import DataSet, fit_circuit, parse_cdc

    cand = Candidate(2, False, False)
    x = np.array([255.0, 50.0, 4e-7, 0.92, 700.0, 3e-4, 0.85])
    Z = CircuitModel(cand, F, 0.6).impedance(x)
    ours = fit_spectrum(F, Z, EISParams(max_arcs=2))
    assert ours.rel_rmse < 1e-7
    start = parse_cdc("R{R=240}Zarc{R=40,tau=1e-6,n=0.9}Zarc{R=600,tau=1e-3,n=0.9}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = fit_circuit(start, DataSet(F, Z, label="x"), method="leastsq", weight="modulus", num_procs=1)
    ref_R = sorted((p["tau"].value, p["R"].value) for k, p in ref.parameters.items() if k.startswith("Zarc"))
    d = dict(zip(ours.names, ours.values, strict=True))
    our_R = sorted((d[f"Zarc{k}_tau"], d[f"Zarc{k}_R"]) for k in (1, 2))
    for (t1, r1), (t2, r2) in zip(ref_R, our_R, strict=True):
        assert r1 == pytest.approx(r2, rel=1e-3) and t1 == pytest.approx(t2, rel=1e-3)


# --------------------------------------------------------------------------------------------
# Kramers-Kronig
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("distortion", ["none", "real_bump", "drift"])
def test_kk_verdicts(distortion):
    Z = _measured(_cell(300.0, 3.6e-6))
    if distortion == "real_bump":  # a 10 % bump in Re(Z) near 10 Hz with no matching Im(Z)
        Z = Z + 0.10 * np.abs(Z) * np.exp(-0.5 * ((np.log10(F) - 1.0) / 0.3) ** 2)
    elif distortion == "drift":  # non-stationary cell: |Z| grows by 25 % over the sweep
        Z = Z * (1 + 0.25 * np.linspace(0, 1, F.size) ** 3)
    kk = kk_test(F, Z, P)
    if distortion == "none":
        assert kk.valid and kk.noise_pct < 0.6 and 5 <= kk.num_RC <= 40
    else:
        assert not kk.valid and kk.noise_pct > 1.0 and kk.max_residual_pct > 3.0


# --------------------------------------------------------------------------------------------
# odd spectra never crash; real instrument files
# --------------------------------------------------------------------------------------------
def _odd_spectra() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    f = np.logspace(5, -1, 40)
    good = 10 + 100 / (1 + (2j * np.pi * f * 1e-3) ** 0.9)
    nan = good.copy()
    nan[[3, 17]] = np.nan
    return {
        "empty": (np.empty(0), np.empty(0, complex)),
        "3 points": (f[:3], good[:3]),
        "NaNs": (f, nan),
        "all NaN": (f, np.full(f.size, np.nan + 0j)),
        "all inductive": (f, 2j * np.pi * f * 1e-6),
        "constant": (f, np.full(f.size, 50 + 0j)),
        "zeros": (f, np.zeros(f.size, complex)),
        "negative real part": (f, -good),
        "duplicated frequencies": (np.r_[f[:5], f], np.r_[good[:5] * 1.01, good]),
        "negative frequencies": (-f, good),
        "length mismatch": (f, good[:-1]),
    }


@pytest.mark.parametrize("name", list(_odd_spectra()))
def test_odd_spectra_are_reported_not_raised(name):
    f, Z = _odd_spectra()[name]
    res = analyse_spectrum(f, Z, 0.785, P)
    assert res.status in ("ok", "ambiguous", "not_fitted")
    if name in ("empty", "3 points", "all NaN", "negative frequencies", "length mismatch"):
        assert res.status == "not_fitted" and res.reasons
    if name in ("all inductive", "constant", "zeros", "negative real part"):
        assert res.status != "ok" and res.reasons
    if name == "NaNs":
        assert "dropped 2 point(s)" in res.reasons[0]
    if name == "duplicated frequencies":
        assert "averaged 5 duplicated" in res.reasons[0]


def test_zero_area_is_reported():
    res = analyse_spectrum(F, _measured(_cell(50.0, 3.9e-5)), 0.0, P)
    assert res.status == "not_fitted" and "area" in res.reasons[-1]


def test_prepare_spectrum():
    f, Z, notes = prepare_spectrum([1.0, 10.0, 10.0, np.nan, 100.0], [1 + 1j, 2 + 0j, 4 + 0j, 5 + 0j, 3 + 0j])
    np.testing.assert_array_equal(f, [100.0, 10.0, 1.0])
    np.testing.assert_array_equal(Z, [3 + 0j, 3 + 0j, 1 + 1j])
    assert len(notes) == 2


def _real_spectra(real_fixtures) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every real impedance fixture: BioLogic .mpt/.mpr, Gamry .DTA, Autolab (ZView text)."""
    from pyimpspec import parse_data

    from llzo.io.eclab import read_eclab

    out = {}
    for name in ("biologic/peis.mpt", "biologic/exampleDataBioLogic.mpt", "biologic/peis.issue_225.with_ece.mpt",
                 "gamry/exampleDataGamry.DTA"):
        d = parse_data(real_fixtures / name)[0]
        out[name] = (d.get_frequencies(), d.get_impedances())
    m = read_eclab(real_fixtures / "biologic/peis.mpr").data
    out["biologic/peis.mpr"] = (m["freq/Hz"].to_numpy(float),
                                m["Re(Z)/Ohm"].to_numpy(float) - 1j * m["-Im(Z)/Ohm"].to_numpy(float))
    # Autolab export in ZView's 'Z60W' layout (pyimpspec does not read it): Freq, Ampl, Bias, Time, Z', Z''
    a = np.loadtxt(real_fixtures / "autolab/exampleDataAutolab.txt", delimiter=",", skiprows=11, usecols=(0, 4, 5))
    out["autolab/exampleDataAutolab.txt"] = (a[:, 0], a[:, 1] + 1j * a[:, 2])
    return out


#: Kramers-Kronig verdict per real file (noise estimate vs 1 %): only the Autolab spectrum is clean enough.
REAL_KK_VALID = {"biologic/peis.mpt": False, "biologic/peis.mpr": False, "biologic/exampleDataBioLogic.mpt": False,
                 "biologic/peis.issue_225.with_ece.mpt": False, "gamry/exampleDataGamry.DTA": False,
                 "autolab/exampleDataAutolab.txt": True}


def test_real_fixtures_validated_and_fitted(real_fixtures):
    spectra = _real_spectra(real_fixtures)
    assert set(spectra) == set(REAL_KK_VALID)
    a = np.loadtxt(real_fixtures / "autolab/exampleDataAutolab.txt", delimiter=",", skiprows=11, usecols=(0, 4, 5))
    assert a[0, 1] == pytest.approx(0.013785863964281)  # SOURCES.md known value
    for name, (f, Z) in spectra.items():
        res = analyse_spectrum(f, Z, 1.0, P)
        assert res.kk is not None, (name, res.reasons)
        assert res.kk_valid == REAL_KK_VALID[name], (name, res.kk)
        if not res.kk_valid:
            assert any(r.startswith("KK-invalid") for r in res.reasons)
        assert res.fit is not None and np.isfinite(res.fit.rel_rmse), (name, res.reasons)
    # the noise-dominated yadg spectrum: the fit cannot describe it and says so
    res = analyse_spectrum(*spectra["biologic/peis.mpt"], 1.0, P)
    assert res.status != "ok" and any("does not describe" in r for r in res.reasons)


# --------------------------------------------------------------------------------------------
# runs, tables, claims
# --------------------------------------------------------------------------------------------
def _runs(spectra: dict[str, tuple[np.ndarray, np.ndarray]], groups: dict[str, tuple[str, str, str]]):
    meta = pd.DataFrame([{"run_id": r, "technique": "PEIS", "cell": groups[r][0], "interlayer": groups[r][1],
                          "state": groups[r][2], "area_cm2": 0.785} for r in spectra])
    eis = pd.concat([pd.DataFrame({"run_id": r, "freq_Hz": f, "re_Z_ohm": Z.real, "minus_im_Z_ohm": -Z.imag})
                     for r, (f, Z) in spectra.items()], ignore_index=True)
    return meta, eis


def test_runs_tables_and_claims_with_an_odd_cell(monkeypatch):
    c1, c2 = _cell(50.0, 3.9e-5), _cell(60.0, 3.9e-5)
    odd = _odd_spectra()
    spectra = {"a1": (F, _measured(c1, 1)), "a2": (F, _measured(c1, 2)), "b1": (F, _measured(c2, 3)),
               "x1": odd["all inductive"], "y1": odd["3 points"]}
    groups = {"a1": ("A", "HL", "pristine"), "a2": ("A", "HL", "pristine"), "b1": ("B", "HL", "pristine"),
              "x1": ("X", "HL", "pristine"), "y1": ("Y", "none", "pristine")}
    meta, eis = _runs(spectra, groups)
    results = analyse_runs(meta, eis, P)
    table = fits_table(meta, results)
    monkeypatch.setenv("LLZO_WORKERS", "2")  # spectra fitted in 2 worker processes: the same table
    pd.testing.assert_frame_equal(fits_table(meta, analyse_runs(meta, eis, P)), table)
    assert list(table["run_id"]) == ["a1", "a2", "b1", "x1", "y1"]
    assert list(table["status"][:3]) == ["ok"] * 3 and table["status"].iloc[3] != "ok"
    cells = cell_values(table)
    a = cells.set_index("cell").loc["A"]
    assert a["n_spectra"] == 2 and a["R_int_ohm_cm2"] == pytest.approx(table["R_int_ohm_cm2"][:2].mean())
    claims = {c.claim_id: c for c in eis_claims(table, P)}
    hl = claims["r_int_hl_ohm_cm2"]
    assert hl.n == 2 and hl.reproduced == pytest.approx(np.median(cells["R_int_ohm_cm2"][:2]))
    assert "X (" in hl.note  # the odd cell is named, not used
    assert hl.ci_low < hl.reproduced < hl.ci_high
    none = claims["r_int_none_ohm_cm2"]
    assert np.isnan(none.reproduced) and none.n == 0 and "no unambiguous cell" in none.note


def test_fitting_does_not_import_the_plotting_stack():
    code = ("import sys, numpy as np\n"
            "from llzo.analysis.eis import EISParams, analyse_spectrum\n"
            "f = np.logspace(5, -1, 40)\n"
            "analyse_spectrum(f, 10 + 100 / (1 + (2j * np.pi * f * 1e-3) ** 0.9), 1.0, EISParams())\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'impedance')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(REPO / "workflow"), "PATH": ""})
    assert out.stdout.strip() == "[]"
