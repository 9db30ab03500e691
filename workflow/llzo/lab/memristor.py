"""Virtual lab: Li|LLZO|WE memristor sweeps (Fig. 6e-i) at a c-AFM tip and at Au pads.

Physical picture (paper, Fig. 6d): under negative bias Li+ is reduced at the working electrode
(WE); a Li filament nucleates and bridges the pellet (set, HRS -> LRS). Under positive bias Li is
stripped from the filament; a thin filament (nanoscale WE) breaks (reset, LRS -> HRS), a thick one
(large pad) is only thinned because its electronic conduction offsets the driving force, so the
device stays in LRS.

Model, per device (one multi-cycle CSV, cycles ``0 -> set_limit_V -> 0 -> reset_limit_V -> 0``):

* **HRS: the contact's ionic current**, the same physics as the trigger sweeps
  (:mod:`llzo.lab.sweeps`): the interface (small-signal resistance ``ASR / A``; tip: the Hertz
  contact of ``lab.tip`` on the grain modulus with the tip ASR; pad: side^2 with the Au-pad ASR,
  ``lab.material``) is Butler-Volmer-like with width ``V0 = 2 k T / e``, in series with the
  constriction resistance ``1 / (4 sigma a)`` of the contact
  (:func:`llzo.lab.instrument.interface_current_A`).
  At a tip this is femtoamperes: the measured HRS is the instrument's floor, as the paper says
  ("not measurable with the current nanoelectrochemical measurement setup"); at a 500 um pad it
  is microamperes. Plus the ohmic leak ``G_leak V`` of dead Li left by incomplete resets.
* **Set: thermally activated nucleation.** The nucleation rate rises with the overpotential,
  ``lambda = nu exp(-(E_b - alpha e |V|) / k T)`` (transition-state theory with a field-lowered
  barrier; Menzel et al., Adv. Funct. Mater. 25, 6306 (2015) for filamentary switching); the
  set is where the accumulated hazard ``int lambda dt`` reaches an exponential draw, so the set
  bias follows from the barrier, the attempt frequency and the sweep rate (a slower sweep sets
  earlier), and scatters by ``k T / (alpha e)``. The barrier relaxes from ``first_set_barrier_eV``
  to ``set_barrier_eV`` over ``forming_tau_cycles`` (the residual Li stub of earlier cycles eases
  nucleation). A cycle whose hazard never reaches the draw has no set.
* **LRS**: the bridged filament is ohmic, ``G_f`` (log-normal cycle-to-cycle scatter).
* **Reset**: rupture under positive bias with the same kinetics and barrier
  ``reset_barrier_eV``. The stripped fraction depends on the electrode size,
  ``r = 1 / (1 + (side / reversibility_half_side_um)^n)`` (tip: the Hertz contact diameter, ~nm,
  so r ~ 1). If ``r >= 0.5`` the filament breaks (reset) and ``(1 - r) G_f`` stays behind as
  leak; otherwise it is only thinned to ``(1 - r) G_f`` and the device stays in LRS (no reset).
* **Measurement**: :class:`llzo.lab.instrument.Instrument`, the one model of every tip/pad I-V
  (``lab.tip_instrument``): compliance, floor, gain noise, offset, contact glitches.

Parameters chosen to resemble the paper (``lab.memristor``): the settled tip barrier puts the
set near the -0.25 V of Fig. 6f at the lab's sweep rate; the first cycles need more (forming);
the tip LRS conductance (1e-5 S) is a thin filament whose current at -0.1 V, over the Keithley's
~10 pA floor, is the ~1e5 on/off of Fig. 6g-i; the pad LRS conductances and the reversibility
law give the 500 um pad's single set, no reset and on/off < 10 of Fig. 6e.

Truth (``memristor_truth.tsv``), per cycle: ``set_bias_V`` / ``reset_bias_V`` (empty = none),
and the noise-free state needed to evaluate the HRS/LRS currents at any read bias
(:func:`state_current_A`): ``r_interface_ohm``, ``r_series_ohm``, ``v0_V``, ``g_desc_S`` (ohmic conductance
on the descending branch before a set: leak, or filament + leak when the cycle starts bridged),
``g_set_S`` (after the set, at the end of the negative half), ``compliance_A``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from llzo.lab.instrument import (
    K_B_OVER_E_V_K,
    Instrument,
    butler_volmer_width_V,
    hertz_area_m2,
    interface_current_A,
    spreading_resistance_ohm,
)

#: Columns of memristor_truth.tsv.
TRUTH_COLUMNS = ["sweep_id", "electrode", "pad_side_um", "cycle", "set_bias_V", "reset_bias_V", "r_interface_ohm",
                 "r_series_ohm", "v0_V", "g_desc_S", "g_set_S", "compliance_A"]


@dataclass
class _State:
    """Device state carried from sample to sample."""

    bridged: bool = False
    G_f_S: float = 0.0       # conductance of the bridging filament
    G_leak_S: float = 0.0    # dead-Li leak left by incomplete resets

    def ohmic_S(self) -> float:
        return self.G_leak_S + (self.G_f_S if self.bridged else 0.0)


def _cycle_bias(set_limit_V: float, reset_limit_V: float, n_set: int, n_reset: int) -> np.ndarray:
    """Bias of one cycle 0 -> set limit -> 0 -> reset limit -> 0 (excluding the final 0)."""
    h1, h2 = n_set // 2, n_reset // 2
    neg = np.concatenate([np.linspace(0.0, set_limit_V, h1, endpoint=False),
                          np.linspace(set_limit_V, 0.0, n_set - h1, endpoint=False)])
    pos = np.concatenate([np.linspace(0.0, reset_limit_V, h2, endpoint=False),
                          np.linspace(reset_limit_V, 0.0, n_reset - h2, endpoint=False)])
    return np.concatenate([neg, pos])


def state_current_A(V: np.ndarray | float, r_interface_ohm: float, r_series_ohm: float, v0_V: float,
                    g_ohmic_S: float, compliance_A: float) -> np.ndarray:
    """Noise-free current (A): the contact's ionic current plus the filament/leak ``g_ohmic V``, clipped."""
    V = np.asarray(V, dtype=float)
    I = interface_current_A(V, r_interface_ohm, r_series_ohm, v0_V) + g_ohmic_S * V
    return np.clip(I, -compliance_A, compliance_A)


