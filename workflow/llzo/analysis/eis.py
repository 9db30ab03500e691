"""Impedance of symmetric Li|LLZO|Li cells: Kramers-Kronig test, DRT, equivalent circuits, R_int.

Definition of the interface resistance (claims ``r_int_*_ohm_cm2``)
---------------------------------------------------------------------
The interface arc is identified by physics, never by its position in a circuit string.

1. Every spectrum gets a linear Kramers-Kronig test and a distribution of relaxation times (DRT).
   A spectrum is KK-valid when the noise estimated from the test's residuals is at most
   ``kk_max_noise_pct`` of abs(Z); KK-invalid spectra are fitted and reported, and said to be so.
2. Candidate circuits: a series resistance, with and without a series inductance (leads, and the
   tail of a bulk arc above the measured range), 1 to ``max_arcs`` arcs (ZARC: R in parallel
   with a constant-phase element, Z = R / (1 + (j omega tau)^n)), with and without a diffusion tail
   (a series CPE with exponent n <= ``arc_min_n``; a Warburg when n = 0.5). Each is fitted from
   several starting points by least squares on the relative residuals and scored by an
   information criterion (``information_criterion``: BIC or AIC). A fit weighted with the
   spectrum's own error structure (:func:`estimate_noise`, from its Kramers-Kronig residuals;
   the ``noise`` argument of :func:`fit_spectrum`) is available but not used: on own-family
   spectra with noise growing towards 1 MHz it scatters 3x less, but on the validation grid
   (spectra of other shapes) it recovered no more values within 5 % and reported two 10-16 % off
   with standard errors of 3-8 %, where relative weights flagged one and were within 5 % on the
   other (README).
3. Each arc's effective capacitance is C = (R Q)^(1/n) / R = tau / R (Brug et al., J. Electroanal.
   Chem. 176, 275 (1984); Hsu and Mansfeld, Corrosion 57, 747 (2001)). Arcs belong to the
   relaxation process (DRT peak) they lie on; a process' capacitance per area of ONE interface is
   c = 2 C / A (the two interfaces of a symmetric cell are in series), with its resistance the
   sum of its arcs'. Diffusion tails (CPE exponent below ``arc_min_n``, or the tail element) and
   inductive loops are not arcs.
4. The **interface** is the process whose c lies in [``interface_c_min_F_cm2``,
   ``interface_c_max_F_cm2``] (interfacial capacitances, about 0.1-100 uF cm-2; bulk and grain
   boundaries are 1e-12-1e-8 F cm-2: Irvine, Sinclair and West, Adv. Mater. 2, 132 (1990)), the
   lowest-frequency one if several, and it must lie within a factor ``drt_tau_tolerance`` of a
   DRT peak.
5. R_arc is averaged over the candidate circuits in proportion to their information-criterion
   weights (Burnham and Anderson 2002), its standard error combines each fit's covariance with
   the spread between circuits. Area-specific resistance of ONE interface: R_int = R_arc x area / 2.
   The standard error describes noise and the choice of circuit, not the difference in shape
   between a ZARC and the real relaxation: on the validation grid (README) reported values are
   within 5.2 % where the interface is >= 10x from the grain-boundary arc in tau, within 13 %
   where they overlap.

A spectrum is **ambiguous** (reported, flagged, left out of the medians; every reason listed) when
no process qualifies; when two qualifying processes are closer than ``arc_tau_ratio_min`` in tau
(indistinguishable); when no DRT peak confirms the interface arc; when circuits carrying most of
the support place no interface there; when R_arc's relative standard error exceeds
``max_r_rel_se``; or when the fit does not describe the spectrum (RMS relative residual above
``max_fit_rel_rmse``). Per interlayer and state the claim is the median over the cells with at
least one unambiguous spectrum (a cell's value: the mean of its unambiguous repeats).

Libraries (measured in the README, section "Impedance spectra: pyimpspec")
---------------------------------------------------------------------------
* pyimpspec 5 (Yrjanae and Bobacka, Electrochim. Acta 504, 144951 (2024)): the linear
  Kramers-Kronig test with the automatic number of RC elements (mu criterion of Schoenleber,
  Klotz and Ivers-Tiffee, Electrochim. Acta 131, 20 (2014), with Yrjanae and Bobacka's
  refinements), the DRT by Tikhonov-regularised non-negative least squares (Kulikovsky,
  J. Electrochem. Soc. 168, 044512 (2021)) and the circuit description codes (``parse_cdc``)
  that store and redraw each fit.
* The fit: SciPy ``least_squares`` on the relative residuals (Z_fit - Z) / abs(Z), with the
  circuit's impedance and analytic Jacobian evaluated here (:class:`CircuitModel`, checked
  against pyimpspec's elements). pyimpspec's own ``fit_circuit`` (lmfit) returns the squared
  differences as its residual vector, so lmfit minimises sum(w^2 (Z - Z_fit)^4): on synthetic
  spectra its R_arc scatters 1.4x more and its standard errors are ~30 % too small; with
  ``least_squares`` it stopped far from the optimum on noise-free spectra. It stays the
  parity reference in ``tests/analysis/test_eis.py``.
* impedance.py 1.7.1 (the former path) is no longer used: its ``linKK`` raised ZeroDivisionError
  (``calc_mu``) on spectra whose Lin-KK resistances are all negative (NaN points, inductive
  spectra) and NameError under numpy 2 unless patched; its last release is from 2023.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field, fields, replace
from itertools import pairwise

import numpy as np
import pandas as pd

from llzo.analysis.parallel import map_ordered
from llzo.claims import Claim

#: (interlayer, state) -> claim id, in the order of Fig. 5e.
GROUPS = (("none", "pristine", "r_int_none_ohm_cm2", "no interlayer"),
          ("Au", "pristine", "r_int_au_ohm_cm2", "Au"),
          ("HL", "pristine", "r_int_hl_ohm_cm2", "HL"),
          ("HL", "cycled", "r_int_hl_cycled_ohm_cm2", "HL, cycled"))

#: Techniques whose runs are impedance spectra.
EIS_TECHNIQUES = ("PEIS", "GEIS")


@dataclass(frozen=True)
class EISParams:
    """Analysis parameters (``analysis.eis`` in config.yaml).

    Parameters
    ----------
    fit_f_max_Hz, fit_f_min_Hz
        Frequency window of the fit (Hz); the Kramers-Kronig test and the DRT use the whole spectrum.
    min_points
        Spectra with fewer valid points are neither validated nor fitted.
    kk_mu_criterion
        Threshold of the mu criterion for the number of RC elements of the Kramers-Kronig test.
    kk_max_noise_pct
        A spectrum is KK-valid when the noise estimated from the test's pseudo chi-squared
        (sqrt(5000 chi2 / N), % of abs(Z); Yrjanae and Bobacka 2024) is at or below this.
    drt_lambda
        Tikhonov regularisation of the DRT (dimensionless; pyimpspec normalises the impedance).
    drt_peak_prominence
        A DRT peak must stand out by this fraction of the largest peak.
    drt_tau_tolerance
        The interface arc's tau must be within this factor of a DRT peak.
    max_arcs
        Largest number of arcs in a candidate circuit.
    n_starts
        Starting points per candidate circuit (data-driven first, then seeded random ones).
    information_criterion
        ``"bic"`` or ``"aic"``.
    arc_min_n
        ZARC exponents below this are diffusion-like, not arcs; also the upper bound of the tail CPE.
    interface_c_min_F_cm2, interface_c_max_F_cm2
        Interfacial range of the capacitance per area of one interface, F cm-2.
    arc_tau_ratio_min
        Two qualifying arcs closer than this factor in tau are indistinguishable.
    max_r_rel_se
        Largest relative standard error of R_arc for an unambiguous value.
    max_fit_rel_rmse
        Largest RMS relative residual of the chosen fit for an unambiguous value.
    fit_seed
        Seed of the random starting points.
    """

    fit_f_max_Hz: float = 1.0e7
    fit_f_min_Hz: float = 0.0
    min_points: int = 10
    kk_mu_criterion: float = 0.85
    kk_max_noise_pct: float = 1.0
    drt_lambda: float = 1.0e-2
    drt_peak_prominence: float = 0.05
    drt_tau_tolerance: float = 3.0
    max_arcs: int = 3
    n_starts: int = 4
    information_criterion: str = "bic"
    arc_min_n: float = 0.6
    interface_c_min_F_cm2: float = 1.0e-7
    interface_c_max_F_cm2: float = 1.0e-4
    arc_tau_ratio_min: float = 10.0
    max_r_rel_se: float = 0.1
    max_fit_rel_rmse: float = 0.05
    fit_seed: int = 0

    def __post_init__(self) -> None:
        if self.information_criterion not in ("bic", "aic"):
            raise ValueError(f"information_criterion must be 'bic' or 'aic', not {self.information_criterion!r}")
        if not 0 < self.interface_c_min_F_cm2 < self.interface_c_max_F_cm2:
            raise ValueError("need 0 < interface_c_min_F_cm2 < interface_c_max_F_cm2")
        if self.max_arcs < 1 or self.n_starts < 1 or self.min_points < 3:
            raise ValueError("need max_arcs >= 1, n_starts >= 1, min_points >= 3")

    @classmethod
    def from_config(cls, block: dict) -> EISParams:
        """Build from the ``analysis.eis`` config block (unknown keys are an error)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(block) - known)
        if unknown:
            raise ValueError(f"analysis.eis: unknown key(s) {unknown}; known: {sorted(known)}")
        return cls(**block)


