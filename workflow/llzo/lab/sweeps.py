"""Virtual lab: filament-trigger I-V sweeps at a c-AFM tip or an Au pad on Ta-doped LLZO.

Physics of one sweep (working electrode vs Li/Li+; a negative bias plates Li at the electrode)
------------------------------------------------------------------------------------------------
1. **Ionic regime.** Before a filament exists the current is Li+ transport through the
   electrode|electrolyte interface in series with the constriction of the contact
   (:func:`llzo.lab.instrument.area_specific_resistance_ohm_cm2`): the mean plating current
   density is ``j = |V| / (ASR + A / (4 sigma a))``. At a tip (A ~ 30 nm2) the current is
   femtoamperes, below the instrument's floor; at a 500 um pad it is microamperes.
2. **Local criterion for nucleation.** A filament nucleates where the *local* plating current
   density first exceeds the *local* critical current density of the surface under the contact:

   * local current density ``f(d) j``: near a grain boundary the Li+ flux detours to the
     boundary and concentrates at the Li|LLZO junction (the paper's Fig. 4e,f; our FE model),
     ``f(d) = 1 + (F_gb - 1) exp(-d / flux_decay_length_nm)`` at a distance d from the boundary,
     ``f = 1`` on the homogenizing layer (HL);
   * critical current density: weakest-link (Weibull) statistics of the flaws under the contact,
     as for any brittle failure (W. Weibull, J. Appl. Mech. 18, 293 (1951)): the probability
     that a contact of area A survives a local current density j is
     ``exp(-(A / A0) (j / j0)^m)``, so one contact's threshold is
     ``j_c = j0 (A0 / A)^(1/m) (-ln U)^(1/m)`` with U uniform. The scale j0 is low in the
     mechanically weak zone of a boundary (softer, lower fracture toughness: Yu & Siegel,
     Chem. Mater. 29, 9639 (2017); Porz et al., Adv. Energy Mater. 7, 1701003 (2017)) and rises
     to the grain-interior value over ``weak_zone_width_nm``:
     ``ln j0(d) = ln j0_GB + (ln j0_GI - ln j0_GB) (1 - exp(-d / weak_zone_width_nm))``.
   * The sweep therefore nucleates at ``V_nuc = -j_c (ASR + A / (4 sigma a)) / f(d)``: the
     distance to the boundary enters through f and j0, the contact area through the weakest
     link and the spreading term. A pad is a large contact: if it covers a boundary (probability
     ``1 - (1 - s/D)^2`` for side s and grain size D), the boundary's weak zone under it
     (length ``s + 2 s^2 / D`` times twice the weak-zone width) competes with the grain interior
     under it and the weaker one triggers; larger pads hold more flaws and trigger earlier.
3. **Electronic regime.** From the first sample at or beyond ``V_nuc`` the filament shorts the
   electrode to the Li counter electrode: ``I = V / R_fil``, clipped at the compliance; the back
   scan follows the same ohmic line. A sweep whose ``V_nuc`` lies beyond the window never
   triggers (censored).

The experimenter (sheet columns, as in a real lab):
* the tip is placed at a nominal distance from a boundary seen in the topography; the true
  distance is ``|d_nominal + e|`` with ``e ~ N(0, positioning_sd_nm)`` (piezo creep, drift); the
  sheet records the nominal distance and labels the sweep ``GB`` when the nominal distance is at
  most ``gb_label_max_distance_nm``, else ``GI``;
* a pad is labelled ``GB`` when it covers a boundary, except for a fraction
  ``pad_mislabel_fraction`` of pads whose label is wrong (boundaries are hard to see under a pad
  in the optical image).

The instrument is :class:`llzo.lab.instrument.Instrument`: a Keithley 2400 logarithmic staircase
(``SOUR:SWE:SPAC LOG``) from ``-log_start_V`` to ``window_V`` and back, a point at 0 V before and
after, one dwell per point.

Parameters chosen to resemble the paper (config ``lab.sweeps``, ``lab.material``, ``lab.tip``):
the boundary scale j0_GB with F_gb = 10 (Fig. 4f: hot spots > 10x) and the bare tip interface
(~1000 ohm cm2, Fig. 5e) put a tip exactly on a boundary near the -0.12 V of Fig. 1e; j0_GI ten
times j0_GB puts most grain-interior sweeps beyond the -10 V window (GI "only very limited
times", all "triggered by large biases", Fig. 2d: < -9 V); the HL scale and its small Weibull
spread give a larger, homogeneous bias on the HL (Fig. 5c, S11b). Tip positioning error then
moves the boundary sweeps off the boundary, as it does in a real lab.

Outputs: ``sweeps/trig_*.csv`` (``# comments``, then ``time_s,bias_V,current_A``), the sheet rows
(``protocol=trigger``) and ``sweeps_truth.tsv``, one row per sweep: ``sweep_id``, ``electrode``,
``site_label`` (the sheet's), ``site_true`` (tips: ``GB`` within the weak zone of a boundary,
else ``GI``, or ``HL``; pads: ``GB`` if the pad covers a boundary), ``distance_nominal_nm``,
``distance_true_nm``, ``area_nm2``, ``flux_concentration``, ``critical_j_A_cm2``,
``nucleation_bias_V`` (the model's V_nuc, also beyond the window), ``window_V``, ``triggered``,
``trigger_bias_V`` (bias of the first sample at or beyond V_nuc; empty when not triggered),
``filament_resistance_ohm``, ``noise_spikes``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pandas as pd

from llzo.lab.instrument import Instrument, area_specific_resistance_ohm_cm2, hertz_area_m2, ionic_resistance_ohm
from llzo.lab.parallel import FileWriter, Progress

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


def flux_concentration(distance_nm: np.ndarray | float, peak: float, decay_length_nm: float) -> np.ndarray:
    """Local/mean plating current density near a boundary, ``1 + (peak - 1) exp(-d / L)``."""
    return 1.0 + (peak - 1.0) * np.exp(-np.asarray(distance_nm, float) / decay_length_nm)


def weibull_scale_A_cm2(distance_nm: np.ndarray | float, j0_gb: float, j0_gi: float, weak_zone_nm: float) -> np.ndarray:
    """Weibull scale j0(d) of the critical current density, log-blended from the boundary to the grain."""
    w = 1.0 - np.exp(-np.asarray(distance_nm, float) / weak_zone_nm)
    return np.exp(np.log(j0_gb) + (np.log(j0_gi) - np.log(j0_gb)) * w)


def weakest_link_A_cm2(scale_A_cm2: float, modulus: float, area_nm2: float, reference_area_nm2: float,
                       u: float) -> float:
    """Critical current density of a contact of area A: ``j0 (A0/A)^(1/m) (-ln u)^(1/m)`` (Weibull 1951)."""
    return float(scale_A_cm2 * (reference_area_nm2 / area_nm2) ** (1.0 / modulus) * (-np.log(u)) ** (1.0 / modulus))


def pad_covers_gb_probability(side_um: float, grain_size_um: float) -> float:
    """Probability that a square pad dropped at random on the surface covers a grain boundary.

    A pad lies inside a single grain only if it fits into it; for grains of size d the chance is
    (1 - s/d)^2 for s < d (both edges must miss the boundaries), and 0 for s >= d.
    """
    return 1.0 - max(0.0, 1.0 - side_um / grain_size_um) ** 2


def boundary_length_under_pad_um(side_um: float, grain_size_um: float) -> float:
    """Boundary length under a pad that covers one: a crossing (~s) plus the network (2 s^2 / D)."""
    return side_um + 2.0 * side_um**2 / grain_size_um


def simulate_sweep(
    bias_V: np.ndarray,
    nucleation_bias_V: float,
    filament_resistance_ohm: float,
    ionic_resistance: float,
    instrument: Instrument,
    rng: np.random.Generator,
    *,
    relative_noise: float,
    offset_A: float = 0.0,
    n_spikes: int = 0,
) -> tuple[np.ndarray, int]:
    """Measured current of one trigger sweep.

    Parameters
    ----------
    bias_V
        Bias program (V), from :func:`bias_program_V`.
    nucleation_bias_V
        V_nuc (V, < 0): the filament forms at the first sample with bias <= V_nuc.
    filament_resistance_ohm
        Resistance of the Li filament (ohm).
    ionic_resistance
        Ionic resistance of the contact before nucleation (ohm).
    instrument
        The measurement chain (noise, offset, glitches, compliance).
    rng
        Random stream.
    relative_noise
        Relative fluctuation of the electronic current through the filament.
    offset_A, n_spikes
        The file's offset and contact glitches (see :meth:`Instrument.measure`).

    Returns
    -------
    current_A : numpy.ndarray
        Measured current (A), negative for reduction at the working electrode.
    index : int
        Sample where the filament formed (-1 when it did not inside the sweep).
    """
    n = bias_V.size
    turn = int(np.argmin(bias_V))
    current = bias_V / ionic_resistance
    hit = np.nonzero(bias_V[: turn + 1] <= nucleation_bias_V)[0]
    k = int(hit[0]) if hit.size else -1
    if k >= 0:
        on = np.arange(n) >= k
        current[on] = bias_V[on] / filament_resistance_ohm * (1.0 + relative_noise * rng.standard_normal(on.sum()))
    return instrument.measure(current, rng, offset_A=offset_A, n_spikes=n_spikes), k


def _write_csv(path: Path, header: list[str], time_s: np.ndarray, bias_V: np.ndarray, current_A: np.ndarray) -> None:
    lines = [f"# {h}" for h in header]
    lines.append("time_s,bias_V,current_A")
    lines.extend(f"{t:.4f},{v:.6g},{i:.6g}" for t, v, i in zip(time_s, bias_V, current_A, strict=True))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def _write_csvs(raw_dir: Path, time_s: np.ndarray, bias_V: np.ndarray,
                files: list[tuple[str, list[str], np.ndarray]]) -> None:
    """Write a batch of sweep CSVs ``(relative path, header lines, current)`` sharing one bias program."""
    for rel, header, current in files:
        _write_csv(raw_dir / rel, header, time_s, bias_V, current)


#: Sweep files written per worker task.
BATCH = 100


def _plan(c: dict, rng: np.random.Generator) -> list[dict]:
    """Every sweep the experimenter runs: electrode, label, nominal and true position."""
    p, e = c["plan"], c["experimenter"]
    out: list[dict] = []
    for d_nom, count in zip(p["tip_distances_nm"], p["tip_sweeps_per_distance"], strict=True):
        label = "GB" if d_nom <= e["gb_label_max_distance_nm"] else "GI"
        for _ in range(int(count)):
            d_true = abs(float(d_nom) + e["positioning_sd_nm"] * rng.standard_normal())
            out.append({"electrode": "tip", "surface": "LLZO", "label": label, "d_nom": float(d_nom),
                        "d_true": d_true, "side_um": np.nan, "covers_gb": None})
    for _ in range(int(p["hl_sweeps"])):
        out.append({"electrode": "tip", "surface": "HL", "label": "HL", "d_nom": np.nan, "d_true": np.nan,
                    "side_um": np.nan, "covers_gb": None})
    for side in p["pad_sides_um"]:
        for _ in range(int(p["pad_sweeps_per_side"])):
            covers = bool(rng.random() < pad_covers_gb_probability(side, c["grain_size_um"]))
            wrong = bool(rng.random() < e["pad_mislabel_fraction"])
            label = ("GB" if covers else "GI") if not wrong else ("GI" if covers else "GB")
            out.append({"electrode": "pad", "surface": "LLZO", "label": label, "d_nom": np.nan, "d_true": np.nan,
                        "side_um": float(side), "covers_gb": covers})
    return out


def nucleation(s: dict, c: dict, mat: dict, tip: dict, rng: np.random.Generator) -> dict:
    """Nucleation bias of one planned sweep from the local criterion (see the module docstring).

    Returns
    -------
    dict
        ``area_nm2``, ``flux_concentration``, ``critical_j_A_cm2``, ``nucleation_bias_V``,
        ``r_ionic_ohm`` (contact resistance before the filament), ``site_true``.
    """
    nu = c["nucleation"]
    A0 = float(nu["reference_area_nm2"])
    if s["electrode"] == "tip":
        modulus = mat["hl_modulus_GPa"] if s["surface"] == "HL" else mat["modulus_gi_GPa"]
        area_m2 = hertz_area_m2(tip["radius_nm"] * _NM, tip["force_nN"] * _NM, modulus * 1e9)
        if s["surface"] == "HL":
            asr, sigma = mat["tip_asr_ohm_cm2"]["HL"], mat["hl_conductivity_S_cm"]
            scale, m, f, site = nu["j0_hl_A_cm2"], nu["weibull_modulus_hl"], 1.0, "HL"
        else:
            asr, sigma = mat["tip_asr_ohm_cm2"]["LLZO"], mat["conductivity_S_cm"]
            d = s["d_true"]
            scale = float(weibull_scale_A_cm2(d, nu["j0_gb_A_cm2"], nu["j0_gi_A_cm2"], nu["weak_zone_width_nm"]))
            m = nu["weibull_modulus_llzo"]
            f = float(flux_concentration(d, nu["gb_flux_concentration"], nu["flux_decay_length_nm"]))
            site = "GB" if d <= nu["weak_zone_width_nm"] else "GI"
        rA = area_specific_resistance_ohm_cm2(area_m2, asr, sigma)
        j_c = weakest_link_A_cm2(scale, m, area_m2 * 1e18, A0, rng.random())
        v_nuc = -j_c * rA / f
        return {"area_nm2": area_m2 * 1e18, "flux_concentration": f, "critical_j_A_cm2": j_c,
                "nucleation_bias_V": v_nuc, "r_ionic_ohm": ionic_resistance_ohm(area_m2, asr, sigma),
                "site_true": site}
    side = s["side_um"]
    area_m2 = (side * _UM) ** 2
    asr, sigma = mat["pad_asr_ohm_cm2"], mat["conductivity_S_cm"]
    rA = area_specific_resistance_ohm_cm2(area_m2, asr, sigma)
    m = nu["weibull_modulus_llzo"]
    area_nm2 = area_m2 * 1e18
    zones = []  # (threshold of the mean current density, j_c, f)
    gb_area = 0.0
    if s["covers_gb"]:
        gb_area = min(boundary_length_under_pad_um(side, c["grain_size_um"]) * 1e3 * 2.0 * nu["weak_zone_width_nm"],
                      area_nm2)
        j_c = weakest_link_A_cm2(nu["j0_gb_A_cm2"], m, gb_area, A0, rng.random())
        zones.append((j_c / nu["gb_flux_concentration"], j_c, float(nu["gb_flux_concentration"])))
    gi_area = area_nm2 - gb_area
    if gi_area > 0:
        j_c = weakest_link_A_cm2(nu["j0_gi_A_cm2"], m, gi_area, A0, rng.random())
        zones.append((j_c, j_c, 1.0))
    j_mean, j_c, f = min(zones)
    return {"area_nm2": area_nm2, "flux_concentration": f, "critical_j_A_cm2": j_c, "nucleation_bias_V": -j_mean * rA,
            "r_ionic_ohm": ionic_resistance_ohm(area_m2, asr, sigma), "site_true": "GB" if s["covers_gb"] else "GI"}


def write(raw_dir: Path, truth_dir: Path, cfg: dict, rng: np.random.Generator,
          writer: FileWriter | None = None) -> dict[str, list[dict]]:
    """Write the trigger sweeps (tip on GB/GI at several distances, tip on HL, Au pads) and their truth.

    Parameters
    ----------
    raw_dir
        Dataset folder; sweep CSVs go to ``sweeps/trig_*.csv``.
    truth_dir
        Truth folder; writes ``sweeps_truth.tsv``.
    cfg
        The whole ``lab`` config section (reads ``sweeps``, ``material``, ``tip``, ``tip_instrument``).
    rng
        Random stream of this domain.
    writer
        Where the CSV text is formatted and written (:class:`llzo.lab.parallel.FileWriter`; the
        sweeps are simulated here, in order); ``None``: in this process.

    Returns
    -------
    dict
        ``{"sweeps": rows}``: the ``sweeps.tsv`` rows (``protocol=trigger``).
    """
    with contextlib.ExitStack() as stack:
        writer = writer or stack.enter_context(FileWriter(1))
        return _write(raw_dir, truth_dir, cfg, rng, writer)


def _write(raw_dir: Path, truth_dir: Path, cfg: dict, rng: np.random.Generator,
           writer: FileWriter) -> dict[str, list[dict]]:
    c, mat, tip = cfg["sweeps"], cfg["material"], cfg["tip"]
    inst = Instrument.from_config(cfg["tip_instrument"])
    raw_dir, truth_dir = Path(raw_dir), Path(truth_dir)
    (raw_dir / "sweeps").mkdir(parents=True, exist_ok=True)
    bias = bias_program_V(c["window_V"], c["log_start_V"], int(c["points_per_branch"]))
    time_s = np.arange(bias.size) * float(c["dwell_s"])
    rows, truth = [], []
    counters: dict[str, int] = {}
    plan = _plan(c, rng)
    progress = Progress("virtual lab: trigger sweeps", len(plan))
    batch: list[tuple[str, list[str], np.ndarray]] = []
    for s in plan:
        key = f"{s['electrode']}_{s['label']}"
        counters[key] = counters.get(key, 0) + 1
        sid = f"trig_{key}_{counters[key]:03d}"
        nuc = nucleation(s, c, mat, tip, rng)
        r_fil = float(c["filament_resistance_ohm"] * np.exp(c["filament_resistance_log_sd"] * rng.standard_normal()))
        n_spikes = inst.draw_spikes(rng)
        current, k = simulate_sweep(bias, nuc["nucleation_bias_V"], r_fil, nuc["r_ionic_ohm"], inst, rng,
                                    relative_noise=c["filament_relative_noise"], offset_A=inst.draw_offset_A(rng),
                                    n_spikes=n_spikes)
        rel = f"sweeps/{sid}.csv"
        where = (f"tip r={tip['radius_nm']:g} nm, P={tip['force_nN']:g} nN" if s["electrode"] == "tip"
                 else f"Au pad {s['side_um']:g} um")
        header = [f"Keithley 2400 log sweep via c-AFM, {sid}", f"working electrode: {where}",
                  f"compliance {inst.compliance_A:g} A, dwell {c['dwell_s']:g} s"]
        batch.append((rel, header, current))
        if len(batch) == BATCH:
            writer.submit(_write_csvs, raw_dir, time_s, bias, batch, progress=progress, items=len(batch))
            batch = []
        row = {"sweep_id": sid, "file": rel, "protocol": "trigger", "site": s["label"],
               "distance_to_gb_nm": s["d_nom"], "electrode": s["electrode"], "compliance_A": inst.compliance_A}
        if s["electrode"] == "tip":
            row.update(tip_radius_nm=tip["radius_nm"], tip_force_nN=tip["force_nN"])
        else:
            row["pad_side_um"] = s["side_um"]
        rows.append(row)
        truth.append({"sweep_id": sid, "electrode": s["electrode"], "site_label": s["label"],
                      "site_true": nuc["site_true"], "distance_nominal_nm": s["d_nom"], "distance_true_nm": s["d_true"],
                      "pad_side_um": s["side_um"], "area_nm2": nuc["area_nm2"],
                      "flux_concentration": nuc["flux_concentration"], "critical_j_A_cm2": nuc["critical_j_A_cm2"],
                      "nucleation_bias_V": nuc["nucleation_bias_V"], "window_V": float(bias.min()),
                      "triggered": k >= 0, "trigger_bias_V": float(bias[k]) if k >= 0 else np.nan,
                      "filament_resistance_ohm": r_fil, "noise_spikes": n_spikes})
    if batch:
        writer.submit(_write_csvs, raw_dir, time_s, bias, batch, progress=progress, items=len(batch))
    writer.results()
    pd.DataFrame(truth).to_csv(truth_dir / "sweeps_truth.tsv", sep="\t", index=False, lineterminator="\n",
                               float_format="%.9g")
    return {"sweeps": rows}
