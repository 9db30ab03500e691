"""Virtual lab: the I-V instrument and the c-AFM tip contact shared by every tip and pad measurement.

One model for all I-V measurements (trigger sweeps, ``llzo.lab.sweeps``; memristor cycling,
``llzo.lab.memristor``): a Keithley 2400 source-measure unit driving the c-AFM tip or an Au pad
(paper, Methods: "Keithley 2400 sourcemeter as the electrochemical measurement unit", current
limited to 1 mA, voltage to 10 V).

Measured current (config ``lab.tip_instrument``)::

    I_meas = clip(I_true * (1 + noise_rel * n1) + offset + noise_floor_A * n2 (+ spikes), +-compliance_A)

* ``noise_floor_A``: standard deviation of the reading at zero current. The Keithley 2400 resolves
  10 pA on its lowest (1 uA) current range (Keithley 2400 datasheet, current measurement
  accuracy table), so currents below ~10 pA are not measurable: at a c-AFM tip the ionic current
  before a filament forms is femtoamperes (below), and the paper states the high-resistance state
  of the tip memristor "is not measurable with the current nanoelectrochemical measurement setup".
* ``noise_rel``: gain noise of the reading, relative to the current (range accuracy, ~0.03 %).
* ``offset_max_A``: a constant offset per measurement (file), uniform in +-this.
* spikes: single-sample contact glitches of the c-AFM tip (log-uniform amplitude), in a fraction
  of the files.
* ``compliance_A``: the source clips the current.

The tip contact (config ``lab.tip``) is a Hertz sphere-on-flat contact (Johnson, *Contact
Mechanics*, 1985, ch. 4): radius a = (3 P r / 4 E*)^(1/3), area A = pi a^2. Its ionic resistance
before a filament exists is the area-specific interface resistance ASR / A in series with the
constriction (spreading) resistance 1 / (4 sigma a) of a disk contact on a half-space
(Newman, J. Electrochem. Soc. 113, 501 (1966)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Boltzmann constant over the elementary charge (V/K).
K_B_OVER_E_V_K = 8.617333262e-5


@dataclass(frozen=True)
class Instrument:
    """The I-V measurement chain (``lab.tip_instrument``).

    Attributes
    ----------
    compliance_A
        Current limit of the source (A).
    noise_floor_A
        Standard deviation of the reading at zero current (A).
    noise_rel
        Relative (gain) noise of the reading.
    offset_max_A
        Per-file offset, uniform in +-this (A).
    spike_fraction
        Fraction of files with single-sample contact glitches.
    max_spikes
        A glitchy file has 1 .. ``max_spikes`` of them.
    spike_min_A, spike_max_A
        Range of the glitch amplitude (log-uniform, A).
    """

    compliance_A: float
    noise_floor_A: float
    noise_rel: float
    offset_max_A: float
    spike_fraction: float
    max_spikes: int
    spike_min_A: float
    spike_max_A: float

    @classmethod
    def from_config(cls, block: dict) -> Instrument:
        """Build from ``lab.tip_instrument``."""
        return cls(**{k: (int(block[k]) if k == "max_spikes" else float(block[k]))
                      for k in cls.__dataclass_fields__})

    def draw_offset_A(self, rng: np.random.Generator) -> float:
        """Draw the constant offset of one file (A)."""
        return float(rng.uniform(-1.0, 1.0) * self.offset_max_A)

    def draw_spikes(self, rng: np.random.Generator) -> int:
        """Draw the number of contact glitches in one file."""
        return int(rng.integers(1, self.max_spikes + 1)) if rng.random() < self.spike_fraction else 0

    def measure(self, current_A: np.ndarray, rng: np.random.Generator, *, offset_A: float = 0.0,
                n_spikes: int = 0) -> np.ndarray:
        """Return the instrument's reading of a true current (A), clipped at the compliance.

        Parameters
        ----------
        current_A
            True current through the working electrode (A); it is clipped by the source first.
        rng
            Random stream.
        offset_A
            The file's offset (A), from :meth:`draw_offset_A`.
        n_spikes
            Contact glitches to add (random samples except the first and last).
        """
        true = np.clip(np.asarray(current_A, dtype=float), -self.compliance_A, self.compliance_A)
        n = true.size
        out = (true * (1.0 + self.noise_rel * rng.standard_normal(n)) + offset_A
               + self.noise_floor_A * rng.standard_normal(n))
        if n_spikes and n > 2:
            where = rng.choice(np.arange(1, n - 1), size=min(n_spikes, n - 2), replace=False)
            amp = np.exp(rng.uniform(np.log(self.spike_min_A), np.log(self.spike_max_A), where.size))
            out[where] += rng.choice([-1.0, 1.0], where.size) * amp
        return np.clip(out, -self.compliance_A, self.compliance_A)


def hertz_radius_m(radius_m: float, force_N: float, modulus_Pa: float) -> float:
    """Hertz contact radius a = (3 P r / 4 E*)^(1/3) (Johnson 1985, ch. 4), in m."""
    return float((3.0 * force_N * radius_m / (4.0 * modulus_Pa)) ** (1.0 / 3.0))


def hertz_area_m2(radius_m: float, force_N: float, modulus_Pa: float) -> float:
    """Hertz contact area pi a^2 (paper Eq. 1), in m2."""
    return float(np.pi * hertz_radius_m(radius_m, force_N, modulus_Pa) ** 2)


def area_specific_resistance_ohm_cm2(area_m2: float, asr_ohm_cm2: float, conductivity_S_cm: float) -> float:
    """Resistance x area of a contact: interface ASR plus the disk's spreading resistance x area.

    Parameters
    ----------
    area_m2
        Contact area (m2).
    asr_ohm_cm2
        Area-specific interface resistance (ohm cm2).
    conductivity_S_cm
        Ionic conductivity of the electrolyte under the contact (S/cm).

    Returns
    -------
    float
        ``ASR + A / (4 sigma a)`` in ohm cm2 (Newman 1966 for the spreading term), a = sqrt(A/pi).
        Dividing a bias by it gives the mean current density through the contact.
    """
    a_cm = np.sqrt(area_m2 / np.pi) * 100.0
    area_cm2 = area_m2 * 1e4
    return float(asr_ohm_cm2 + area_cm2 / (4.0 * conductivity_S_cm * a_cm))


def ionic_resistance_ohm(area_m2: float, asr_ohm_cm2: float, conductivity_S_cm: float) -> float:
    """Ionic resistance of a contact before a filament exists, ASR / A + 1 / (4 sigma a), in ohm."""
    return area_specific_resistance_ohm_cm2(area_m2, asr_ohm_cm2, conductivity_S_cm) / (area_m2 * 1e4)


def spreading_resistance_ohm(area_m2: float, conductivity_S_cm: float) -> float:
    """Constriction resistance 1 / (4 sigma a) of a disk contact of area A on a half-space (Newman 1966), ohm."""
    return float(1.0 / (4.0 * conductivity_S_cm * 100.0 * np.sqrt(area_m2 / np.pi)))


def interface_current_A(bias_V: np.ndarray | float, r_interface_ohm: float, r_series_ohm: float,
                        v0_V: float) -> np.ndarray:
    """Compute the current of a Butler-Volmer interface in series with an ohmic resistance.

    Solves ``V = V0 asinh(I R_int / V0) + I R_s`` for I (the interface alone carries
    ``(V0 / R_int) sinh(V_int / V0)``, small-signal resistance R_int; Bard & Faulkner, eq. 3.4.11
    with alpha = 1/2). Newton's method from the linear estimate ``V / (R_int + R_s)`` converges
    monotonically (the residual is concave in |I|).

    Parameters
    ----------
    bias_V
        Applied bias (V).
    r_interface_ohm, r_series_ohm
        Small-signal interface resistance and series (spreading) resistance (ohm).
    v0_V
        Butler-Volmer width 2 k T / e (V).

    Returns
    -------
    numpy.ndarray
        Current (A), same sign as the bias.
    """
    v = np.asarray(bias_V, dtype=float)
    s, x = np.sign(v), np.abs(v)
    i = x / (r_interface_ohm + r_series_ohm)
    for _ in range(60):
        f = v0_V * np.arcsinh(i * r_interface_ohm / v0_V) + i * r_series_ohm - x
        fp = r_interface_ohm / np.sqrt(1.0 + (i * r_interface_ohm / v0_V) ** 2) + r_series_ohm
        step = f / fp
        i = i - step
        if np.all(np.abs(step) <= 1e-12 * np.maximum(i, 1e-300)):
            break
    return s * i


def butler_volmer_width_V(temperature_C: float) -> float:
    """V0 = 2 k T / e of a symmetric (alpha = 0.5) Butler-Volmer interface, in V.

    The interfacial current of a small-signal resistance R is ``(V0 / R) sinh(V / V0)`` (Bard &
    Faulkner, *Electrochemical Methods*, 2nd ed., eq. 3.4.11 with alpha = 1/2).
    """
    return 2.0 * K_B_OVER_E_V_K * (temperature_C + 273.15)