# --------------------------------------------------------------------------------------------
# result types
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KKResult:
    """Linear Kramers-Kronig test of one spectrum (pyimpspec).

    Attributes
    ----------
    num_RC
        Number of RC elements chosen by the mu criterion.
    noise_pct
        Noise estimated from the pseudo chi-squared, % of abs(Z).
    max_residual_pct
        Largest relative residual (real or imaginary part), % of abs(Z).
    valid
        ``noise_pct`` at or below ``kk_max_noise_pct``.
    f_Hz, residual_real_pct, residual_imag_pct
        Frequencies and relative residuals of the test, for plotting.
    """

    num_RC: int
    noise_pct: float
    max_residual_pct: float
    valid: bool
    f_Hz: np.ndarray = field(repr=False)
    residual_real_pct: np.ndarray = field(repr=False)
    residual_imag_pct: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class Arc:
    """One ZARC of a fitted circuit (cell values, ohm and s; per-interface capacitance per area).

    ``kind`` is ``interface``, ``arc`` (an arc with non-interfacial capacitance: bulk or grain
    boundaries), ``outside`` (tau outside the measured range) or ``diffusion`` (n < arc_min_n).
    ``index`` is the ZARC's number in the circuit (``Zarc<index>_*`` parameters), ``process`` the
    DRT peak it belongs to (-1: none), ``c_int_F_cm2`` the arc's own 2 C / A; the kind of an arc in a
    process is that of the process.
    """

    index: int
    R_ohm: float
    R_se_ohm: float
    tau_s: float
    n: float
    C_F: float
    c_int_F_cm2: float
    f_peak_Hz: float
    kind: str
    process: int = -1


