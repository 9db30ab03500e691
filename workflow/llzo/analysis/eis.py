"""Impedance of symmetric Li|LLZO|Li cells: Kramers-Kronig check, equivalent circuit, R_int.

Circuit (config ``analysis.echem.circuit``, default ``R0-p(R1,CPE1)-p(R2,CPE2)``): at 25 C the
bulk arc of LLZO (R_b C_b ~ 10 ns) relaxes above the analyser's frequency range, so the
high-frequency intercept R0 is the bulk; the two depressed arcs are the grain boundaries
(R1||CPE1, ~10^5 Hz) and the two Li|LLZO interfaces in series (lowest-frequency arc). The
fit uses f <= ``fit_f_max_Hz`` (the bulk-arc tail distorts the top decade). The
interface arc is found as the arc with the longest time constant tau = (R Q)^(1/alpha), not by
position in the string. Area-specific resistance of ONE interface: R_int = R_arc x area / 2
(docs/claims.md, claims ``r_int_*_ohm_cm2``); its uncertainty is the fit's standard error
(sqrt of the covariance diagonal, impedance.py ``conf_``) propagated the same way.

References
----------
Schoenleber, Klotz, Ivers-Tiffee, Electrochim. Acta 131, 20 (2014): linKK and the mu criterion.
Murphy et al., impedance.py, J. Open Source Softw. 5, 2349 (2020).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

_ARC_RE = re.compile(r"p\((R\d+),\s*(CPE\d+|C\d+)\)")


@dataclass(frozen=True)
class KKResult:
    """Kramers-Kronig (Lin-KK) check of one spectrum.

    Attributes
    ----------
    M
        Number of RC elements of the chosen Lin-KK fit.
    mu
        Schoenleber's mu at ``M``.
    max_residual_pct
        Largest relative residual (real or imaginary part) of that fit, % of abs(Z).
    valid
        ``max_residual_pct`` at or below the configured limit.
    M_first
        The first M with mu < c: the choice of impedance.py ``linKK`` (forward search), kept
        for comparison; it stops too early when mu fluctuates at low M.
    """

    M: int
    mu: float
    max_residual_pct: float
    valid: bool
    M_first: int


@dataclass(frozen=True)
class EISFit:
    """Equivalent-circuit fit of one symmetric-cell spectrum.

    Attributes
    ----------
    circuit
        impedance.py circuit string.
    params, sigma
        Fitted parameters and standard errors, by impedance.py parameter name.
    R_arc_ohm, R_arc_sigma_ohm
        Resistance of the lowest-frequency arc (both interfaces), ohm.
    R_int_ohm_cm2, R_int_sigma_ohm_cm2
        Per-interface area-specific resistance, ohm cm2.
    f_arc_Hz
        Characteristic frequency of that arc, 1 / (2 pi tau).
    rel_rmse
        RMS of the residual relative to abs(Z).
    """

    circuit: str
    params: dict[str, float]
    sigma: dict[str, float]
    R_arc_ohm: float
    R_arc_sigma_ohm: float
    R_int_ohm_cm2: float
    R_int_sigma_ohm_cm2: float
    f_arc_Hz: float
    rel_rmse: float


def eval_linkk(elements: np.ndarray, ts: np.ndarray, f_Hz: np.ndarray) -> np.ndarray:
    """Impedance of a Lin-KK circuit, ohm: impedance.py ``validation.eval_linKK`` made numpy-2 safe.

    Workaround, isolated here: ``eval_linKK`` builds a Python expression from the reprs of the
    element values and ``eval``-s it; numpy 2 prints ``np.float64(1.0)``, which that namespace does
    not know (NameError; an upstream impedance.py bug). Passing the values as Python floats
    (object arrays) gives the reprs numpy 1 gave, so impedance.py's own code evaluates the circuit,
    unchanged (``tests/analysis/test_eis.py`` checks it against impedance.py run with numpy 1 reprs).

    Parameters
    ----------
    elements
        ``fit_linKK`` output: R_ohm, R_k (ohm), [1/C (1/F)], L (H).
    ts
        Time constants tau_k, s.
    f_Hz
        Frequencies, Hz.
    """
    from impedance.validation import eval_linKK

    as_py = np.array([float(x) for x in np.asarray(elements)], dtype=object)
    ts_py = np.array([float(x) for x in np.asarray(ts)], dtype=object)
    return np.asarray(eval_linKK(as_py, ts_py, np.asarray(f_Hz, float)), dtype=complex)


def choose_linkk_M(mu: np.ndarray, c: float) -> tuple[int, int]:
    """Choose the number of RC elements from the mu values of M = 1 .. len(mu).

    Schoenleber et al. (2014) increase M until mu < c (``linKK``'s forward search). mu is meant to
    stay near 1 while the fit under-fits and to fall once extra elements over-fit (negative R_k),
    but at low M an under-fit can already hold large negative R_k, so mu can dip below c by chance
    (here at M = 3-4, leaving ~40 % residuals on good spectra). As Yrjanae and Bobacka (2024)
    do, search in reverse: M is the first M of the final run of mu < c, i.e. one more than the
    largest M with mu >= c (``len(mu)`` when mu never falls below c).

    Returns
    -------
    tuple of int
        ``(M, M_first)``: the robust choice and the forward-search choice.
    """
    mu = np.asarray(mu, float)
    above = np.nonzero(~(mu < c))[0]  # NaN counts as "not over-fitted"
    below = np.nonzero(mu < c)[0]
    n = mu.size
    M = n if above.size and above[-1] == n - 1 else (int(above[-1]) + 2 if above.size else 1)
    M_first = int(below[0]) + 1 if below.size else n
    return M, M_first


def kk_check(f_Hz: np.ndarray, Z_ohm: np.ndarray, *, c: float = 0.85, max_residual_pct: float = 2.0,
             max_M: int = 50, add_cap: bool = True) -> KKResult:
    """Lin-KK test of a spectrum (Schoenleber et al. 2014 with impedance.py's ``fit_linKK``).

    The Lin-KK circuit (R_ohm, M RC elements with fixed log-spaced tau_k, series L and optionally
    series C) is KK-compliant by construction; a spectrum is KK-valid when it reproduces it
    within ``max_residual_pct`` of abs(Z) in both the real and the imaginary part. The complex
    fit (Schoenleber Eq. 14) is impedance.py's ``fit_linKK``; M is chosen by :func:`choose_linkk_M`
    among M = 1 .. min(``max_M``, N // 2) (N points: beyond that impedance.py's normal equations
    lose accuracy and the residuals rise again).

    Parameters
    ----------
    f_Hz
        Frequencies, Hz.
    Z_ohm
        Complex impedance, ohm (Z = Re - j(-Im)).
    c
        mu threshold (Schoenleber: 0.85).
    max_residual_pct
        A spectrum is valid when every residual is at or below this, % of abs(Z).
    max_M
        Largest number of RC elements tried (impedance.py's default 50).
    add_cap
        Series capacitance in the Lin-KK circuit (spectra without a low-frequency intercept).
    """
    from impedance.validation import fit_linKK, get_tc_distribution

    f = np.asarray(f_Hz, float)
    Z = np.asarray(Z_ohm, complex)
    fits, mus = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for M in range(1, max(1, min(int(max_M), f.size // 2)) + 1):
            ts = get_tc_distribution(f, M)
            try:
                elements, mu = fit_linKK(f, ts, M, Z, "complex", add_cap)
            except np.linalg.LinAlgError:
                break
            fits.append((elements, ts))
            mus.append(mu)
    M, M_first = choose_linkk_M(np.array(mus), c)
    elements, ts = fits[M - 1]
    err = (Z - eval_linkk(elements, ts, f)) / np.abs(Z)
    worst = 100 * float(max(np.max(np.abs(err.real)), np.max(np.abs(err.imag))))
    return KKResult(int(M), float(mus[M - 1]), worst, bool(worst <= max_residual_pct), int(M_first))


def _arcs(circuit: str) -> list[tuple[str, str]]:
    arcs = _ARC_RE.findall(circuit.replace(" ", ""))
    if not arcs:
        raise ValueError(f"circuit {circuit!r} has no parallel R-CPE arc p(Rk,CPEk)")
    return arcs


def _peeled_guess(f: np.ndarray, Z: np.ndarray, n_arcs: int, alpha: float = 0.85) -> list[float] | None:
    """Make a starting point [R0, (R, Q, alpha) per arc] by peeling arcs off the spectrum, largest first.

    The largest -Im(Z) (3-point smoothed) is the apex of an R||CPE arc: its frequency gives tau,
    its height h gives R = 2 h / tan(alpha pi / 4); that arc is subtracted and the next apex is
    taken from what is left. R0 is the median real part of the remainder. Arcs are returned from
    high to low frequency. A start near the optimum cuts the fit's function evaluations ~10x.

    Returns
    -------
    list of float or None
        None when fewer than ``n_arcs`` arcs stand out.
    """
    w = 2 * np.pi * f
    rest = np.array(Z, dtype=complex)
    found = []
    for _ in range(n_arcs):
        mim = -rest.imag
        smooth = np.convolve(np.r_[mim[0], mim, mim[-1]], np.ones(3) / 3, mode="valid")
        k = int(np.argmax(smooth))
        h = float(smooth[k])
        if not h > 0:
            return None
        R = 2 * h / np.tan(alpha * np.pi / 4)
        Q = (1 / w[k]) ** alpha / R
        found.append((float(f[k]), R, Q))
        rest = rest - R / (1 + R * Q * (1j * w) ** alpha)
    R0 = max(float(np.median(rest.real)), 1e-6)
    g = [R0]
    for _, R, Q in sorted(found, reverse=True):
        g += [R, Q, alpha]
    return g


def _initial_guesses(f: np.ndarray, Z: np.ndarray, n_arcs: int) -> list[list[float]]:
    """Data-driven starting points [R0, (R, Q, alpha) per arc], arcs from high to low frequency."""
    from scipy.signal import find_peaks

    order = np.argsort(f)[::-1]
    f, Z = f[order], Z[order]
    mim = -Z.imag
    R0 = max(float(Z.real[0]) * 0.98, 1e-6)
    R_tot = max(float(Z.real[-1]) - R0, 1e-3 * R0)
    smooth = np.convolve(np.r_[mim[0], mim, mim[-1]], np.ones(3) / 3, mode="valid")
    peaks, props = find_peaks(np.r_[-np.inf, smooth, -np.inf], prominence=0.03 * max(float(smooth.max()), 1e-12))
    peaks = peaks - 1
    peaks = peaks[np.argsort(props["prominences"])[::-1]][:n_arcs]
    peaks = np.sort(peaks)  # high -> low frequency
    alpha = 0.9
    peeled = _peeled_guess(f, Z, n_arcs)
    guesses = [peeled] if peeled is not None else []
    if len(peaks) == n_arcs:
        bounds = [R0]
        for a, b in pairwise(peaks):
            k = a + int(np.argmin(mim[a: b + 1]))
            bounds.append(float(Z.real[k]))
        bounds.append(R0 + R_tot)
        g = [R0]
        for i, pk in enumerate(peaks):
            R = max(bounds[i + 1] - bounds[i], 1e-3 * R_tot)
            g += [R, 1 / (R * (2 * np.pi * f[pk]) ** alpha), alpha]
        guesses.append(g)
    # generic fallbacks: arcs spread over the measured decades, most resistance in the last arc
    lf = np.log10(f)
    for share in (0.9, 0.5, 0.1):
        g = [R0]
        centers = np.linspace(lf.max() - 1, lf.min() + 1, n_arcs)
        for i, fc in enumerate(centers):
            R = R_tot * (share if i == n_arcs - 1 else (1 - share) / max(n_arcs - 1, 1))
            g += [R, 1 / (R * (2 * np.pi * 10 ** fc) ** alpha), alpha]
        guesses.append(g)
    return guesses


def arcs_jacobian(circuit: str, names: list[str]):
    """Analytic Jacobian for impedance.py's fit of ``R0-p(R1,CPE1)-p(R2,CPE2)...``, or None.

    For Z = R0 + sum_k R_k / D_k with D_k = 1 + R_k Q_k (j w)^a_k (impedance.py's CPE is
    1 / (Q (j w)^a)): dZ/dR0 = 1, dZ/dR_k = 1 / D_k^2, dZ/dQ_k = -R_k^2 (j w)^a_k / D_k^2,
    dZ/da_k = -R_k^2 Q_k (j w)^a_k ln(j w) / D_k^2. ``CustomCircuit.fit`` passes it to
    ``scipy.optimize.curve_fit`` (``jac=``, which scales it by the modulus weights), so the same
    least-squares problem is solved with one model evaluation per iteration instead of 1 + the
    number of parameters (finite differences). Other circuits return None (finite differences).

    Parameters
    ----------
    circuit
        impedance.py circuit string.
    names
        Its parameter names (``CustomCircuit.get_param_names()[0]``).

    Returns
    -------
    callable or None
        ``jac(f_Hz, *params) -> (2 N, P)`` array: real parts stacked over imaginary parts.
    """
    arcs = _ARC_RE.findall(circuit.replace(" ", ""))
    n = len(arcs)
    expected = "R0-" + "-".join(f"p(R{k},CPE{k})" for k in range(1, n + 1))
    want = ["R0", *[x for k in range(1, n + 1) for x in (f"R{k}", f"CPE{k}_0", f"CPE{k}_1")]]
    if n == 0 or circuit.replace(" ", "") != expected or list(names) != want:
        return None

    def jac(f_Hz: np.ndarray, *params: float) -> np.ndarray:
        s = 2j * np.pi * np.asarray(f_Hz, float)
        cols = [np.ones_like(s)]
        for k in range(n):
            R, Q, a = params[1 + 3 * k: 4 + 3 * k]
            sa = s ** a
            D2 = (1 + R * Q * sa) ** 2
            cols += [1 / D2, -R * R * sa / D2, -R * R * Q * sa * np.log(s) / D2]
        J = np.stack(cols, axis=1)
        return np.vstack([J.real, J.imag])

    return jac


def fit_symmetric_cell(f_Hz: np.ndarray, Z_ohm: np.ndarray, area_cm2: float,
                       circuit: str = "R0-p(R1,CPE1)-p(R2,CPE2)", good_rmse: float = 0.02,
                       f_max_Hz: float | None = None, analytic_jac: bool = True) -> EISFit:
    """Fit the circuit to a spectrum and return the per-interface resistance.

    Parameters
    ----------
    f_Hz, Z_ohm
        Spectrum (Hz, complex ohm).
    area_cm2
        Electrode area, cm2 (> 0).
    circuit
        impedance.py circuit: ``R0`` in series with parallel arcs ``p(Rk,CPEk)``.
    f_max_Hz
        Fit only frequencies up to this: the top decade carries the tail of the bulk arc
        (tau_b = eps eps0 / sigma ~ 10 ns for LLZO), which R0 cannot describe.
    good_rmse
        Starting points are tried in turn (data-driven first) until the relative RMS residual
        is below this; otherwise the best fit is kept.
    analytic_jac
        Give the optimiser :func:`arcs_jacobian` (same problem, fewer model evaluations);
        False uses finite differences, impedance.py's default.

    Raises
    ------
    ValueError
        Non-positive area or a circuit without arcs.
    """
    from impedance.models.circuits import CustomCircuit

    if not area_cm2 > 0:
        raise ValueError(f"area_cm2 must be > 0, got {area_cm2}")
    f = np.asarray(f_Hz, float)
    Z = np.asarray(Z_ohm, complex)
    if f_max_Hz is not None:
        keep = f <= f_max_Hz
        f, Z = f[keep], Z[keep]
    arcs = _arcs(circuit)
    best = None
    for guess in _initial_guesses(f, Z, len(arcs)):
        model = CustomCircuit(circuit, initial_guess=guess)
        names = model.get_param_names()[0]
        lo = [0.0 if not n.endswith("_1") else 0.4 for n in names]
        hi = [np.inf if not n.endswith("_1") else 1.0 for n in names]
        extra = {"jac": jac} if (jac := arcs_jacobian(circuit, names)) is not None and analytic_jac else {}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(f, Z, bounds=(lo, hi), weight_by_modulus=True, maxfev=20000, x_scale="jac", **extra)
        except (RuntimeError, ValueError):
            continue
        resid = (model.predict(f) - Z) / np.abs(Z)
        rmse = float(np.sqrt(np.mean(np.abs(resid) ** 2)))
        if best is None or rmse < best[0]:
            best = (rmse, model, names)
        if rmse < good_rmse:
            break
    if best is None:
        raise RuntimeError("equivalent-circuit fit did not converge for any starting point")
    rmse, model, names = best
    p = dict(zip(names, map(float, model.parameters_), strict=True))
    conf = model.conf_ if model.conf_ is not None else np.full(len(names), np.nan)
    s = dict(zip(names, map(float, conf), strict=True))
    taus = []
    for R, Q in arcs:
        if Q.startswith("CPE"):
            taus.append((p[R] * p[f"{Q}_0"]) ** (1 / p[f"{Q}_1"]))
        else:
            taus.append(p[R] * p[Q])
    k = int(np.argmax(taus))
    R_name = arcs[k][0]
    R_arc, R_sig = p[R_name], s[R_name]
    return EISFit(circuit, p, s, R_arc, R_sig, R_arc * area_cm2 / 2, R_sig * area_cm2 / 2,
                  1 / (2 * np.pi * taus[k]), rmse)


def predict(fit: EISFit, f_Hz: np.ndarray) -> np.ndarray:
    """Impedance of a fitted circuit at ``f_Hz`` (for plotting)."""
    from impedance.models.circuits import CustomCircuit

    names = list(fit.params)
    model = CustomCircuit(fit.circuit, initial_guess=[fit.params[n] for n in names])
    return model.predict(np.asarray(f_Hz, float), use_initial=True)
