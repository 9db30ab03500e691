"""Virtual lab: impedance spectra of symmetric Li|LLZO|Li cells from physical models.

The spectrum of a cell of electrode area A and pellet thickness L is the sum, in series, of

* the **leads**: series resistance and inductance of cables and cell holder, R + j omega L
  (the inductive tail above ~100 kHz of every real coin-cell spectrum);
* the **bulk** of the garnet, an ideal Debye element R_b || C_b with R_b = L / (sigma_b A) and the
  geometric capacitance C_b = eps0 eps_r A / L (Irvine, Sinclair and West, Adv. Mater. 2, 132
  (1990)); with sigma_b ~ 5e-4 S/cm and eps_r ~ 60 it relaxes at ~15 MHz, above the analyser;
* the **grain boundaries** in the brick-layer model (van Dijk and Burggraaf, Phys. Status Solidi
  A 63, 229 (1981); Haile, West and Campbell, J. Mater. Res. 13, 1576 (1998)): L / d boundaries of
  electrical thickness delta in series, each an R || C with C = eps0 eps_gb A / delta, so the arc
  has the capacitance eps0 eps_gb A d / (delta L) and the time constant eps0 eps_gb / sigma_gb.
  The specific GB conductivity varies from boundary to boundary (log-normal, natural-log standard
  deviation ``gb_sigma_log_sd``): the GB arc is a sum of Debye arcs with a log-normal
  distribution of relaxation times, integrated by Gauss-Hermite quadrature, not a constant-phase
  element;
* two **Li|LLZO interfaces**, each a Havriliak-Negami relaxation Z = R / (1 + (j omega tau)^a)^b
  (Havriliak and Negami, Polymer 8, 161 (1967); as an impedance function: Lasia, Electrochemical
  Impedance Spectroscopy and its Applications, Springer 2014) with tau = r_int c_int (area-specific
  resistance times capacitance per area). The exponent b < 1 makes the arc asymmetric: a
  distributed, non-ideal interface relaxation that no parallel R-CPE reproduces exactly. The two
  interfaces of a cell differ a little (``int_asymmetry_rel_sd``);
* a low-frequency **diffusion** tail in each electrode, finite-length transmissive (bounded)
  diffusion Z = R_D tanh(sqrt(j omega tau_D)) / sqrt(j omega tau_D) (Lasia 2014), which shows
  as a 45 degree line below ~1 Hz;
* **noise** as an impedance analyser measures: Gaussian errors on the real and imaginary parts
  with a standard deviation of a relative part (``eis_noise_rel_sd`` x abs(Z)), an absolute floor
  (``eis_noise_floor_ohm``) and a part growing with frequency (``eis_noise_hf_rel_sd`` x abs(Z) x
  f / f_max: the accuracy contour of an analyser worsens towards its top frequency).

Repeated spectra of one cell drift a little (``eis_repeat_drift_rel_sd`` per repeat, a random walk
of the interface resistance). The truth is the DC resistance of each interface, r_int (ohm cm2),
which is what a correct analysis must report as R_arc x A / 2 (the mean of the two interfaces).

Everything here is numpy: the lab never evaluates the analysis' circuit models.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Vacuum permittivity, F/cm.
EPS0_F_CM = 8.8541878128e-14


def frequencies_Hz(f_max_Hz: float, f_min_Hz: float, points_per_decade: float) -> np.ndarray:
    """Logarithmic frequency sweep from ``f_max_Hz`` down to ``f_min_Hz`` (as an analyser sweeps), Hz."""
    n_dec = np.log10(f_max_Hz / f_min_Hz)
    n = round(n_dec * points_per_decade)
    return f_max_Hz * 10 ** (-np.arange(n + 1) / points_per_decade)


def leads(f_Hz: np.ndarray, *, resistance_ohm: float, inductance_H: float) -> np.ndarray:
    """Series resistance and inductance of the leads, ohm: R + j omega L."""
    return resistance_ohm + 2j * np.pi * np.asarray(f_Hz, float) * inductance_H


def bulk(f_Hz: np.ndarray, *, thickness_cm: float, area_cm2: float, sigma_bulk_S_cm: float,
         eps_r_bulk: float) -> np.ndarray:
    """Bulk of the pellet, ohm: R_b || C_b with R_b = L / (sigma A), C_b = eps0 eps_r A / L (Debye)."""
    R = thickness_cm / (sigma_bulk_S_cm * area_cm2)
    C = EPS0_F_CM * eps_r_bulk * area_cm2 / thickness_cm
    return R / (1 + 2j * np.pi * np.asarray(f_Hz, float) * R * C)


def grain_boundaries(f_Hz: np.ndarray, *, thickness_cm: float, area_cm2: float, r_gb_ohm_cm2: float,
                     grain_size_um: float, gb_thickness_nm: float, eps_r_gb: float, gb_sigma_log_sd: float,
                     n_nodes: int = 48) -> np.ndarray:
    """Brick-layer grain boundaries with a log-normal spread of GB conductivity, ohm.

    ``N = L / d`` boundaries in series, each of thickness delta and area A: R_i = delta / (sigma_i A),
    C = eps0 eps_gb A / delta, tau_i = eps0 eps_gb / sigma_i. ln(sigma_i) is normal with standard
    deviation ``gb_sigma_log_sd``; its median is set so that the DC resistance (the mean over
    boundaries) equals ``r_gb_ohm_cm2 / A``. The expectation over the distribution is taken by
    Gauss-Hermite quadrature with ``n_nodes`` nodes.

    Parameters
    ----------
    r_gb_ohm_cm2
        Area-specific DC resistance of all boundaries together, ohm cm2.
    grain_size_um, gb_thickness_nm
        Grain size d and electrical boundary thickness delta (core plus space-charge layers).
    eps_r_gb
        Relative permittivity of the boundary region.
    gb_sigma_log_sd
        Standard deviation of ln(sigma_gb) over the boundaries (0: one Debye arc).
    """
    f = np.asarray(f_Hz, float)
    n_gb = thickness_cm / (grain_size_um * 1e-4)
    delta_cm = gb_thickness_nm * 1e-7
    s = float(gb_sigma_log_sd)
    # DC: n_gb delta / (A sigma_med) E[exp(-s z)] = r_gb / A  ->  sigma_med
    sigma_med = n_gb * delta_cm / r_gb_ohm_cm2 * np.exp(s * s / 2)
    x, w = np.polynomial.hermite_e.hermegauss(n_nodes if s > 0 else 1)
    w = w / w.sum()
    sigma = sigma_med * np.exp(s * x)
    R_i = n_gb * delta_cm / (sigma * area_cm2)  # all boundaries of that conductivity, ohm
    tau = EPS0_F_CM * eps_r_gb / sigma
    jw = 2j * np.pi * f[:, None]
    return np.sum(w * R_i / (1 + jw * tau), axis=1)


def havriliak_negami(f_Hz: np.ndarray, *, resistance_ohm: float, tau_s: float, alpha: float,
                     beta: float) -> np.ndarray:
    """Havriliak-Negami relaxation as an impedance, ohm: R / (1 + (j omega tau)^alpha)^beta."""
    jwt = 2j * np.pi * np.asarray(f_Hz, float) * tau_s
    return resistance_ohm / (1 + jwt ** alpha) ** beta


def bounded_diffusion(f_Hz: np.ndarray, *, resistance_ohm: float, tau_s: float) -> np.ndarray:
    """Finite-length transmissive diffusion, ohm: R tanh(sqrt(j omega tau)) / sqrt(j omega tau)."""
    u = np.sqrt(2j * np.pi * np.asarray(f_Hz, float) * tau_s)
    return resistance_ohm * np.tanh(u) / u


def peak_frequency_Hz(f_Hz: np.ndarray, Z_ohm: np.ndarray) -> float:
    """Frequency of the largest -Im(Z) of one element, Hz (parabola through the top three points in log f)."""
    f = np.asarray(f_Hz, float)
    y = -np.asarray(Z_ohm).imag
    k = int(np.argmax(y))
    if 0 < k < f.size - 1:
        x = np.log10(f[k - 1: k + 2])
        a, b, _ = np.polyfit(x, y[k - 1: k + 2], 2)
        if a < 0:
            return float(10 ** (-b / (2 * a)))
    return float(f[k])


@dataclass(frozen=True)
class CellEIS:
    """Physical description of one symmetric Li|LLZO|Li cell for impedance (SI-like lab units).

    Attributes
    ----------
    area_cm2, thickness_cm
        Electrode area and pellet thickness.
    sigma_bulk_S_cm, eps_r_bulk
        Bulk conductivity and relative permittivity of the garnet.
    r_gb_ohm_cm2, grain_size_um, gb_thickness_nm, eps_r_gb, gb_sigma_log_sd
        Brick-layer grain boundaries (:func:`grain_boundaries`).
    r_int_ohm_cm2
        DC area-specific resistance of each of the two interfaces, ohm cm2.
    c_int_F_cm2
        Capacitance per area of each interface (tau = r c), F cm-2.
    hn_alpha, hn_beta
        Havriliak-Negami exponents of the interface relaxation.
    diffusion_r_ohm_cm2, diffusion_tau_s
        Bounded diffusion in each electrode (:func:`bounded_diffusion`).
    lead_resistance_ohm, lead_inductance_H
        Leads (:func:`leads`).
    """

    area_cm2: float
    thickness_cm: float
    sigma_bulk_S_cm: float
    eps_r_bulk: float
    r_gb_ohm_cm2: float
    grain_size_um: float
    gb_thickness_nm: float
    eps_r_gb: float
    gb_sigma_log_sd: float
    r_int_ohm_cm2: tuple[float, float]
    c_int_F_cm2: tuple[float, float]
    hn_alpha: float
    hn_beta: float
    diffusion_r_ohm_cm2: float
    diffusion_tau_s: float
    lead_resistance_ohm: float
    lead_inductance_H: float

    def interfaces(self, f_Hz: np.ndarray) -> np.ndarray:
        """Both interfaces in series, ohm."""
        A = self.area_cm2
        return sum(havriliak_negami(f_Hz, resistance_ohm=r / A, tau_s=r * c, alpha=self.hn_alpha, beta=self.hn_beta)
                   for r, c in zip(self.r_int_ohm_cm2, self.c_int_F_cm2, strict=True))

    def grain_boundaries(self, f_Hz: np.ndarray) -> np.ndarray:
        """All grain boundaries, ohm."""
        return grain_boundaries(f_Hz, thickness_cm=self.thickness_cm, area_cm2=self.area_cm2,
                                r_gb_ohm_cm2=self.r_gb_ohm_cm2, grain_size_um=self.grain_size_um,
                                gb_thickness_nm=self.gb_thickness_nm, eps_r_gb=self.eps_r_gb,
                                gb_sigma_log_sd=self.gb_sigma_log_sd)

    def impedance(self, f_Hz: np.ndarray) -> np.ndarray:
        """Noise-free impedance of the cell with its leads, ohm."""
        A = self.area_cm2
        return (leads(f_Hz, resistance_ohm=self.lead_resistance_ohm, inductance_H=self.lead_inductance_H)
                + bulk(f_Hz, thickness_cm=self.thickness_cm, area_cm2=A, sigma_bulk_S_cm=self.sigma_bulk_S_cm,
                       eps_r_bulk=self.eps_r_bulk)
                + self.grain_boundaries(f_Hz)
                + self.interfaces(f_Hz)
                + 2 * bounded_diffusion(f_Hz, resistance_ohm=self.diffusion_r_ohm_cm2 / A, tau_s=self.diffusion_tau_s))

    @property
    def r_int_mean_ohm_cm2(self) -> float:
        """Mean of the two interfaces' resistances, ohm cm2 (R_arc x A / 2 of the pair)."""
        return float(np.mean(self.r_int_ohm_cm2))

    @property
    def gb_capacitance_F_cm2(self) -> float:
        """Capacitance of the grain-boundary arc per electrode area, F cm-2: eps0 eps_gb d / (delta L)."""
        return EPS0_F_CM * self.eps_r_gb * (self.grain_size_um * 1e-4) / (self.gb_thickness_nm * 1e-7
                                                                          * self.thickness_cm)


def add_noise(f_Hz: np.ndarray, Z_ohm: np.ndarray, rng: np.random.Generator, *, rel_sd: float, floor_ohm: float,
              hf_rel_sd: float) -> np.ndarray:
    """Measured impedance: independent Gaussian errors on Re and Im, ohm.

    Standard deviation per component: ``rel_sd`` abs(Z) + ``floor_ohm`` + ``hf_rel_sd`` abs(Z) f / max(f).
    """
    f = np.asarray(f_Hz, float)
    mag = np.abs(Z_ohm)
    sd = rel_sd * mag + floor_ohm + hf_rel_sd * mag * f / f.max()
    return Z_ohm + sd * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))
