"""Virtual lab: filament-trigger I-V sweeps at a c-AFM tip or an Au pad on Ta-doped LLZO.

Physics of one sweep (working electrode vs Li/Li+; negative bias plates Li at the electrode)
--------------------------------------------------------------------------------------------
1. **Ionic regime.** Before a filament exists the current is Li+ transport through the
   electrode|LLZO interface (area-specific resistance ``interface_asr_ohm_cm2``) in series with
   the constriction (spreading) resistance of a disk contact of radius a in a half-space of
   conductivity sigma, R_s = 1 / (4 sigma a) (Newman, J. Electrochem. Soc. 113, 501 (1966)):
   ``I_ion = V / (ASR / A + R_s)``. At a c-AFM tip (A ~ 30 nm2) this is femtoamperes, far below
   the instrument's noise floor; at a 500 um pad it is microamperes.
2. **Nucleation.** When the bias reaches the sweep's trigger bias V_t a Li filament penetrates
   the pellet and short-circuits the electrode to the Li counter electrode: the conduction turns
   electronic, ``I = V / R_fil``, limited by the source at ``compliance_A`` (the instrument clips).
3. **Back scan.** The filament persists: the current returns along the ohmic line V / R_fil.

V_t depends on where the electrode sits (parameters and their physical reasons in
``config.yaml``, ``lab.sweeps``): grain boundaries (GB) are weak spots, grain interiors (GI)
need ~100x more bias, the homogenizing layer (HL) is in between and homogeneous. Sweeps whose
V_t lies beyond the window never trigger (the analysis must treat them as censored).

The instrument: a Keithley 2400 logarithmic staircase sweep (``SOUR:SWE:SPAC LOG``) from
``-log_start_V`` to ``window_V`` and back, preceded and followed by a point at 0 V, with a fixed
dwell per point. The measured current carries an offset, Gaussian noise and, in some sweeps,
single-sample noise spikes (tip contact glitches).

Outputs: ``sweeps/trig_*.csv`` (``# comments``, then ``time_s,bias_V,current_A``), the sheet rows
(``protocol=trigger``) and ``sweeps_truth.tsv`` (``sweep_id, trigger_bias_V`` (NaN when it did
not trigger inside the window), ``nucleation_bias_V`` (the model's V_t, even beyond the window),
``filament_resistance_ohm``, ``triggered``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

#: Length units.
_NM = 1e-9
_UM = 1e-6


def bias_program_V(window_V: float, log_start_V: float, points_per_branch: int) -> np.ndarray:
    """Bias of every sample of a trigger sweep: 0, log staircase to the window, back, 0.

    Parameters
    ----------
    window_V
        Most negative bias (V vs Li/Li+, < 0).
    log_start_V
        Magnitude of the first non-zero step of the log staircase (V, > 0).
    points_per_branch
        Points of the log staircase in each direction.

    Returns
    -------
    numpy.ndarray
        Bias in V, starting and ending at 0, turning at ``window_V``.
    """
    down = -np.geomspace(log_start_V, abs(window_V), points_per_branch)
    return np.concatenate([[0.0], down, down[::-1][1:], [0.0]])


def hertz_area_m2(radius_m: float, force_N: float, modulus_Pa: float) -> float:
    """Hertz contact area pi (3 P r / 4 E*)^(2/3) (Johnson, Contact Mechanics, ch. 4), in m2."""
    return float(np.pi * (3.0 * force_N * radius_m / (4.0 * modulus_Pa)) ** (2.0 / 3.0))


def ionic_resistance_ohm(area_m2: float, asr_ohm_cm2: float, conductivity_S_cm: float) -> float:
    """Interface resistance plus the constriction resistance of an equivalent disk contact.

    Parameters
    ----------
    area_m2
        Contact area (m2).
    asr_ohm_cm2
        Area-specific interface resistance (ohm cm2).
    conductivity_S_cm
        Ionic conductivity of LLZO (S/cm).

    Returns
    -------
    float
        ASR / A + 1 / (4 sigma a) in ohm, with a = sqrt(A / pi).
    """
    a_m = np.sqrt(area_m2 / np.pi)
    sigma_S_m = conductivity_S_cm * 100.0
    return asr_ohm_cm2 / (area_m2 * 1e4) + 1.0 / (4.0 * sigma_S_m * a_m)


def simulate_sweep(
    bias_V: np.ndarray,
    nucleation_bias_V: float,
    filament_resistance_ohm: float,
    ionic_resistance: float,
    compliance_A: float,
    rng: np.random.Generator,
    *,
    noise_A: float,
    offset_A: float,
    relative_noise: float,
    n_spikes: int = 0,
    spike_A: tuple[float, float] = (1e-9, 1e-6),
) -> tuple[np.ndarray, bool]:
    """Simulate the measured current of one trigger sweep.

    Parameters
    ----------
    bias_V
        Bias program (V), from :func:`bias_program_V`.
    nucleation_bias_V
        V_t (V, < 0): the filament nucleates at the first sample with bias <= V_t.
    filament_resistance_ohm
        Resistance of the Li filament (ohm).
    ionic_resistance
        Ionic resistance of the contact before nucleation (ohm).
    compliance_A
        Current limit of the source (A); the measured current is clipped at +-compliance.
    rng
        Random stream.
    noise_A, offset_A
        Instrument noise (standard deviation) and offset (A).
    relative_noise
        Relative noise of the electronic current through the filament.
    n_spikes
        Single-sample noise spikes to add (random sign, log-uniform amplitude in ``spike_A``).
    spike_A
        Range of the spike amplitude (A).

    Returns
    -------
    current_A : numpy.ndarray
        Measured current (A), negative for reduction at the working electrode.
    triggered : bool
        Whether the filament nucleated inside the sweep.
    """
    n = bias_V.size
    turn = int(np.argmin(bias_V))
    current = bias_V / ionic_resistance
    hit = np.nonzero(bias_V[: turn + 1] <= nucleation_bias_V)[0]
    triggered = hit.size > 0
    if triggered:
        k = int(hit[0])
        on = np.arange(n) >= k
        current[on] = bias_V[on] / filament_resistance_ohm * (1.0 + relative_noise * rng.standard_normal(on.sum()))
    current = current + offset_A + noise_A * rng.standard_normal(n)
    if n_spikes:
        where = rng.choice(np.arange(1, n - 1), size=n_spikes, replace=False)
        amp = np.exp(rng.uniform(np.log(spike_A[0]), np.log(spike_A[1]), n_spikes))
        current[where] += rng.choice([-1.0, 1.0], n_spikes) * amp
    return np.clip(current, -compliance_A, compliance_A), triggered


def _write_csv(path: Path, header: list[str], time_s: np.ndarray, bias_V: np.ndarray, current_A: np.ndarray) -> None:
    lines = [f"# {h}" for h in header]
    lines.append("time_s,bias_V,current_A")
    lines.extend(f"{t:.4f},{v:.6g},{i:.6g}" for t, v, i in zip(time_s, bias_V, current_A, strict=True))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def _lognormal(rng: np.random.Generator, median: float, sigma: float, size: int | None = None):
    return median * np.exp(sigma * rng.standard_normal(size))


def tip_trigger_bias_V(distance_nm: np.ndarray, gb_V: float, gi_V: float, length_nm: float) -> np.ndarray:
    """Median trigger bias of a tip at a distance from the nearest grain boundary.

    The magnitude interpolates geometrically between the boundary value and the far-field
    grain-interior value with a decay length: log|V_t| = log|V_GB| + (log|V_GI| - log|V_GB|) (1 -
    exp(-d / length)).

    Parameters
    ----------
    distance_nm
        Distance from the tip to the nearest boundary (nm).
    gb_V, gi_V
        Median trigger bias on the boundary and far inside a grain (V, < 0).
    length_nm
        Decay length of the boundary's influence (nm).

    Returns
    -------
    numpy.ndarray
        Median trigger bias (V, < 0).
    """
    w = 1.0 - np.exp(-np.asarray(distance_nm, float) / length_nm)
    return -np.exp(np.log(abs(gb_V)) + (np.log(abs(gi_V)) - np.log(abs(gb_V))) * w)


def pad_covers_gb_probability(side_um: float, grain_size_um: float) -> float:
    """Probability that a square pad dropped at random on the surface covers a grain boundary.

    A pad lies inside a single grain only if it fits into it; for grains of size d the chance is
    (1 - s/d)^2 for s < d (both edges must miss the boundaries), and 0 for s >= d.
    """
    return 1.0 - max(0.0, 1.0 - side_um / grain_size_um) ** 2


def write(raw_dir: Path, truth_dir: Path, cfg: dict, rng: np.random.Generator) -> dict[str, list[dict]]:
    """Write the trigger sweeps (tip on GB/GI at several distances, tip on HL, Au pads) and their truth.

    Parameters
    ----------
    raw_dir
        Dataset folder; sweep CSVs go to ``sweeps/trig_*.csv``.
    truth_dir
        Truth folder; writes ``sweeps_truth.tsv``.
    cfg
        The whole ``lab`` config section (reads ``cfg["sweeps"]``).
    rng
        Random stream of this domain.

    Returns
    -------
    dict
        ``{"sweeps": rows}``: the ``sweeps.tsv`` rows (``protocol=trigger``).
    """
    c = cfg["sweeps"]
    raw_dir, truth_dir = Path(raw_dir), Path(truth_dir)
    (raw_dir / "sweeps").mkdir(parents=True, exist_ok=True)
    compliance = float(c["compliance_A"])
    bias = bias_program_V(c["window_V"], c["log_start_V"], int(c["points_per_branch"]))
    time_s = np.arange(bias.size) * float(c["dwell_s"])
    tip_area = hertz_area_m2(c["tip_radius_nm"] * _NM, c["tip_force_nN"] * _NM, c["llzo_modulus_GPa"] * 1e9)
    tip_r_ion = ionic_resistance_ohm(tip_area, c["interface_asr_ohm_cm2"], c["conductivity_S_cm"])

    # the plan: (kind, site, distance_nm, pad_side_um, median V_t, log-sigma of V_t)
    plan: list[tuple[str, str, float, float, float, float]] = []
    for d_nm, count in zip(c["tip_distances_nm"], c["tip_sweeps_per_distance"], strict=True):
        site = "GB" if d_nm <= c["gb_site_max_distance_nm"] else "GI"
        med = float(tip_trigger_bias_V(d_nm, c["gb_trigger_V"], c["gi_trigger_V"], c["gb_influence_length_nm"]))
        sig = c["gb_trigger_sigma"] if site == "GB" else c["gi_trigger_sigma"]
        plan.extend([("tip", site, float(d_nm), np.nan, med, sig)] * int(count))
    plan.extend([("tip", "HL", np.nan, np.nan, c["hl_trigger_V"], c["hl_trigger_sigma"])] * int(c["hl_sweeps"]))
    for side in c["pad_sides_um"]:
        for _ in range(int(c["pad_sweeps_per_side"])):
            covers = rng.random() < pad_covers_gb_probability(side, c["grain_size_um"])
            if covers:
                plan.append(("pad", "GB", np.nan, float(side), c["gb_trigger_V"], c["gb_trigger_sigma"]))
            else:
                plan.append(("pad", "GI", np.nan, float(side), c["gi_trigger_V"], c["gi_trigger_sigma"]))

    rows, truth = [], []
    counters: dict[str, int] = {}
    for kind, site, d_nm, side_um, med, sig in plan:
        key = f"{kind}_{site}"
        counters[key] = counters.get(key, 0) + 1
        sid = f"trig_{key}_{counters[key]:03d}"
        v_t = -float(_lognormal(rng, abs(med), sig))
        r_fil = float(_lognormal(rng, c["filament_resistance_ohm"], c["filament_resistance_sigma"]))
        if kind == "tip":
            r_ion = tip_r_ion
        else:
            r_ion = ionic_resistance_ohm((side_um * _UM) ** 2, c["interface_asr_ohm_cm2"], c["conductivity_S_cm"])
        n_spikes = int(rng.integers(1, c["max_spikes"] + 1)) if rng.random() < c["spike_fraction"] else 0
        current, triggered = simulate_sweep(
            bias, v_t, r_fil, r_ion, compliance, rng,
            noise_A=c["noise_A"], offset_A=float(rng.uniform(-1, 1) * c["offset_max_A"]),
            relative_noise=c["filament_relative_noise"], n_spikes=n_spikes,
            spike_A=(c["spike_min_A"], c["spike_max_A"]),
        )
        rel = f"sweeps/{sid}.csv"
        where = (f"tip r={c['tip_radius_nm']:g} nm, P={c['tip_force_nN']:g} nN" if kind == "tip"
                 else f"Au pad {side_um:g} um")
        _write_csv(raw_dir / rel, [f"Keithley 2400 log sweep via c-AFM, {sid}", f"working electrode: {where}",
                                   f"compliance {compliance:g} A, dwell {c['dwell_s']:g} s"], time_s, bias, current)
        row = {"sweep_id": sid, "file": rel, "protocol": "trigger", "site": site,
               "distance_to_gb_nm": d_nm, "electrode": kind, "compliance_A": compliance}
        if kind == "tip":
            row.update(tip_radius_nm=c["tip_radius_nm"], tip_force_nN=c["tip_force_nN"])
        else:
            row["pad_side_um"] = side_um
        rows.append(row)
        truth.append({"sweep_id": sid, "trigger_bias_V": v_t if triggered else np.nan, "nucleation_bias_V": v_t,
                      "filament_resistance_ohm": r_fil, "triggered": triggered, "window_V": float(bias.min()),
                      "noise_spikes": n_spikes})
    pd.DataFrame(truth).to_csv(truth_dir / "sweeps_truth.tsv", sep="\t", index=False, lineterminator="\n",
                               float_format="%.9g")
    return {"sweeps": rows}