def reversibility(side_um: float, half_side_um: float, exponent: float) -> float:
    """Fraction of the filament stripped in one positive half cycle (1: fully reversible)."""
    return float(1.0 / (1.0 + (side_um / half_side_um) ** exponent))


def tip_contact_diameter_um(tip_radius_nm: float, tip_force_nN: float, modulus_GPa: float) -> float:
    """Hertz contact diameter (um) of the tip, ``2 a`` with ``a = (3 P r / 4 E*)^(1/3)``."""
    a_m = (3.0 * tip_force_nN * 1e-9 * tip_radius_nm * 1e-9 / (4.0 * modulus_GPa * 1e9)) ** (1.0 / 3.0)
    return 2.0 * a_m * 1e6


def hazard_rate_per_s(bias_magnitude_V: float, barrier_eV: float, attempt_Hz: float, charge_number: float,
                      kT_eV: float) -> float:
    """Thermally activated rate ``nu exp(-(E_b - alpha |V|) / kT)`` (1/s), energies in eV."""
    return float(attempt_Hz * np.exp((charge_number * bias_magnitude_V - barrier_eV) / kT_eV))


def simulate_device(dev: dict, common: dict, side_um: float, r_interface_ohm: float, r_series_ohm: float,
                    v0_V: float, kT_eV: float, instrument: Instrument,
                    rng: np.random.Generator) -> tuple[pd.DataFrame, list[dict]]:
    """Simulate the cycles of one device.

    Parameters
    ----------
    dev
        One entry of ``lab.memristor.devices`` merged over ``device_defaults``.
    common
        ``lab.memristor`` (sample period, kinetics, reversibility law).
    side_um
        Electrode size (pad side, or the tip's contact diameter) in um.
    r_interface_ohm, r_series_ohm, v0_V
        Small-signal interface resistance and series (spreading) resistance of the contact (ohm),
        and the Butler-Volmer width (V).
    kT_eV
        Thermal energy (eV).
    instrument
        The measurement chain.
    rng
        Random stream of this device.

    Returns
    -------
    (DataFrame, list of dict)
        The sweep ``time_s, bias_V, current_A, cycle`` and the per-cycle truth rows.
    """
    dt_s = float(common["sample_period_s"])
    nu, alpha = float(common["attempt_frequency_Hz"]), float(common["charge_number"])
    comp = instrument.compliance_A
    r = reversibility(side_um, common["reversibility_half_side_um"], common["reversibility_exponent"])
    bias_c = _cycle_bias(dev["set_limit_V"], dev["reset_limit_V"], dev["points_set"], dev["points_reset"])
    n = bias_c.size
    n_set = int(dev["points_set"])
    I_ion = interface_current_A(bias_c, r_interface_ohm, r_series_ohm, v0_V)  # the same every cycle
    offset = instrument.draw_offset_A(rng)
    n_spikes = instrument.draw_spikes(rng)
    st = _State()
    V_all, I_all, truth = [], [], []
    for c in range(1, int(dev["cycles"]) + 1):
        form = np.exp(-(c - 1) / float(dev["forming_tau_cycles"]))
        barrier = dev["set_barrier_eV"] + (dev["first_set_barrier_eV"] - dev["set_barrier_eV"]) * form
        G_lrs = dev["lrs_conductance_S"] * (1.0 - dev["forming_lrs_deficit"] * form)
        G_new = G_lrs * float(np.exp(rng.normal(0.0, dev["lrs_log_sd"])))
        e_set, e_reset = rng.exponential(), rng.exponential()
        haz = 0.0
        set_V = reset_V = np.nan
        g_desc = np.nan
        I = np.empty(n)
        for k in range(n):
            V = bias_c[k]
            if k < n_set:  # negative half: nucleation while not bridged; a bridge thickens again
                if st.bridged and V < 0:
                    st.G_f_S = max(st.G_f_S, G_new)
                if np.isnan(g_desc):
                    g_desc = st.ohmic_S()
                if not st.bridged and V < 0:
                    haz += dt_s * hazard_rate_per_s(-V, barrier, nu, alpha, kT_eV)
                    if haz >= e_set:
                        st.bridged, st.G_f_S, set_V = True, G_new, V
                if k == n_set - 1:
                    haz = 0.0
                    g_set = st.ohmic_S()
            elif st.bridged and V > 0 and np.isnan(reset_V) and r > 0:
                haz += dt_s * hazard_rate_per_s(V, dev["reset_barrier_eV"], nu, alpha, kT_eV)
                if haz >= e_reset:
                    if r >= 0.5:  # the filament breaks; its unstripped part stays as leak
                        st.bridged, st.G_leak_S, reset_V = False, st.G_leak_S + (1.0 - r) * st.G_f_S, V
                    else:  # only thinned: stays in LRS
                        st.G_f_S *= 1.0 - r
                        haz = -np.inf
            I[k] = I_ion[k] + st.ohmic_S() * V
        V_all.append(bias_c)
        I_all.append(np.clip(I, -comp, comp))
        truth.append({"cycle": c, "set_bias_V": set_V, "reset_bias_V": reset_V, "r_interface_ohm": r_interface_ohm,
                      "r_series_ohm": r_series_ohm, "v0_V": v0_V, "g_desc_S": g_desc, "g_set_S": g_set,
                      "compliance_A": comp})
    bias = np.concatenate(V_all)
    current = instrument.measure(np.concatenate(I_all), rng, offset_A=offset, n_spikes=n_spikes)
    df = pd.DataFrame({"time_s": np.arange(bias.size) * dt_s, "bias_V": bias, "current_A": current,
                       "cycle": np.repeat(np.arange(1, int(dev["cycles"]) + 1), n)})
    return df, truth