@dataclass(frozen=True)
class CircuitFit:
    """The chosen equivalent circuit of one spectrum.

    Attributes
    ----------
    cdc
        pyimpspec circuit description code with the fitted values.
    names, values, se
        Parameter names (``R0``, ``L``, ``Zarc1_R``, ``Zarc1_tau``, ``Zarc1_n``, ..., ``tail_Y``,
        ``tail_n``), fitted values and standard errors (sqrt of the covariance diagonal).
    rel_rmse
        RMS relative residual of the fit.
    ic
        Information criterion of the chosen candidate.
    candidates
        ``{cdc: ic}`` of every candidate that converged (element symbols only).
    cov
        Covariance matrix of ``values``.
    weight
        Information-criterion weight exp(-dIC / 2), normalised over the candidates (Burnham and
        Anderson, Model Selection and Multimodel Inference, Springer 2002).
    alternatives
        The other candidates' fits (best first), each with its weight.
    """

    cdc: str
    names: tuple[str, ...]
    values: tuple[float, ...]
    se: tuple[float, ...]
    rel_rmse: float
    ic: float
    candidates: dict[str, float] = field(repr=False)
    cov: np.ndarray = field(default_factory=lambda: np.empty((0, 0)), repr=False)
    weight: float = 1.0
    alternatives: tuple[CircuitFit, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class NoiseModel:
    """Error structure of one spectrum: standard deviation of each component of Z, ohm.

    sd(f) = ``rel`` abs(Z) + ``hf_rel`` abs(Z) f / f_max + ``floor_ohm``, the same for the real
    and the imaginary part: a part proportional to abs(Z) (the analyser's gain accuracy), a part
    growing towards the top frequency (its bandwidth; the accuracy contour of an impedance
    analyser shrinks there) and an absolute floor (current and voltage resolution). A regression
    of an error-structure model on residuals of a Kramers-Kronig-consistent measurement model as
    in Agarwal, Orazem and Garcia-Rubio, J. Electrochem. Soc. 142, 4159 (1995) and Orazem and
    Tribollet, Electrochemical Impedance Spectroscopy (Wiley 2008), ch. 21, with a bandwidth term
    instead of their term in abs(Z)^2. ``source`` is ``kk`` (estimated) or ``relative`` (the
    fallback sd = abs(Z): relative weights).
    """

    rel: float
    hf_rel: float
    floor_ohm: float
    f_max_Hz: float
    source: str = "kk"

    def sd_ohm(self, f_Hz: np.ndarray, Z_ohm: np.ndarray) -> np.ndarray:
        """Return the standard deviation of Re(Z) and of Im(Z) at each point, ohm."""
        mag = np.abs(np.asarray(Z_ohm, complex))
        return self.rel * mag + self.hf_rel * mag * np.asarray(f_Hz, float) / self.f_max_Hz + self.floor_ohm


#: Relative weights: the error structure used when the Kramers-Kronig residuals are not available.
RELATIVE_NOISE = NoiseModel(1.0, 0.0, 0.0, 1.0, "relative")


@dataclass(frozen=True)
class SpectrumResult:
    """Everything known about one spectrum. Never raises: problems are in ``status``/``reasons``.

    Attributes
    ----------
    status
        ``ok`` (unambiguous R_int), ``ambiguous`` (R_int not identified), ``not_fitted`` (too few
        points or the fit failed).
    reasons
        Every reason for ``ambiguous`` / ``not_fitted`` and what the test could not do.
    R_int_ohm_cm2, R_int_se_ohm_cm2
        Per-interface area-specific resistance and its standard error (NaN when no arc qualified).
    """

    status: str
    reasons: tuple[str, ...]
    area_cm2: float
    n_points: int
    f_Hz: np.ndarray = field(repr=False)
    Z_ohm: np.ndarray = field(repr=False)
    kk: KKResult | None = None
    drt_tau_s: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    drt_R_ohm: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    fit: CircuitFit | None = None
    arcs: tuple[Arc, ...] = ()
    interface: tuple[int, ...] = ()
    R_int_ohm_cm2: float = float("nan")
    R_int_se_ohm_cm2: float = float("nan")

    @property
    def kk_valid(self) -> bool | None:
        """Kramers-Kronig verdict, or None when the test could not run."""
        return None if self.kk is None else self.kk.valid


# --------------------------------------------------------------------------------------------
# spectrum preparation, Kramers-Kronig, DRT
# --------------------------------------------------------------------------------------------
def prepare_spectrum(f_Hz: np.ndarray, Z_ohm: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Drop non-finite points and non-positive frequencies, average duplicated frequencies, sort.

    Returns
    -------
    f_Hz, Z_ohm, notes
        Frequencies from high to low, impedances, and what was changed (human readable).
    """
    f = np.asarray(f_Hz, dtype=float).ravel()
    Z = np.asarray(Z_ohm, dtype=complex).ravel()
    notes = []
    if f.size != Z.size:
        raise ValueError(f"{f.size} frequencies but {Z.size} impedances")
    good = np.isfinite(f) & np.isfinite(Z.real) & np.isfinite(Z.imag) & (f > 0)
    if not good.all():
        notes.append(f"dropped {int((~good).sum())} point(s) with NaN/inf values or f <= 0")
    f, Z = f[good], Z[good]
    uf, inv, counts = np.unique(f, return_inverse=True, return_counts=True)
    if uf.size < f.size:
        notes.append(f"averaged {int(f.size - uf.size)} duplicated frequency point(s)")
        Zs = np.zeros(uf.size, complex)
        np.add.at(Zs, inv, Z)
        Z = Zs / counts
        f = uf
    order = np.argsort(f)[::-1]
    return f[order], Z[order], notes


def kk_test(f_Hz: np.ndarray, Z_ohm: np.ndarray, params: EISParams) -> KKResult:
    """Linear Kramers-Kronig test (pyimpspec ``perform_exploratory_kramers_kronig_tests``).

    Boukamp's real test on the impedance (time constants spanning the measured range,
    log F_ext = 0); the number of RC elements by the mu criterion (pyimpspec method 1: Schoenleber
    et al. 2014 with Yrjanae and Bobacka's 2024 refinements) between 2 and N / 2 (N points; more
    RC elements than half the points over-fit, and impedance.py's linKK also stops there).
    pyimpspec by default tests up to 2N - 5 elements and estimates the limits itself; on the 24
    demo spectra and the six real files that chose the same number at 13x the time. Valid when
    the noise estimated from the pseudo chi-squared is at or below ``kk_max_noise_pct``.

    Raises
    ------
    Exception
        Whatever pyimpspec raises on a spectrum it cannot test (the caller records it).
    """
    from pyimpspec import DataSet, perform_exploratory_kramers_kronig_tests

    f = np.asarray(f_Hz, float)
    ds = DataSet(f, np.asarray(Z_ohm, complex), label="spectrum")
    n_max = max(3, f.size // 2)
    _, (res, *_) = perform_exploratory_kramers_kronig_tests(
        ds, test="real", num_RCs=list(range(2, n_max + 1)), admittance=False, num_F_ext_evaluations=0, methods=[1],
        mu_criterion=params.kk_mu_criterion, lower_limit=2, upper_limit=n_max, num_procs=1)
    fr, rr, ri = res.get_residuals_data()
    noise = float(res.get_estimated_percent_noise())
    worst = float(max(np.max(np.abs(rr)), np.max(np.abs(ri))))
    return KKResult(int(res.num_RC), noise, worst, bool(np.isfinite(noise) and noise <= params.kk_max_noise_pct),
                    np.asarray(fr, float), np.asarray(rr, float), np.asarray(ri, float))


def drt_peaks(f_Hz: np.ndarray, Z_ohm: np.ndarray, params: EISParams) -> tuple[np.ndarray, np.ndarray]:
    """Peaks of the distribution of relaxation times (pyimpspec TR-NNLS on the real part).

    Returns
    -------
    tau_s, R_ohm
        Time constant of each peak and its resistance (the DRT integrated over the peak's basin,
        between the neighbouring minima), sorted by tau.
    """
    from pyimpspec import DataSet, calculate_drt
    from scipy.signal import find_peaks

    ds = DataSet(np.asarray(f_Hz, float), np.asarray(Z_ohm, complex), label="spectrum")
    drt = calculate_drt(ds, method="tr-nnls", lambda_value=float(params.drt_lambda))
    tau = np.asarray(drt.get_time_constants(), float)
    g = np.asarray(drt.gammas, float)
    order = np.argsort(tau)
    tau, g = tau[order], g[order]
    if not (g.size >= 3 and np.isfinite(g).all() and g.max() > 0):
        return np.empty(0), np.empty(0)
    dln = np.abs(np.gradient(np.log(tau)))
    padded = np.r_[0.0, g, 0.0]
    pk, _ = find_peaks(padded, prominence=params.drt_peak_prominence * g.max())
    pk = pk - 1
    if pk.size == 0:
        return np.empty(0), np.empty(0)
    # basins: split at the minimum between neighbouring peaks
    cuts = [0] + [a + int(np.argmin(g[a: b + 1])) for a, b in pairwise(pk)] + [g.size]
    R = np.array([float(np.sum((g * dln)[cuts[i]: cuts[i + 1]])) for i in range(pk.size)])
    return tau[pk], R


def estimate_noise(f_Hz: np.ndarray, Z_ohm: np.ndarray, kk: KKResult | None) -> NoiseModel:
    """Fit the error structure (:class:`NoiseModel`) to the residuals of the Kramers-Kronig test.

    The linear Kramers-Kronig test fits a Voigt series whose time constants span the measured
    range, so its residuals are the measurement errors plus what no causal, stable system
    produces (Agarwal et al. 1995 use such a measurement model to find the error structure).
    The three non-negative coefficients maximise the Gaussian likelihood of the relative
    residuals r (real and imaginary) with relative sd s = rel + hf_rel f / f_max + floor / abs(Z):
    minimise sum(2 ln s + (r_re^2 + r_im^2) / (2 s^2)). Only the shape matters to the fit (its
    scale is estimated from the fit's own residuals); the Kramers-Kronig fit makes the residuals
    a little smaller than the errors, most at the ends of the range. Falls back to relative
    weights (:data:`RELATIVE_NOISE`) when the test did not run or its residuals are degenerate.
    """
    from scipy.optimize import minimize

    if kk is None or kk.f_Hz.size != np.asarray(f_Hz).size or kk.f_Hz.size < 6:
        return RELATIVE_NOISE
    f = np.asarray(f_Hz, float)
    mag = np.abs(np.asarray(Z_ohm, complex))
    q = ((kk.residual_real_pct / 100) ** 2 + (kk.residual_imag_pct / 100) ** 2) / 2
    if not (np.all(np.isfinite(q)) and np.all(mag > 0) and q.mean() > 0):
        return RELATIVE_NOISE
    z_min = float(mag.min())
    basis = np.stack([np.ones_like(f), f / f.max(), z_min / mag], axis=1)  # coefficients: rel, hf_rel, floor/z_min
    q_scale = float(q.mean())

    def nll(u: np.ndarray) -> float:
        s2 = (basis @ np.exp(u)) ** 2 / q_scale
        return float(np.sum(np.log(s2) + q / q_scale / s2))

    s0 = math.log(math.sqrt(q_scale))
    best = None
    for k in range(3):  # each term dominant in turn
        u0 = np.full(3, s0 + math.log(1e-2))
        u0[k] = s0
        r = minimize(nll, u0, method="Nelder-Mead", options={"xatol": 1e-4, "fatol": 1e-8, "maxiter": 2000})
        if best is None or r.fun < best.fun:
            best = r
    c = np.exp(best.x)
    if not np.all(np.isfinite(c)):
        return RELATIVE_NOISE
    return NoiseModel(float(c[0]), float(c[1]), float(c[2] * z_min), float(f.max()), "kk")


# --------------------------------------------------------------------------------------------
# circuits and fitting
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    """One candidate circuit: R0, [L], ``n_arcs`` ZARCs, [diffusion tail CPE], all in series.

    ``L`` is an apparent series inductance and may be negative: the leads' inductance minus the
    first-order tail R_b^2 C_b of an arc relaxing above the measured range (the bulk of LLZO at
    room temperature: Z_b ~ R_b - j omega R_b^2 C_b for omega R_b C_b << 1).
    """

    n_arcs: int
    inductor: bool
    tail: bool

    @property
    def names(self) -> tuple[str, ...]:
        """Parameter names, in the order of the parameter vector."""
        out = ["R0"] + (["L"] if self.inductor else [])
        for k in range(1, self.n_arcs + 1):
            out += [f"Zarc{k}_R", f"Zarc{k}_tau", f"Zarc{k}_n"]
        return (*out, *(["tail_Y", "tail_n"] if self.tail else []))

    def cdc(self, x: np.ndarray | None = None) -> str:
        """Pyimpspec circuit description code, with the values ``x`` when given."""
        if x is None:
            return "R" + ("L" if self.inductor else "") + "Zarc" * self.n_arcs + ("Q" if self.tail else "")
        v = dict(zip(self.names, map(float, x), strict=True))
        out = f"R{{R={v['R0']:.10g}}}" + (f"L{{L={v['L']:.10g}}}" if self.inductor else "")
        for k in range(1, self.n_arcs + 1):
            out += f"Zarc{{R={v[f'Zarc{k}_R']:.10g},tau={v[f'Zarc{k}_tau']:.10g},n={v[f'Zarc{k}_n']:.10g}}}"
        if self.tail:
            out += f"Q{{Y={v['tail_Y']:.10g},n={v['tail_n']:.10g}}}"
        return out


def candidates(max_arcs: int) -> list[Candidate]:
    """Every candidate circuit with 1 .. ``max_arcs`` arcs, with/without L, with/without a tail."""
    return [Candidate(k, ind, tail) for k in range(1, max_arcs + 1) for ind in (False, True) for tail in (False, True)]


class CircuitModel:
    """Impedance of a :class:`Candidate` and its analytic Jacobian, vectorised (numpy).

    The same functions as pyimpspec's elements (``R``, ``L``, ``Zarc`` = R / (1 + (j omega tau)^n),
    ``Q`` = 1 / (Y (j omega)^n)); ``tests/analysis/test_eis.py`` checks the impedance against
    ``pyimpspec.parse_cdc(cdc).get_impedances`` and the Jacobian against finite differences. The
    fit works on ``u``: logarithms of R0, the R, tau and Y; L and the exponents n as they are.
    """

    def __init__(self, cand: Candidate, f_Hz: np.ndarray, arc_min_n: float):
        self.cand = cand
        self.f = np.asarray(f_Hz, float)
        self.jw = 2j * np.pi * self.f
        self.names = cand.names
        self.log = np.array([not (n == "L" or n.endswith("_n")) for n in self.names])
        w_min, w_max = 2 * np.pi * self.f.min(), 2 * np.pi * self.f.max()
        lo, hi = [], []
        for n in self.names:
            if n == "L":
                lo.append(-1e-2), hi.append(1e-2)
            elif n.endswith("_tau"):  # one decade beyond the measured range on each side
                lo.append(np.log(0.1 / w_max)), hi.append(np.log(10 / w_min))
            elif n == "tail_n":
                lo.append(0.2), hi.append(arc_min_n)
            elif n.endswith("_n"):
                lo.append(0.4), hi.append(1.0)
            else:  # resistances and tail_Y
                lo.append(np.log(1e-12)), hi.append(np.log(1e15))
        self.lo, self.hi = np.array(lo), np.array(hi)

    def to_u(self, x: np.ndarray) -> np.ndarray:
        """Parameters -> fit variables, clipped inside the bounds."""
        u = np.array(x, float)
        u[self.log] = np.log(np.maximum(u[self.log], 1e-300))
        pad = 1e-9 * (self.hi - self.lo)
        return np.clip(u, self.lo + pad, self.hi - pad)

    def to_x(self, u: np.ndarray) -> np.ndarray:
        """Fit variables -> parameters."""
        x = np.array(u, float)
        x[self.log] = np.exp(x[self.log])
        return x

    def impedance(self, x: np.ndarray, f_Hz: np.ndarray | None = None) -> np.ndarray:
        """Z(f) in ohm for parameters ``x``."""
        return self._eval(np.asarray(x, float), None if f_Hz is None else 2j * np.pi * np.asarray(f_Hz, float))[0]

    def jacobian_u(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Z and dZ/du (complex, points x parameters)."""
        return self._eval(self.to_x(u), None, jac=True)

    def _eval(self, x: np.ndarray, jw: np.ndarray | None, jac: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
        jw = self.jw if jw is None else jw
        cols = []
        i = 0
        Z = np.full(jw.shape, x[0], dtype=complex)
        cols.append(np.full(jw.shape, x[0], dtype=complex))
        i = 1
        if self.cand.inductor:
            Z = Z + jw * x[i]
            cols.append(jw)
            i += 1
        for _ in range(self.cand.n_arcs):
            R, tau, n = x[i: i + 3]
            s = jw * tau
            sn = s ** n
            D = 1 + sn
            Zk = R / D
            Z = Z + Zk
            if jac:
                cols += [Zk, -R * n * sn / D ** 2, -R * sn * np.log(s) / D ** 2]
            i += 3
        if self.cand.tail:
            Y, m = x[i: i + 2]
            Zq = 1 / (Y * jw ** m)
            Z = Z + Zq
            if jac:
                cols += [-Zq, -Zq * np.log(jw)]
        return Z, (np.stack(cols, axis=1) if jac else None)


def _starts(cand: Candidate, f: np.ndarray, Z: np.ndarray, drt: tuple[np.ndarray, np.ndarray], n_starts: int,
            rng: np.random.Generator) -> list[np.ndarray]:
    """Return starting parameter vectors: DRT peaks, arcs spread over the range, then seeded perturbations."""
    w = 2 * np.pi * f
    R_hi = max(float(Z.real[np.argmax(f)]), 1e-6)
    R_pol = max(float(Z.real.max() - Z.real.min()), 1e-3 * abs(R_hi))
    w_lo = w.min()
    Z_lo = abs(Z[np.argmin(f)])

    def vec(R0, arcs):
        x = [R0] + ([0.0] if cand.inductor else [])
        for R, tau in arcs:
            x += [R, tau, 0.85]
        if cand.tail:
            x += [1 / (0.1 * Z_lo * np.sqrt(w_lo)), 0.45]
        return np.array(x, float)

    out = []
    tau_d, R_d = drt
    k = cand.n_arcs
    if tau_d.size:
        pick = np.sort(np.argsort(R_d)[::-1][:k])
        arcs = [(max(R_d[i], 1e-3 * R_pol), tau_d[i]) for i in pick]
        while len(arcs) < k:  # more arcs than peaks: add small ones above the highest-frequency peak
            arcs.insert(0, (0.05 * R_pol, min(a[1] for a in arcs) / 30))
        out.append(vec(0.9 * R_hi, arcs))
    taus = np.logspace(np.log10(1 / w.max()), np.log10(1 / w_lo), k + 2)[1:-1]
    out.append(vec(0.9 * R_hi, [(R_pol / k, t) for t in taus]))
    logp = np.array([not (n == "L" or n.endswith("_n")) for n in cand.names])
    base = out[0]
    while len(out) < n_starts:
        x = base.copy()
        x[logp] *= 10 ** rng.uniform(-0.7, 0.7, int(logp.sum()))
        out.append(x)
    return out[:n_starts]


def _warm_starts(cand: Candidate, done: dict[Candidate, np.ndarray], f: np.ndarray, Z: np.ndarray,
                 drt: tuple[np.ndarray, np.ndarray]) -> list[np.ndarray]:
    """Return starts for ``cand`` from fitted candidates it contains (one element fewer)."""
    out = []
    w = 2 * np.pi * f
    for sub, x in done.items():
        v = dict(zip(sub.names, x, strict=True))
        if sub == Candidate(cand.n_arcs, False, cand.tail) and cand.inductor:
            v["L"] = 0.0
        elif sub == Candidate(cand.n_arcs, cand.inductor, False) and cand.tail:
            v["tail_Y"], v["tail_n"] = 1e3 / (np.abs(Z).min() * np.sqrt(w.min())), 0.45
        elif sub == Candidate(cand.n_arcs - 1, cand.inductor, cand.tail):
            taus = [v[f"Zarc{k}_tau"] for k in range(1, sub.n_arcs + 1)]
            # the new arc where no fitted arc is: a DRT peak far from them, else the top of the range
            free = [t for t in drt[0] if min(abs(np.log(t / u)) for u in taus) > np.log(10)]
            tau_new = free[0] if free else 1 / w.max()
            k = cand.n_arcs
            v[f"Zarc{k}_R"], v[f"Zarc{k}_tau"], v[f"Zarc{k}_n"] = 0.02 * float(np.ptp(Z.real)) + 1e-9, tau_new, 0.9
        else:
            continue
        out.append(np.array([v[n] for n in cand.names], float))
    return out


def _fit_one(model: CircuitModel, Z: np.ndarray, x0: np.ndarray, sd: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, float] | None:
    """Weighted least squares from one start (residuals (Z_fit - Z) / ``sd``): ``(x, cov_u, rss)`` or None."""
    from scipy.optimize import least_squares

    def resid(u):
        d = (model.impedance(model.to_x(u)) - Z) / sd
        return np.r_[d.real, d.imag]

    def jac(u):
        J = model.jacobian_u(u)[1] / sd[:, None]
        return np.vstack([J.real, J.imag])

    try:
        sol = least_squares(resid, model.to_u(x0), jac=jac, bounds=(model.lo, model.hi), x_scale="jac",
                            method="trf", max_nfev=100 * len(x0))
    except (ValueError, FloatingPointError, np.linalg.LinAlgError):
        return None
    if not np.all(np.isfinite(sol.fun)):
        return None
    rss = float(np.sum(sol.fun ** 2))
    m, p = sol.fun.size, sol.x.size
    J = jac(sol.x)
    cov_u = np.linalg.pinv(J.T @ J) * rss / max(m - p, 1)
    return model.to_x(sol.x), cov_u, rss


def _information_criterion(rss: float, m: int, p: int, kind: str) -> float:
    rss = max(rss, 1e-300)
    return m * math.log(rss / m) + (p * math.log(m) if kind == "bic" else 2 * p)


def fit_spectrum(f_Hz: np.ndarray, Z_ohm: np.ndarray, params: EISParams,
                 drt: tuple[np.ndarray, np.ndarray] = (np.empty(0), np.empty(0)),
                 noise: NoiseModel | None = None) -> CircuitFit | None:
    """Fit every candidate circuit from several starts and keep the one with the lowest IC.

    Candidates are fitted from simple to complex; each also starts from the fits of the
    candidates it contains (with the extra inductance at 0, the extra tail negligible, or an
    extra small arc), so that a larger circuit never fits worse than one it contains.

    Weighted least squares (SciPy ``least_squares``, trust region with bounds) on the residuals
    (Z_fit - Z) / sd, real and imaginary parts, with sd from the error structure ``noise``
    (:func:`estimate_noise`; None: relative residuals, sd = abs(Z)). Weights 1 / sd^2 make it the
    maximum-likelihood fit under Gaussian errors of that structure (Orazem and Tribollet 2008,
    ch. 21), and its covariance s^2 (J^T J)^-1 (J of the weighted residuals, s^2 = RSS / (2N - P))
    is the one of the estimate; with relative weights where the errors grow towards the top
    frequency the points there get too much weight and s^2 is pooled over errors of different
    size. Standard errors by the delta method. The information criterion:
    BIC = 2N ln(RSS / 2N) + P ln(2N), AIC = 2N ln(RSS / 2N) + 2P (N points, P parameters; RSS
    weighted). ``rel_rmse`` is the RMS of the relative residuals (Z_fit - Z) / abs(Z) either way.

    Returns
    -------
    CircuitFit or None
        None when no candidate converged.
    """
    f = np.asarray(f_Hz, float)
    Z = np.asarray(Z_ohm, complex)
    sd = (RELATIVE_NOISE if noise is None else noise).sd_ohm(f, Z)
    if not (np.all(np.isfinite(sd)) and np.all(sd > 0)):
        sd = np.abs(Z)
    rng = np.random.default_rng(params.fit_seed)
    m = 2 * f.size
    found, ics, done = [], {}, {}
    for cand in candidates(params.max_arcs):
        p = len(cand.names)
        if p >= m - 1:
            continue
        model = CircuitModel(cand, f, params.arc_min_n)
        got = None
        for x0 in _warm_starts(cand, done, f, Z, drt) + _starts(cand, f, Z, drt, params.n_starts, rng):
            r = _fit_one(model, Z, x0, sd)
            if r is not None and (got is None or r[2] < got[2]):
                got = r
        if got is None:
            continue
        x, cov_u, rss = got
        done[cand] = x
        ic = _information_criterion(rss, m, p, params.information_criterion)
        ics[cand.cdc()] = ic
        found.append((ic, cand, x, cov_u, rss))
    if not found:
        return None
    found.sort(key=lambda t: t[0])
    w = np.exp(-(np.array([t[0] for t in found]) - found[0][0]) / 2)
    w = w / w.sum()
    fits = []
    for wi, (ic, cand, x, cov_u, _rss) in zip(w, found, strict=True):
        log = np.array([not (n == "L" or n.endswith("_n")) for n in cand.names])
        scale = np.where(log, x, 1.0)  # delta method: d x / d u
        cov = cov_u * np.outer(scale, scale)
        se = np.sqrt(np.clip(np.diag(cov), 0, None))
        rel = (CircuitModel(cand, f, params.arc_min_n).impedance(x) - Z) / np.abs(Z)
        rel_rmse = float(np.sqrt(np.sum(rel.real ** 2 + rel.imag ** 2) / m))
        fits.append(CircuitFit(cand.cdc(x), cand.names, tuple(map(float, x)), tuple(map(float, se)),
                               rel_rmse, float(ic), ics, cov, float(wi)))
    return replace(fits[0], alternatives=tuple(fits[1:]))


def predict(fit: CircuitFit, f_Hz: np.ndarray) -> np.ndarray:
    """Impedance of a fitted circuit at ``f_Hz``, ohm (pyimpspec ``parse_cdc`` of the stored code)."""
    from pyimpspec import parse_cdc

    return np.asarray(parse_cdc(fit.cdc).get_impedances(np.asarray(f_Hz, float)), complex)


def classify_arcs(fit: CircuitFit, f_Hz: np.ndarray, drt_tau_s: np.ndarray, area_cm2: float,
                  params: EISParams) -> list[Arc]:
    """Return the arcs of a fit, sorted by tau, grouped into relaxation processes and classified.

    A **process** is a DRT peak: each arc with n >= ``arc_min_n`` and tau inside the measured
    range belongs to the DRT peak nearest in log tau when that is within ``arc_tau_ratio_min``
    (a distributed relaxation that the circuit describes with two ZARCs is one process); an arc
    with no DRT peak that near is a process of its own (unconfirmed). A process' resistance is
    the sum of its arcs', its tau their R-weighted logarithmic mean, its capacitance per area of one interface
    c = 2 tau / (R A); it is ``interface`` when c is in the interfacial range, else ``arc``. Arcs
    with n < ``arc_min_n`` are ``diffusion``, arcs relaxing outside the measured range ``outside``;
    neither belongs to a process. Without DRT peaks every arc is its own process.

    One exception for n < ``arc_min_n``: such an arc on the high-frequency side of a DRT peak,
    within ``arc_tau_ratio_min`` of it, is the flank of that relaxation and belongs to its process.
    Diffusion in series with an interfacial relaxation is slower than it and shows below its
    frequency (Lasia, Electrochemical Impedance Spectroscopy and its Applications, Springer 2014,
    ch. 4); a distributed relaxation with an asymmetric, flatter high-frequency side (a
    Havriliak-Negami or transmission-line shape) is what a series of ZARCs describes with a
    low-exponent ZARC just above the main one, and leaving that ZARC out drops part of its
    resistance.
    """
    p = dict(zip(fit.names, fit.values, strict=True))
    s = dict(zip(fit.names, fit.se, strict=True))
    tau_lo, tau_hi = 1 / (2 * np.pi * np.max(f_Hz)), 1 / (2 * np.pi * np.min(f_Hz))
    raw = []
    k = 1
    while f"Zarc{k}_R" in p:
        R, tau, n = p[f"Zarc{k}_R"], p[f"Zarc{k}_tau"], p[f"Zarc{k}_n"]
        flank = -1  # the DRT peak whose high-frequency flank a low-n arc is
        if n < params.arc_min_n and drt_tau_s.size and tau_lo <= tau <= tau_hi:
            above = drt_tau_s[(drt_tau_s > tau) & (drt_tau_s <= tau * params.arc_tau_ratio_min)]
            if above.size:
                flank = int(np.flatnonzero(drt_tau_s == above.min())[0])
        if flank >= 0:
            kind, proc = "", flank
        elif n < params.arc_min_n:
            kind, proc = "diffusion", -1
        elif not tau_lo <= tau <= tau_hi:
            kind, proc = "outside", -1
        else:
            dist = np.abs(np.log(drt_tau_s / tau)) if drt_tau_s.size else np.empty(0)
            if dist.size and dist.min() <= np.log(params.arc_tau_ratio_min):
                kind, proc = "", int(np.argmin(dist))
            else:  # no DRT peak near: a process of its own, unconfirmed
                kind, proc = "", 1000 + k
        raw.append([k, R, s[f"Zarc{k}_R"], tau, n, kind, proc])
        k += 1
    # classify processes by their capacitance
    for pr in {r[6] for r in raw if r[6] >= 0}:
        members = [r for r in raw if r[6] == pr]
        R = sum(r[1] for r in members)
        tau = float(np.exp(sum(r[1] * np.log(r[3]) for r in members) / R)) if R > 0 else members[0][3]
        c = 2 * tau / R / area_cm2 if R > 0 else np.inf
        kind = "interface" if params.interface_c_min_F_cm2 <= c <= params.interface_c_max_F_cm2 else "arc"
        for r in members:
            r[5] = kind
    arcs = [Arc(k, R, se, tau, n, tau / R, 2 * tau / R / area_cm2, 1 / (2 * np.pi * tau), kind, proc)
            for k, R, se, tau, n, kind, proc in raw]
    return sorted(arcs, key=lambda a: a.tau_s)


def identify_interface(arcs: list[Arc], drt_tau_s: np.ndarray, fit: CircuitFit, area_cm2: float,
                       params: EISParams) -> tuple[tuple[int, ...], list[str]]:
    """Return the arcs of the interface process and every reason the value is ambiguous.

    The interface is the lowest-frequency process (:func:`classify_arcs`) with interfacial
    capacitance. Ambiguous: no such process; another one within a factor ``arc_tau_ratio_min``
    in tau (two interfacial processes the capacitance cannot tell apart); its largest arc farther
    than ``drt_tau_tolerance`` from the DRT peak (not confirmed); its resistance not determined
    (relative standard error above ``max_r_rel_se``); a fit that does not describe the spectrum.

    Returns
    -------
    indices, reasons
        Positions in ``arcs`` (empty when no process qualifies); ``reasons`` empty = unambiguous.
    """
    reasons = []
    if fit.rel_rmse > params.max_fit_rel_rmse:
        reasons.append(f"fit does not describe the spectrum (RMS relative residual {100 * fit.rel_rmse:.1f} % > "
                       f"{100 * params.max_fit_rel_rmse:.1f} %)")
    procs: dict[int, list[int]] = {}
    for i, a in enumerate(arcs):
        if a.kind == "interface":
            procs.setdefault(a.process, []).append(i)
    if not procs:
        desc = ", ".join(f"n={a.n:.2f} c={a.c_int_F_cm2:.2g} F/cm2 ({a.kind})" for a in arcs) or "none"
        reasons.append(f"no process with interfacial capacitance {params.interface_c_min_F_cm2:.2g}-"
                       f"{params.interface_c_max_F_cm2:.2g} F/cm2 (arcs: {desc})")
        return (), reasons

    def tau_of(idx):
        R = sum(arcs[i].R_ohm for i in idx)
        return float(np.exp(sum(arcs[i].R_ohm * np.log(arcs[i].tau_s) for i in idx) / R))

    order = sorted(procs.values(), key=tau_of)
    chosen = order[-1]
    tau = tau_of(chosen)
    if len(order) > 1 and tau / tau_of(order[-2]) < params.arc_tau_ratio_min:
        reasons.append(f"two interfacial processes only {tau / tau_of(order[-2]):.1f}x apart in tau "
                       f"(< {params.arc_tau_ratio_min:g}x): indistinguishable")
    main = max(chosen, key=lambda i: arcs[i].R_ohm)
    dist = np.abs(np.log(drt_tau_s / arcs[main].tau_s)).min() if drt_tau_s.size else np.inf
    if dist > np.log(params.drt_tau_tolerance):
        reasons.append(f"no DRT peak within {params.drt_tau_tolerance:g}x of the interface arc's tau "
                       f"({arcs[main].tau_s:.2g} s" + (f"; nearest x{np.exp(dist):.1f})" if np.isfinite(dist) else ")"))
    R = sum(arcs[i].R_ohm for i in chosen)
    rel_se = _sum_se(fit, [arcs[i].index for i in chosen]) / R if R > 0 else np.inf
    if not rel_se <= params.max_r_rel_se:
        reasons.append(f"R_arc not determined by the data (relative s.e. {100 * rel_se:.0f} % > "
                       f"{100 * params.max_r_rel_se:.0f} %)")
    return tuple(sorted(chosen)), reasons


def _sum_se(fit: CircuitFit, zarcs: list[int]) -> float:
    """Return the standard error of the sum of the resistances of ZARCs ``zarcs`` (1-based), from the covariance."""
    idx = [fit.names.index(f"Zarc{k}_R") for k in zarcs]
    if fit.cov.size == 0:
        return float(np.sqrt(sum(fit.se[i] ** 2 for i in idx)))
    return float(np.sqrt(max(float(fit.cov[np.ix_(idx, idx)].sum()), 0.0)))


#: Parameters the fit stage (:func:`fit_stage`: Kramers-Kronig test, DRT, candidate fits) reads.
FIT_PARAMETERS = ("fit_f_max_Hz", "fit_f_min_Hz", "min_points", "kk_mu_criterion", "kk_max_noise_pct", "drt_lambda",
                  "drt_peak_prominence", "max_arcs", "n_starts", "information_criterion", "arc_min_n", "fit_seed")
#: Parameters only the interpretation (:func:`interpret_spectrum`) reads: varying them needs no refit.
INTERPRETATION_PARAMETERS = ("interface_c_min_F_cm2", "interface_c_max_F_cm2", "arc_tau_ratio_min",
                             "drt_tau_tolerance", "max_r_rel_se", "max_fit_rel_rmse")


def fit_key(params: EISParams) -> tuple:
    """Return the values of :data:`FIT_PARAMETERS`: two parameter sets with the same key give the same fits."""
    return tuple(getattr(params, k) for k in FIT_PARAMETERS)


@dataclass(frozen=True)
class SpectrumFit:
    """The fit stage of one spectrum (:func:`fit_stage`): everything the interpretation needs.

    Attributes
    ----------
    reasons
        What preparation and the tests noted so far (dropped points, KK-invalid, a failed fit).
    area_cm2, n_points, f_Hz, Z_ohm
        As in :class:`SpectrumResult` (the prepared spectrum).
    kk, drt_tau_s, drt_R_ohm
        Kramers-Kronig test and DRT peaks.
    fit
        The chosen circuit with its alternatives (None: not fitted).
    fit_f_Hz
        The frequencies inside the fit window (the measured range the arcs are classified in).
    done
        True when the analysis ended before fitting (unreadable spectrum, bad area, too few
        points): the interpretation returns ``not_fitted`` with ``reasons`` as they are.
    """

    reasons: tuple[str, ...]
    area_cm2: float
    n_points: int
    f_Hz: np.ndarray = field(repr=False)
    Z_ohm: np.ndarray = field(repr=False)
    kk: KKResult | None = None
    drt_tau_s: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    drt_R_ohm: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    fit: CircuitFit | None = None
    fit_f_Hz: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    done: bool = False


def analyse_spectrum(f_Hz: np.ndarray, Z_ohm: np.ndarray, area_cm2: float, params: EISParams) -> SpectrumResult:
    """Validate, fit and interpret one symmetric-cell spectrum. Never raises on bad data.

    :func:`interpret_spectrum` of :func:`fit_stage`: the fit stage reads only
    :data:`FIT_PARAMETERS`, the interpretation :data:`INTERPRETATION_PARAMETERS` and ``arc_min_n``.

    Parameters
    ----------
    f_Hz, Z_ohm
        Spectrum (Hz; complex ohm, Z = Re - j (-Im)).
    area_cm2
        Electrode area, cm2.
    params
        Analysis parameters.
    """
    return interpret_spectrum(fit_stage(f_Hz, Z_ohm, area_cm2, params), params)


def fit_stage(f_Hz: np.ndarray, Z_ohm: np.ndarray, area_cm2: float, params: EISParams) -> SpectrumFit:
    """Prepare one spectrum, run the Kramers-Kronig test and the DRT, and fit the candidate circuits.

    The costly part of :func:`analyse_spectrum` (on the demo ~0.6 s CPU per spectrum, nearly all
    in the fits); it reads only :data:`FIT_PARAMETERS`. Never raises on bad data.
    """
    reasons: list[str] = []
    try:
        f, Z, notes = prepare_spectrum(f_Hz, Z_ohm)
    except ValueError as e:
        return SpectrumFit((f"unreadable spectrum: {e}",), float(area_cm2), 0, np.empty(0), np.empty(0, complex),
                           done=True)
    reasons += notes
    base = {"area_cm2": float(area_cm2), "n_points": int(f.size), "f_Hz": f, "Z_ohm": Z}
    if not (np.isfinite(area_cm2) and area_cm2 > 0):
        return SpectrumFit((*reasons, f"electrode area must be > 0 (got {area_cm2})"), **base, done=True)
    if f.size < params.min_points:
        return SpectrumFit((*reasons, f"too few points ({f.size} < {params.min_points})"), **base, done=True)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        kk = None
        try:
            kk = kk_test(f, Z, params)
            if not kk.valid:
                reasons.append(f"KK-invalid: residual noise {kk.noise_pct:.2g} % > {params.kk_max_noise_pct:g} % "
                               f"(largest residual {kk.max_residual_pct:.2g} %)")
        except Exception as e:
            reasons.append(f"Kramers-Kronig test failed: {type(e).__name__}: {e}")
        drt = (np.empty(0), np.empty(0))
        try:
            drt = drt_peaks(f, Z, params)
        except Exception as e:
            reasons.append(f"DRT failed: {type(e).__name__}: {e}")
        window = (f <= params.fit_f_max_Hz) & (f >= params.fit_f_min_Hz)
        fit = None
        if window.sum() < params.min_points:
            reasons.append(f"too few points in the fit window ({int(window.sum())} < {params.min_points})")
        else:
            try:
                fit = fit_spectrum(f[window], Z[window], params, drt)
            except Exception as e:
                reasons.append(f"fit failed: {type(e).__name__}: {e}")
    return SpectrumFit(tuple(reasons), **base, kk=kk, drt_tau_s=drt[0], drt_R_ohm=drt[1], fit=fit, fit_f_Hz=f[window])


def interpret_spectrum(sf: SpectrumFit, params: EISParams) -> SpectrumResult:
    """Classify the arcs of a fitted spectrum and identify the interface arc (the cheap stage).

    :func:`classify_arcs`, :func:`identify_interface` and the model average on the fits of
    :func:`fit_stage`. Besides :data:`INTERPRETATION_PARAMETERS` it reads ``arc_min_n``, which
    also bounds the fit (a :data:`FIT_PARAMETERS` member), so a parameter of the interpretation can
    be varied on stored fits and ``arc_min_n`` cannot.
    """
    base = {"area_cm2": sf.area_cm2, "n_points": sf.n_points, "f_Hz": sf.f_Hz, "Z_ohm": sf.Z_ohm}
    if sf.done:
        return SpectrumResult("not_fitted", sf.reasons, **base)
    reasons = list(sf.reasons)
    extra = {"kk": sf.kk, "drt_tau_s": sf.drt_tau_s, "drt_R_ohm": sf.drt_R_ohm}
    fit = sf.fit
    if fit is None:
        if not any(r.startswith(("fit failed", "too few")) for r in reasons):
            reasons.append("no candidate circuit converged")
        return SpectrumResult("not_fitted", tuple(reasons), **base, **extra)
    arcs = classify_arcs(fit, sf.fit_f_Hz, sf.drt_tau_s, sf.area_cm2, params)
    idx, why = identify_interface(arcs, sf.drt_tau_s, fit, sf.area_cm2, params)
    R_int = R_se = float("nan")
    if idx:
        R_arc, se_arc, why_avg = _model_average(fit, arcs, idx, sf.fit_f_Hz, sf.drt_tau_s, sf.area_cm2, params)
        why = [w for w in why if not w.startswith("R_arc not determined")] + why_avg
        R_int, R_se = R_arc * sf.area_cm2 / 2, se_arc * sf.area_cm2 / 2
    reasons += why
    status = "ok" if idx and not why else "ambiguous"
    return SpectrumResult(status, tuple(reasons), **base, **extra, fit=fit, arcs=tuple(arcs), interface=idx,
                          R_int_ohm_cm2=float(R_int), R_int_se_ohm_cm2=float(R_se))


def _model_average(fit: CircuitFit, arcs: list[Arc], idx: tuple[int, ...], f: np.ndarray, drt_tau_s: np.ndarray,
                   area_cm2: float, params: EISParams) -> tuple[float, float, list[str]]:
    """Interface resistance averaged over the supported candidates, with its unconditional s.e.

    Candidates whose information criterion is close to the best one's describe the spectrum about
    as well, and may split the resistance differently. Each candidate (weight w_i, see
    :class:`CircuitFit`) that places the interface process within ``arc_tau_ratio_min`` of the
    best one's gives R_i +- s_i; the value is sum w_i R_i / sum w_i and its standard error
    sum w_i sqrt(s_i^2 + (R_i - R)^2) / sum w_i (Burnham and Anderson 2002, Eq. 4.9), so that the
    uncertainty of the choice of circuit is part of it. When candidates that disagree (no
    interface, or another one) carry more weight than those that agree, the value is ambiguous.

    Returns
    -------
    R_ohm, se_ohm, reasons
    """
    tau0 = float(np.exp(sum(arcs[i].R_ohm * np.log(arcs[i].tau_s) for i in idx) / sum(arcs[i].R_ohm for i in idx)))
    vals, w_agree, w_disagree = [], 0.0, 0.0
    for fi in (fit, *fit.alternatives):
        if fi.weight < 1e-3:
            continue
        a = arcs if fi is fit else classify_arcs(fi, f, drt_tau_s, area_cm2, params)
        ix = idx if fi is fit else identify_interface(a, drt_tau_s, fi, area_cm2, params)[0]
        if not ix:
            w_disagree += fi.weight
            continue
        R = sum(a[i].R_ohm for i in ix)
        tau = float(np.exp(sum(a[i].R_ohm * np.log(a[i].tau_s) for i in ix) / R))
        if abs(np.log(tau / tau0)) > np.log(params.arc_tau_ratio_min):
            w_disagree += fi.weight
            continue
        w_agree += fi.weight
        vals.append((fi.weight, R, _sum_se(fi, [a[i].index for i in ix])))
    w = np.array([v[0] for v in vals])
    R = np.array([v[1] for v in vals])
    s = np.array([v[2] for v in vals])
    R_avg = float(np.sum(w * R) / w.sum())
    se = float(np.sum(w * np.sqrt(s ** 2 + (R - R_avg) ** 2)) / w.sum())
    reasons = []
    if w_disagree > w_agree:
        reasons.append(f"circuits with {100 * w_disagree / (w_agree + w_disagree):.0f} % of the support place no "
                       "interface process there")
    if not se <= params.max_r_rel_se * R_avg:
        reasons.append(f"R_arc not determined by the data (relative s.e. {100 * se / R_avg:.0f} % > "
                       f"{100 * params.max_r_rel_se:.0f} %, incl. the choice of circuit)")
    return R_avg, se, reasons


# --------------------------------------------------------------------------------------------
# tables and claims
# --------------------------------------------------------------------------------------------
#: Columns of the per-spectrum table ``eis_fits.csv``.
FIT_COLUMNS = ["run_id", "cell", "interlayer", "state", "technique", "area_cm2", "n_points", "status",
               "kk_valid", "kk_num_RC", "kk_noise_pct", "kk_max_residual_pct", "circuit", "fit_rel_rmse_pct",
               "fit_max_rel_residual_pct", "n_arcs", "R_arc_ohm", "tau_arc_s", "n_arc", "c_int_F_cm2",
               "f_arc_Hz", "interface_zarcs", "R_int_ohm_cm2", "R_int_se_ohm_cm2", "reasons"]

#: Columns of the per-arc table ``eis_arcs.csv``.
ARC_COLUMNS = ["run_id", "arc", "zarc", "process", "kind", "R_ohm", "R_se_ohm", "tau_s", "n", "C_F", "c_int_F_cm2",
               "f_peak_Hz"]


def analyse_runs(meta: pd.DataFrame, eis: pd.DataFrame, params: EISParams) -> dict[str, SpectrumResult]:
    """Analyse every impedance run of an ingested echem dataset.

    Parameters
    ----------
    meta
        ``echem_meta`` (``run_id``, ``technique``, ``area_cm2``, ...); runs of other techniques are skipped.
    eis
        ``echem_eis`` (``run_id, freq_Hz, re_Z_ohm, minus_im_Z_ohm``).
    """
    return interpret_runs(fit_runs(meta, eis, params), params)


def fit_runs(meta: pd.DataFrame, eis: pd.DataFrame, params: EISParams) -> dict[str, SpectrumFit]:
    """Run the fit stage (:func:`fit_stage`) of every impedance run of ``meta``; by run id."""
    runs = meta[meta["technique"].isin(EIS_TECHNIQUES)]
    by_run = {k: g for k, g in eis.groupby("run_id", sort=False)}
    jobs = []
    for r in runs.itertuples(index=False):
        d = by_run.get(r.run_id)
        if d is None:
            d = eis.iloc[:0]
        Z = d["re_Z_ohm"].to_numpy(float) - 1j * d["minus_im_Z_ohm"].to_numpy(float)
        jobs.append((d["freq_Hz"].to_numpy(float), Z, float(r.area_cm2)))
    # the spectra are independent (each fit seeds its own generator): one worker per spectrum
    # (llzo.analysis.parallel.workers() cores), results in the order of the runs; pyimpspec is
    # imported once here, before the workers are forked (1-2 s each otherwise)
    if jobs:
        import pyimpspec  # noqa: F401
    done = map_ordered(_fit_job, jobs, None, params)
    return dict(zip(runs["run_id"], done, strict=True))


def _fit_job(job: tuple[np.ndarray, np.ndarray, float], params: EISParams) -> SpectrumFit:
    return fit_stage(*job, params)


def interpret_runs(fits: dict[str, SpectrumFit], params: EISParams) -> dict[str, SpectrumResult]:
    """:func:`interpret_spectrum` of every run of :func:`fit_runs`."""
    return {run: interpret_spectrum(sf, params) for run, sf in fits.items()}


def fits_table(meta: pd.DataFrame, results: dict[str, SpectrumResult]) -> pd.DataFrame:
    """One row per spectrum (``FIT_COLUMNS``), in the order of ``meta``."""
    rows = []
    info = meta.set_index("run_id")
    for run, res in results.items():
        m = info.loc[run]
        row = {"run_id": run, "cell": m.get("cell", ""), "interlayer": m.get("interlayer", ""),
               "state": m.get("state", ""), "technique": m.get("technique", ""), "area_cm2": res.area_cm2,
               "n_points": res.n_points, "status": res.status, "reasons": "; ".join(res.reasons)}
        if res.kk is not None:
            row.update(kk_valid=res.kk.valid, kk_num_RC=res.kk.num_RC, kk_noise_pct=res.kk.noise_pct,
                       kk_max_residual_pct=res.kk.max_residual_pct)
        if res.fit is not None:
            _, rr, ri = fit_residuals_pct(res)
            row.update(circuit=_bare_cdc(res.fit.cdc), fit_rel_rmse_pct=100 * res.fit.rel_rmse, n_arcs=len(res.arcs),
                       fit_max_rel_residual_pct=float(max(np.max(np.abs(rr)), np.max(np.abs(ri)))))
        if res.interface:
            sel = [res.arcs[i] for i in res.interface]
            R = sum(a.R_ohm for a in sel)
            tau = float(np.exp(sum(a.R_ohm * np.log(a.tau_s) for a in sel) / R))  # R-weighted, in log tau
            row.update(R_arc_ohm=R, tau_arc_s=tau, n_arc=min(a.n for a in sel), c_int_F_cm2=2 * tau / R / res.area_cm2,
                       f_arc_Hz=1 / (2 * np.pi * tau), interface_zarcs=len(sel), R_int_ohm_cm2=res.R_int_ohm_cm2,
                       R_int_se_ohm_cm2=res.R_int_se_ohm_cm2)
        rows.append(row)
    return pd.DataFrame(rows, columns=FIT_COLUMNS)


def arcs_table(results: dict[str, SpectrumResult]) -> pd.DataFrame:
    """One row per fitted arc (``ARC_COLUMNS``)."""
    rows = [{"run_id": run, "arc": i + 1, "zarc": a.index, "process": a.process, "kind": a.kind, "R_ohm": a.R_ohm,
             "R_se_ohm": a.R_se_ohm, "tau_s": a.tau_s, "n": a.n, "C_F": a.C_F, "c_int_F_cm2": a.c_int_F_cm2,
             "f_peak_Hz": a.f_peak_Hz}
            for run, res in results.items() for i, a in enumerate(res.arcs)]
    return pd.DataFrame(rows, columns=ARC_COLUMNS)


def _bare_cdc(cdc: str) -> str:
    """``R{R=...}L{...}Zarc{...}`` -> ``RLZarc`` (element symbols only)."""
    out, depth = [], 0
    for ch in cdc:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and ch not in "[]":
            out.append(ch)
    return "".join(out)


def fit_residuals_pct(res: SpectrumResult) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Relative residuals of the chosen fit over the whole spectrum: f (Hz), real and imaginary (%)."""
    if res.fit is None:
        return res.f_Hz, np.full(res.f_Hz.size, np.nan), np.full(res.f_Hz.size, np.nan)
    d = (res.Z_ohm - predict(res.fit, res.f_Hz)) / np.abs(res.Z_ohm)
    return res.f_Hz, 100 * d.real, 100 * d.imag


def cell_values(table: pd.DataFrame) -> pd.DataFrame:
    """Per cell and state: mean R_int over its unambiguous spectra (repeats), and what was left out.

    Returns
    -------
    DataFrame
        ``cell, interlayer, state, n_spectra, n_ok, R_int_ohm_cm2, R_int_se_ohm_cm2, R_int_flagged_ohm_cm2,
        status, reasons``; ``status`` is ``ok`` when at least one spectrum is unambiguous, else that of
        the spectra; ``R_int_flagged_ohm_cm2`` is the mean of an ambiguous cell's flagged values (for
        the figure only).
    """
    rows = []
    for (cell, il, st), g in table.groupby(["cell", "interlayer", "state"], sort=False):
        ok = g[g["status"] == "ok"]
        flagged = float("nan")
        if len(ok):
            r = float(ok["R_int_ohm_cm2"].mean())
            se = float(np.sqrt(np.sum(ok["R_int_se_ohm_cm2"].fillna(0) ** 2)) / len(ok))
            status, why = "ok", ""
        else:
            r, se = float("nan"), float("nan")
            status = "ambiguous" if (g["status"] == "ambiguous").any() else "not_fitted"
            why = " | ".join(f"{a}: {b}" for a, b in zip(g["run_id"], g["reasons"].fillna(""), strict=True))
            vals = g["R_int_ohm_cm2"].to_numpy(float)
            flagged = float(np.nanmean(vals)) if np.isfinite(vals).any() else float("nan")
        rows.append({"cell": cell, "interlayer": il, "state": st, "n_spectra": len(g), "n_ok": len(ok),
                     "R_int_ohm_cm2": r, "R_int_se_ohm_cm2": se, "R_int_flagged_ohm_cm2": flagged, "status": status,
                     "reasons": why})
    return pd.DataFrame(rows, columns=["cell", "interlayer", "state", "n_spectra", "n_ok", "R_int_ohm_cm2",
                                       "R_int_se_ohm_cm2", "R_int_flagged_ohm_cm2", "status", "reasons"])


def eis_claims(table: pd.DataFrame, params: EISParams) -> list[Claim]:
    """Return the ``r_int_*_ohm_cm2`` claims: per group, the median over cells with an unambiguous value.

    The interval spans the cells' values +- 1.96 standard errors (a spread, not a confidence
    interval of the median). Ambiguous cells are named in the note and left out; a group whose
    every cell is ambiguous gets a claim without a value.
    """
    cells = cell_values(table)
    claims = []
    for il, st, cid, _label in GROUPS:
        g = cells[(cells["interlayer"] == il) & (cells["state"] == st)]
        if g.empty:
            continue
        ok = g[g["status"] == "ok"]
        bad = g[g["status"] != "ok"]
        spectra = table[(table["interlayer"] == il) & (table["state"] == st)]
        n_kk = int((spectra["kk_valid"] == True).sum())  # noqa: E712 - NaN-safe
        note = (f"median of {len(ok)} cell(s) ({len(spectra)} spectra, {n_kk} KK-valid); interface arc by its "
                f"capacitance ({params.interface_c_min_F_cm2:.0e}-{params.interface_c_max_F_cm2:.0e} F/cm2)")
        if len(bad):
            note += "; left out as " + ", ".join(f"{c} ({s})" for c, s in zip(bad["cell"], bad["status"], strict=True))
        if ok.empty:
            claims.append(Claim(cid, float("nan"), n=0, note=note + "; no unambiguous cell"))
            continue
        r = ok["R_int_ohm_cm2"].to_numpy(float)
        s = ok["R_int_se_ohm_cm2"].fillna(0).to_numpy(float)
        claims.append(Claim(cid, float(np.median(r)), ci_low=float(np.min(r - 1.96 * s)),
                            ci_high=float(np.max(r + 1.96 * s)), n=len(ok), note=note))
    return claims
