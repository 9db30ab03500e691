"""Virtual lab: Li|LLZO|WE memristor sweeps (Fig. 6e-i) at a c-AFM tip and at Au pads.

Physical picture (paper, Fig. 6d): under negative bias Li+ is reduced at the working electrode
(WE); a Li filament nucleates and bridges the pellet (set, HRS -> LRS). Under positive bias Li is
stripped from the filament; a thin filament (nanoscale WE) breaks (reset, LRS -> HRS), a thick one
(large pad) is only thinned because its electronic conduction offsets the driving force, so the
device stays in LRS.

Model, per device (one multi-cycle CSV, cycles ``0 -> set_limit_V -> 0 -> reset_limit_V -> 0``):

* HRS current: ionic, ``I = G_hrs * V0 * sinh(V / V0)`` (Butler-Volmer-like non-linearity);
  plus the ohmic leak ``G_leak * V`` of dead Li left by incomplete resets.
* Set: filament nucleation is a Poisson process whose rate rises exponentially with the
  overpotential beyond the characteristic set bias ``V*_c``:
  ``lambda(V) = |dV/dt| / V_k * exp((V*_c - V) / V_k)``, so the set bias scatters around
  ``V*_c`` by ~``V_k``. ``V*_c`` relaxes from ``first_set_V`` to ``settled_set_V`` over
  ``forming_tau_cycles`` (the residual filament stub left by earlier cycles eases nucleation).
  Within a sweep that never reaches ``V*_c`` the cycle has no set.
* LRS: the bridged filament is ohmic, ``G_f`` (log-normal cycle-to-cycle scatter), clipped at the
  compliance of the source.
* Reset: filament rupture under positive bias, same kinetics around ``reset_bias_V``. The stripped
  fraction depends on the electrode size, ``r = 1 / (1 + (side / reversibility_half_side_um)^n)``
  (tip: the Hertz contact diameter, ~nm, so r ~ 1). If ``r >= 0.5`` the filament breaks (reset)
  and ``(1 - r) G_f`` stays behind as leak; otherwise the filament is only thinned to
  ``(1 - r) G_f`` and the device stays in LRS (no reset).

Truth (``memristor_truth.tsv``): per cycle the set bias (empty = no set), reset bias (empty =
no reset), the noise-free HRS and LRS currents at ``read_bias_V`` and their ratio.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

#: Columns of memristor_truth.tsv.
TRUTH_COLUMNS = ["sweep_id", "electrode", "pad_side_um", "cycle", "set_bias_V", "reset_bias_V",
                 "I_HRS_A", "I_LRS_A", "on_off", "read_bias_V"]


@dataclass
class _State:
    """Device state carried from sample to sample."""

    bridged: bool = False
    G_f_S: float = 0.0       # conductance of the bridging filament
    G_leak_S: float = 0.0    # dead-Li leak left by incomplete resets


def _cycle_bias(set_limit_V: float, reset_limit_V: float, n_set: int, n_reset: int) -> np.ndarray:
    """Bias of one cycle 0 -> set limit -> 0 -> reset limit -> 0 (excluding the final 0)."""
    h1, h2 = n_set // 2, n_reset // 2
    neg = np.concatenate([np.linspace(0.0, set_limit_V, h1, endpoint=False),
                          np.linspace(set_limit_V, 0.0, n_set - h1, endpoint=False)])
    pos = np.concatenate([np.linspace(0.0, reset_limit_V, h2, endpoint=False),
                          np.linspace(reset_limit_V, 0.0, n_reset - h2, endpoint=False)])
    return np.concatenate([neg, pos])


def _current(V: np.ndarray | float, st: _State, G_hrs_S: float, V0_V: float) -> np.ndarray | float:
    """Noise-free current (A) of the device in state ``st`` at bias ``V``."""
    I_ion = G_hrs_S * V0_V * np.sinh(np.asarray(V) / V0_V)
    return I_ion + (st.G_leak_S + (st.G_f_S if st.bridged else 0.0)) * np.asarray(V)


def reversibility(side_um: float, half_side_um: float, exponent: float) -> float:
    """Fraction of the filament stripped in one positive half cycle (1: fully reversible)."""
    return float(1.0 / (1.0 + (side_um / half_side_um) ** exponent))


def tip_contact_diameter_um(tip_radius_nm: float, tip_force_nN: float, modulus_GPa: float) -> float:
    """Hertz contact diameter (um) of the tip, ``2 a`` with ``a = (3 P r / 4 E*)^(1/3)``."""
    a_m = (3.0 * tip_force_nN * 1e-9 * tip_radius_nm * 1e-9 / (4.0 * modulus_GPa * 1e9)) ** (1.0 / 3.0)
    return 2.0 * a_m * 1e6


def simulate_device(dev: dict, common: dict, side_um: float,
                    rng: np.random.Generator) -> tuple[pd.DataFrame, list[dict]]:
    """Simulate the cycles of one device.

    Parameters
    ----------
    dev
        One entry of ``lab.memristor.devices``.
    common
        ``lab.memristor`` (sample period, noise, kinetics width, reversibility law, read bias).
    side_um
        Electrode size (pad side, or the tip's contact diameter) in um.
    rng
        Random stream of this device.

    Returns
    -------
    (DataFrame, list of dict)
        The sweep ``time_s, bias_V, current_A, cycle`` and the per-cycle truth rows.
    """
    dt_s = float(common["sample_period_s"])
    Vk = float(common["kinetic_width_V"])
    V0 = float(dev["hrs_nonlinearity_V"])
    G_hrs = float(dev["hrs_conductance_S"])
    comp = float(dev["compliance_A"])
    read_V = float(common["read_bias_V"])
    r = reversibility(side_um, common["reversibility_half_side_um"], common["reversibility_exponent"])
    bias_c = _cycle_bias(dev["set_limit_V"], dev["reset_limit_V"], dev["points_set"], dev["points_reset"])
    n = bias_c.size
    n_set = int(dev["points_set"])
    st = _State()
    V_all, I_all, cyc_all, truth = [], [], [], []
    for c in range(1, int(dev["cycles"]) + 1):
        form = np.exp(-(c - 1) / float(dev["forming_tau_cycles"]))
        V_star = dev["settled_set_V"] + (dev["first_set_V"] - dev["settled_set_V"]) * form
        G_lrs = dev["lrs_conductance_S"] * (1.0 - dev["forming_lrs_deficit"] * form)
        G_new = G_lrs * float(np.exp(rng.normal(0.0, dev["lrs_scatter"])))
        e_set, e_reset = rng.exponential(), rng.exponential()
        haz = 0.0
        set_V = reset_V = np.nan
        I = np.empty(n)
        state_at = []  # device state (bridged, conductance) at each sample, for the truth read
        for k in range(n):
            V = bias_c[k]
            dV = abs(V - bias_c[k - 1]) if k else abs(V)
            if k < n_set:  # negative half: nucleation while not bridged; a bridge thickens again
                if not st.bridged and V < 0:
                    haz += dV / Vk * np.exp((V_star - V) / Vk)
                    if haz >= e_set:
                        st.bridged, st.G_f_S, set_V = True, G_new, V
                elif st.bridged and V < 0:
                    st.G_f_S = max(st.G_f_S, G_new)
                if k == n_set - 1:
                    haz = 0.0
            elif st.bridged and V > 0 and np.isnan(reset_V) and r > 0:
                haz += dV / Vk * np.exp((V - dev["reset_bias_V"]) / Vk)
                if haz >= e_reset:
                    if r >= 0.5:  # the filament breaks; its unstripped part stays as leak
                        st.bridged, st.G_leak_S, reset_V = False, st.G_leak_S + (1.0 - r) * st.G_f_S, V
                    else:  # only thinned: stays in LRS
                        st.G_f_S *= 1.0 - r
                        haz = -np.inf
            I[k] = _current(V, st, G_hrs, V0)
            state_at.append(_State(st.bridged, st.G_f_S, st.G_leak_S))
        I_clip = np.clip(I, -comp, comp)
        noise = rng.normal(0.0, 1.0, n) * (common["noise_rel"] * np.abs(I_clip) + common["noise_floor_A"])
        V_all.append(bias_c)
        I_all.append(np.clip(I_clip + noise, -comp, comp))
        cyc_all.append(np.full(n, c))
        # truth read: the state where each branch of the negative half crosses read_bias_V
        h1 = n_set // 2
        k_desc = int(np.argmax(bias_c[:h1] <= read_V)) if (bias_c[:h1] <= read_V).any() else h1 - 1
        ret = bias_c[h1:n_set]
        k_ret = h1 + (int(np.argmax(ret >= read_V)) if (ret >= read_V).any() else ret.size - 1)
        s_h, s_l = state_at[max(k_desc - 1, 0)], state_at[k_ret]
        I_hrs = float(np.clip(_current(read_V, s_h, G_hrs, V0), -comp, comp))
        I_lrs = float(np.clip(_current(read_V, s_l, G_hrs, V0), -comp, comp))
        truth.append({"cycle": c, "set_bias_V": set_V, "reset_bias_V": reset_V, "I_HRS_A": I_hrs,
                      "I_LRS_A": I_lrs, "on_off": I_lrs / I_hrs, "read_bias_V": read_V})
    bias = np.concatenate(V_all)
    time = np.arange(bias.size) * dt_s
    df = pd.DataFrame({"time_s": time, "bias_V": bias, "current_A": np.concatenate(I_all),
                       "cycle": np.concatenate(cyc_all)})
    return df, truth


def write(raw_dir: Path, truth_dir: Path, cfg: dict, rng: np.random.Generator) -> dict[str, list[dict]]:
    """Write one multi-cycle memristor CSV per configured device and the truth.

    Parameters
    ----------
    raw_dir, truth_dir
        Dataset and truth folders.
    cfg
        The whole ``lab`` section; this domain reads ``cfg["memristor"]`` (and the tip geometry
        of ``cfg["sweeps"]`` for tip rows).
    rng
        Random stream of this domain.

    Returns
    -------
    dict
        ``{"sweeps": rows}`` with ``protocol = memristor``.
    """
    m = cfg["memristor"]
    tip = cfg.get("sweeps", {})
    (raw_dir / "sweeps").mkdir(exist_ok=True)
    rows, truth = [], []
    for i, dev_cfg in enumerate(m["devices"]):
        dev = {**m.get("device_defaults", {}), **dev_cfg}
        electrode = dev["electrode"]
        if electrode == "tip":
            r_nm = float(dev.get("tip_radius_nm", tip.get("tip_radius_nm", 20.0)))
            P_nN = float(dev.get("tip_force_nN", tip.get("tip_force_nN", 400.0)))
            side_um = tip_contact_diameter_um(r_nm, P_nN, m["modulus_GPa"])
            sid = f"mem_tip_{i:02d}"
        else:
            side_um = float(dev["pad_side_um"])
            sid = f"mem_pad{side_um:g}um_{i:02d}"
        df, t_rows = simulate_device(dev, m, side_um, np.random.default_rng(rng.integers(2**63)))
        rel = f"sweeps/{sid}.csv"
        with open(raw_dir / rel, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(f"# instrument: Keithley 2400, memristor cycling, sweep {sid}\n")
            fh.write(f"# limits: set {dev['set_limit_V']} V, reset {dev['reset_limit_V']} V\n")
            df.to_csv(fh, index=False, float_format="%.7g", lineterminator="\n")
        row = {"sweep_id": sid, "file": rel, "protocol": "memristor", "site": dev.get("site", "GB"),
               "electrode": electrode, "compliance_A": dev["compliance_A"]}
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