def write(raw_dir: Path, truth_dir: Path, cfg: dict, rng: np.random.Generator) -> dict[str, list[dict]]:
    """Write one multi-cycle memristor CSV per configured device and the truth.

    Parameters
    ----------
    raw_dir, truth_dir
        Dataset and truth folders.
    cfg
        The whole ``lab`` section; this domain reads ``memristor``, ``material``, ``tip`` and
        ``tip_instrument``.
    rng
        Random stream of this domain.

    Returns
    -------
    dict
        ``{"sweeps": rows}`` with ``protocol = memristor``.
    """
    m, mat, tip = cfg["memristor"], cfg["material"], cfg["tip"]
    inst = Instrument.from_config(cfg["tip_instrument"])
    kT_eV = K_B_OVER_E_V_K * (mat["temperature_C"] + 273.15)
    v0 = butler_volmer_width_V(mat["temperature_C"])
    (raw_dir / "sweeps").mkdir(exist_ok=True)
    rows, truth = [], []
    for i, dev_cfg in enumerate(m["devices"]):
        dev = {**m.get("device_defaults", {}), **dev_cfg}
        electrode = dev["electrode"]
        if electrode == "tip":
            r_nm, P_nN = float(tip["radius_nm"]), float(tip["force_nN"])
            side_um = tip_contact_diameter_um(r_nm, P_nN, mat["modulus_gi_GPa"])
            area_m2 = hertz_area_m2(r_nm * 1e-9, P_nN * 1e-9, mat["modulus_gi_GPa"] * 1e9)
            asr = mat["tip_asr_ohm_cm2"]["LLZO"]
            sid = f"mem_tip_{i:02d}"
        else:
            side_um = float(dev["pad_side_um"])
            area_m2 = (side_um * 1e-6) ** 2
            asr = mat["pad_asr_ohm_cm2"]
            sid = f"mem_pad{side_um:g}um_{i:02d}"
        r_int = asr / (area_m2 * 1e4)
        r_sp = spreading_resistance_ohm(area_m2, mat["conductivity_S_cm"])
        df, t_rows = simulate_device(dev, m, side_um, r_int, r_sp, v0, kT_eV, inst,
                                     np.random.default_rng(rng.integers(2**63)))
        rel = f"sweeps/{sid}.csv"
        with open(raw_dir / rel, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(f"# instrument: Keithley 2400, memristor cycling, sweep {sid}\n")
            fh.write(f"# limits: set {dev['set_limit_V']} V, reset {dev['reset_limit_V']} V\n")
            df.to_csv(fh, index=False, float_format="%.7g", lineterminator="\n")
        row = {"sweep_id": sid, "file": rel, "protocol": "memristor", "site": dev.get("site", "GB"),
               "electrode": electrode, "compliance_A": inst.compliance_A}
        if electrode == "tip":
            row.update({"tip_radius_nm": r_nm, "tip_force_nN": P_nN, "distance_to_gb_nm": 0.0})
        else:
            row.update({"pad_side_um": side_um})
        rows.append(row)
        for t in t_rows:
            truth.append({"sweep_id": sid, "electrode": electrode,
                          "pad_side_um": side_um if electrode == "pad" else np.nan, **t})
    pd.DataFrame(truth, columns=TRUTH_COLUMNS).to_csv(
        truth_dir / "memristor_truth.tsv", sep="\t", index=False, lineterminator="\n", float_format="%.9g")
    return {"sweeps": rows}
