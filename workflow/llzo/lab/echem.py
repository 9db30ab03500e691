"""Virtual lab: BioLogic EC-Lab electrochemistry of Li|LLZO|Li and Li|LLZO|cathode cells.

Writes ``.mpt`` text exports the way EC-Lab writes them (compare the real files in
``shared/fixtures/real/biologic/``): first line ``EC-Lab ASCII FILE``, ``Nb header lines : N``
(N counts every line up to and including the column-name line), the technique's parameter block
(20-character columns, one per sequence ``Ns``), a tab-separated data table with EC-Lab's own
column names and units, numbers as ``%.7E`` (single) or ``%.15E`` (double) with three exponent
digits, CRLF line endings, Windows-1252 text (``µ``, ``²``), and optionally a decimal comma.

Cells (paper Fig. 5d-h, S12; Methods "Macroscopic Electrochemical Tests"):

* PEIS of symmetric cells with no interlayer, Au, HL and HL after cycling, ``eis_repeats`` spectra
  per cell and state: leads, Debye bulk, brick-layer grain boundaries, two Havriliak-Negami
  Li|LLZO interfaces, bounded diffusion and analyser noise (:mod:`llzo.lab.impedance`).
* CCD: galvanostatic steps (plating then stripping) up to ``ccd_max_mA_cm2``; the cell shorts
  (voltage collapse) in the step after its CCD.
* SYM: cycling at ``sym_j_mA_cm2``; bare and Au cells short, HL survives the whole log with a
  slowly decreasing overpotential.
* FULL: LFP and NCM523 constant-current cycling with capacity fade and coulombic efficiency.

Truth (``echem_truth.json``): R_int of each interface per cell and spectrum, CCD, time to short, per-cycle
capacities, retention.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from llzo.lab import impedance

#: EC-Lab's technique titles (second block of the header).
TITLES = {
    "PEIS": "Potentio Electrochemical Impedance Spectroscopy",
    "GCPL": "Galvanostatic Cycling with Potential Limitation",
}

PEIS_COLUMNS = [
    ("freq/Hz", "s"), ("Re(Z)/Ohm", "s"), ("-Im(Z)/Ohm", "s"), ("|Z|/Ohm", "s"), ("Phase(Z)/deg", "s"),
    ("time/s", "d"), ("<Ewe>/V", "s"), ("<I>/mA", "s"), ("Cs/µF", "s"), ("Cp/µF", "s"),
    ("cycle number", "d"), ("I Range", "i"), ("|Ewe|/V", "s"), ("|I|/A", "s"), ("(Q-Qo)/mA.h", "d"),
    ("Re(Y)/Ohm-1", "s"), ("Im(Y)/Ohm-1", "s"), ("|Y|/Ohm-1", "s"), ("Phase(Y)/deg", "s"), ("dq/mA.h", "d"),
]
GCPL_COLUMNS = [
    ("mode", "i"), ("ox/red", "i"), ("error", "i"), ("control changes", "i"), ("Ns changes", "i"),
    ("counter inc.", "i"), ("Ns", "i"), ("time/s", "d"), ("control/V/mA", "s"), ("Ewe/V", "s"),
    ("<I>/mA", "s"), ("dq/mA.h", "d"), ("(Q-Qo)/mA.h", "d"), ("I Range", "i"),
    ("Q charge/discharge/mA.h", "d"), ("half cycle", "i"), ("cycle number", "d"),
]
_FMT = {"s": "%.7E", "d": "%.15E", "i": "%d"}


# --------------------------------------------------------------------------------------------
# EC-Lab text formatting
# --------------------------------------------------------------------------------------------
def _num(x: float, fmt: str, dec: str) -> str:
    s = fmt % x
    return s.replace(".", ",") if dec == "," else s


def _param_block(params: list[tuple[str, list]], dec: str) -> list[str]:
    """Technique parameters as EC-Lab prints them: name in 20 chars, then 20 chars per sequence."""
    lines = []
    for name, values in params:
        cells = []
        for v in values:
            s = _num(v, "%.3f", dec) if isinstance(v, float) else str(v)
            cells.append(s.ljust(20))
        lines.append(name.ljust(20) + "".join(cells))
    return lines


def _header(technique: str, cfg: dict, params: list[tuple[str, list]], extra: list[str], *,
            mass_g: float, started: str, fname: str) -> list[str]:
    dec = cfg["decimal_separator"]
    v = cfg["ec_lab_version"]
    area = _num(cfg["area_cm2"], "%.3f", dec)
    mass = _num(mass_g, "%.3f", dec)
    return [
        TITLES[technique], "",
        "Run on channel : 1 (SN 20211)", "User : ", "Electrode connection : standard",
        "Potential control : Ewe",
        f"Ewe ctrl range : min = {_num(-10.0, '%.2f', dec)} V, max = {_num(10.0, '%.2f', dec)} V",
        "Ewe,I filtering : 50 kHz", "Safety Limits :", "\tDo not start on E overload",
        "Channel : Floating",
        f"Acquisition started on : {started}", "Loaded Setting File : NONE", "Saved on :",
        f"\tFile : {fname}.mpr", "\tDirectory : C:\\Data\\LLZO\\", "\tHost : 192.168.0.10",
        "Device : VMP-300 (SN 0421)", "Address : USB",
        f"EC-Lab for windows v{v} (software)", f"Internet server v{v} (firmware)",
        f"Command interpretor v{v} (firmware)",
        "Electrode material : Li", "Initial state : ", "Electrolyte : Ta-LLZO", "Comments : ",
        "Cable : standard",
        f"Electrode surface area : {area} cm²", f"Characteristic mass : {mass} g",
        f"Equivalent Weight : {_num(0.0, '%.3f', dec)} g/eq.", f"Density : {_num(0.0, '%.3f', dec)} g/cm3",
        f"Volume (V) : {_num(0.0, '%.3f', dec)} cm³",
        *extra,
        "Cycle Definition : Charge/Discharge alternance",
        *_param_block(params, dec),
        "",
    ]


def write_mpt(path: Path, technique: str, columns: list[tuple[str, str]], data: list[np.ndarray],
              cfg: dict, params: list[tuple[str, list]], *, extra: list[str] | None = None,
              mass_g: float = 0.001, started: str = "10/11/2021 09:00:00.000") -> int:
    """Write one EC-Lab ``.mpt`` export; returns the number of data rows.

    Parameters
    ----------
    path
        Output file (``.mpt``).
    technique
        ``"PEIS"`` or ``"GCPL"``.
    columns
        ``[(EC-Lab column name, kind)]``; kind ``s`` single (``%.7E``), ``d`` double (``%.15E``),
        ``i`` integer.
    data
        One array per column, equal lengths.
    cfg
        ``lab.echem`` config (version, decimal separator, area).
    params
        Technique parameter block ``[(name, [value per sequence])]``.
    """
    dec = cfg["decimal_separator"]
    head = _header(technique, cfg, params, extra or [], mass_g=mass_g, started=started, fname=path.stem)
    nb = len(head) + 3  # magic line, "Nb header lines" line, column-name line
    lines = ["EC-Lab ASCII FILE", f"Nb header lines : {nb}".ljust(46), *head,
             "\t".join(c for c, _ in columns) + "\t"]
    template = "\t".join(_FMT[k] for _, k in columns)
    cols = [(np.asarray(d, dtype=np.int64) if k == "i" else np.asarray(d, dtype=np.float64) + 0.0).tolist()
            for d, (_, k) in zip(data, columns, strict=True)]
    body = "\r\n".join(template % row for row in zip(*cols, strict=True))
    # Python writes 2 exponent digits; EC-Lab writes 3 (E+000). Data holds no other 'E+'/'E-'.
    body = body.replace("E+", "E+0").replace("E-", "E-0")
    if dec == ",":
        body = body.replace(".", ",")
    text = "\r\n".join(lines) + "\r\n" + body + "\r\n"
    with open(path, "wb") as fh:
        fh.write(text.encode("cp1252"))
    return len(cols[0])


# --------------------------------------------------------------------------------------------
# physics
# --------------------------------------------------------------------------------------------
def _dc_resistance_ohm(c: dict, r_int_ohm_cm2: float) -> float:
    """Bulk + GB + two interfaces, ohm."""
    A = c["area_cm2"]
    return c["thickness_cm"] / (c["sigma_bulk_S_cm"] * A) + c["r_gb_ohm_cm2"] / A + 2 * r_int_ohm_cm2 / A


def _peis_cell(c: dict, group: str, r_int: tuple[float, float]) -> impedance.CellEIS:
    """Build the physical cell of a PEIS run: ``lab.echem`` materials, ``group``'s interfaces ``r_int`` (ohm cm2)."""
    cap = float(c["int_capacitance_F_cm2"][group])
    return impedance.CellEIS(
        area_cm2=c["area_cm2"], thickness_cm=c["thickness_cm"], sigma_bulk_S_cm=c["sigma_bulk_S_cm"],
        eps_r_bulk=c["eps_r_bulk"], r_gb_ohm_cm2=c["r_gb_ohm_cm2"], grain_size_um=c["grain_size_um"],
        gb_thickness_nm=c["gb_thickness_nm"], eps_r_gb=c["eps_r_gb"], gb_sigma_log_sd=c["gb_sigma_log_sd"],
        r_int_ohm_cm2=r_int, c_int_F_cm2=(cap, cap), hn_alpha=c["int_hn_alpha"], hn_beta=c["int_hn_beta"],
        diffusion_r_ohm_cm2=c["diffusion_r_ohm_cm2"], diffusion_tau_s=c["diffusion_tau_s"],
        lead_resistance_ohm=c["lead_resistance_ohm"], lead_inductance_H=c["lead_inductance_H"])


def _peis(path: Path, c: dict, cell: impedance.CellEIS, rng: np.random.Generator) -> None:
    f = impedance.frequencies_Hz(c["eis_f_max_Hz"], c["eis_f_min_Hz"], c["eis_points_per_decade"])
    Z = impedance.add_noise(f, cell.impedance(f), rng, rel_sd=c["eis_noise_rel_sd"], floor_ohm=c["eis_noise_floor_ohm"],
                            hf_rel_sd=c["eis_noise_hf_rel_sd"])
    n = f.size
    t = 5.0 + np.cumsum(np.maximum(2.0 / f, 0.05))
    ewe = 1e-4 * rng.standard_normal(n)
    i_mA = 1e-5 * rng.standard_normal(n)
    w = 2 * np.pi * f
    Y = 1 / Z
    cs = -1 / (w * Z.imag) * 1e6
    cp = Y.imag / w * 1e6
    va = 0.010  # V amplitude
    data = [f, Z.real, -Z.imag, np.abs(Z), np.degrees(np.angle(Z)), t, ewe, i_mA, cs, cp,
            np.ones(n), np.full(n, 41), np.full(n, va), va / np.abs(Z), np.zeros(n),
            Y.real, Y.imag, np.abs(Y), np.degrees(np.angle(Y)), np.zeros(n)]
    params = [("Mode", ["Single sine"]), ("E (V)", [0.0]), ("vs.", ["Eoc"]), ("tE (h:m:s)", ["0:00:0.0000"]),
              ("record", [0]), ("fi", [c["eis_f_max_Hz"] / 1e3]), ("unit fi", ["kHz"]),
              ("ff", [c["eis_f_min_Hz"] * 1e3]), ("unit ff", ["mHz"]), ("Nd", [c["eis_points_per_decade"]]),
              ("Points", ["per decade"]), ("spacing", ["Logarithmic"]), ("Va (mV)", [10.0]),
              ("pw", [0.1]), ("Na", [2]), ("corr", [0]), ("I Range", ["Auto"]), ("Bandwidth", [7])]
    write_mpt(path, "PEIS", PEIS_COLUMNS, data, c, params)


def _gcpl_table(t: np.ndarray, ewe: np.ndarray, i_mA: np.ndarray, ns: np.ndarray) -> list[np.ndarray]:
    """EC-Lab GCPL columns from time, potential, current and sequence index."""
    n = t.size
    sign = np.sign(i_mA)
    mode = np.where(sign == 0, 3, 1)
    change = np.r_[1, (ns[1:] != ns[:-1]).astype(int)]
    # half cycle: increments at every change of current sign (rests keep the previous one)
    nz = sign != 0
    s_ff = sign.copy()
    idx = np.where(nz, np.arange(n), 0)
    np.maximum.accumulate(idx, out=idx)
    s_ff = sign[idx]
    flips = np.r_[0, (s_ff[1:] != s_ff[:-1]) & (s_ff[1:] != 0) & (s_ff[:-1] != 0)]
    half = np.cumsum(flips)
    dt = np.diff(t, prepend=t[0])
    dq = i_mA * dt / 3600.0
    qq = np.cumsum(dq)
    # Q charge/discharge resets at each half cycle
    start = np.r_[0, np.nonzero(np.diff(half))[0] + 1]
    seg_offset = np.repeat(np.r_[0.0, qq[start[1:] - 1]], np.diff(np.r_[start, n]))
    qcd = qq - seg_offset
    return [mode, (sign > 0).astype(int), np.zeros(n, int), change, change, np.zeros(n, int), ns, t,
            i_mA, ewe, i_mA, dq, qq, np.full(n, 41), qcd, half, half // 2]


def _gcpl_params(j_mA: list[float], durations_s: list[float], v_lim: tuple[float, float]) -> list[tuple[str, list]]:
    n = len(j_mA)
    return [("Ns", list(range(n))), ("Set I/C", ["I"] * n), ("Is", [float(x) for x in j_mA]),
            ("unit Is", ["mA"] * n), ("vs.", ["<None>"] * n), ("N", [1.0] * n), ("I sign", ["> 0"] * n),
            ("t1 (h:m:s)", [_hms(d) for d in durations_s]), ("I Range", ["10 mA"] * n),
            ("Bandwidth", [7] * n), ("dE1 (mV)", [0.0] * n), ("dt1 (s)", [1.0] * n),
            ("EM (V)", [float(v_lim[1])] * n), ("EL (V)", [float(v_lim[0])] * n),
            ("goto Ns'", [0] * n), ("nc cycles", [0] * n)]


def _hms(seconds: float) -> str:
    h, rem = divmod(float(seconds), 3600.0)
    m, s = divmod(rem, 60.0)
    return f"{int(h)}:{int(m):02d}:{s:.4f}"


def _polarisation(t_in_seg: np.ndarray, eta_ohm: float, rng: np.random.Generator, n: int) -> np.ndarray:
    """Overpotential magnitude in a galvanostatic half cycle: ohmic + slow concentration term."""
    return eta_ohm * (1 + 0.15 * (1 - np.exp(-t_in_seg / 300.0))) + 2e-4 * rng.standard_normal(n)


def _ccd(path: Path, c: dict, group: str, r_int: float, rng: np.random.Generator) -> dict:
    A = c["area_cm2"]
    R = _dc_resistance_ohm(c, r_int)
    n_steps = round(c["ccd_max_mA_cm2"] / c["ccd_step_mA_cm2"])
    j_steps = c["ccd_step_mA_cm2"] * np.arange(1, n_steps + 1)
    ccd = float(c["ccd_mA_cm2"][group])
    k_short = int(np.sum(j_steps <= ccd + 1e-9))  # 0-based index of the step in which it shorts
    shorts = k_short < n_steps
    half_s, dt = c["ccd_half_step_s"], c["ccd_dt_s"]
    m = round(half_s / dt)
    # where the short happens: half-step index (plating 0 / stripping 1) and sample in it
    h_short = 2 * k_short + int(rng.integers(0, 2)) if shorts else 10**9
    i_short = int(rng.integers(m // 10, m - 2))
    n_half = min(h_short + 3, 2 * n_steps) if shorts else 2 * n_steps  # the log runs a little past
    ts, es, is_, ns = [], [], [], []
    short_t = np.nan
    tt = np.arange(1, m + 1) * dt
    for h in range(n_half):
        k, sgn = h // 2, (-1.0 if h % 2 == 0 else 1.0)  # plating (negative current at the WE), stripping
        i_mA = sgn * j_steps[k] * A
        eta = _polarisation(tt, abs(i_mA) * 1e-3 * R, rng, m)
        i0 = i_short if h == h_short else (0 if h > h_short else m)
        if i0 < m:
            eta[i0:] = abs(i_mA) * 1e-3 * 2.0 + 3e-4 * np.abs(rng.standard_normal(m - i0))
            if h == h_short:
                short_t = h * half_s + tt[i0]
        ts.append(h * half_s + tt)
        es.append(sgn * eta)
        is_.append(np.full(m, i_mA) * (1 + 1e-5 * rng.standard_normal(m)))
        ns.append(np.full(m, h))
    t = np.concatenate(ts)
    data = _gcpl_table(t, np.concatenate(es), np.concatenate(is_), np.concatenate(ns))
    params = _gcpl_params([(-1) ** (h + 1) * j_steps[h // 2] * A for h in range(n_half)], [half_s] * n_half,
                          (-5.0, 5.0))
    write_mpt(path, "GCPL", GCPL_COLUMNS, data, c, params)
    return {"ccd_mA_cm2": float(j_steps[k_short - 1]) if k_short > 0 else 0.0,
            "short_step_mA_cm2": float(j_steps[k_short]) if shorts else None,
            "time_to_short_h": float(short_t / 3600) if shorts else None}


def _sym(path: Path, c: dict, group: str, r_int: float, r_int_end: float, rng: np.random.Generator) -> dict:
    A = c["area_cm2"]
    i_abs = c["sym_j_mA_cm2"] * A
    dur_s = c["sym_duration_h"][group] * 3600
    half_s, dt = c["sym_half_cycle_h"] * 3600, c["sym_dt_s"]
    t = np.arange(dt, dur_s + dt / 2, dt)
    n = t.size
    k = np.floor((t - 1e-9) / half_s).astype(np.int64)
    sgn = np.where(k % 2 == 0, -1.0, 1.0)
    t_in = t - k * half_s
    tau = max(dur_s / 3, 1.0)
    r_t = r_int_end + (r_int - r_int_end) * np.exp(-t / tau)  # slowly evolving interface
    R = _dc_resistance_ohm(c, 0.0) + 2 * r_t / A
    eta = R * i_abs * 1e-3 * (1 + 0.1 * (1 - np.exp(-t_in / 300.0))) + 3e-4 * rng.standard_normal(n)
    short_h = c["sym_short_h"].get(group)
    short_t = np.nan
    if short_h is not None:
        short_t = float(short_h) * 3600 * rng.uniform(0.9, 1.1)
        after = t >= short_t
        eta[after] = i_abs * 1e-3 * 2.0 + 3e-4 * np.abs(rng.standard_normal(int(after.sum())))
        short_t = float(t[np.argmax(after)]) if after.any() else np.nan
    i_mA = sgn * i_abs * (1 + 1e-5 * rng.standard_normal(n))
    data = _gcpl_table(t, sgn * eta, i_mA, (k % 2).astype(np.int64))
    params = _gcpl_params([-i_abs, i_abs], [half_s, half_s], (-5.0, 5.0))
    nrows = write_mpt(path, "GCPL", GCPL_COLUMNS, data, c, params)
    return {"time_to_short_h": (short_t / 3600) if np.isfinite(short_t) else None,
            "duration_h": float(t[-1] / 3600), "rows": nrows}


def _profile(x: np.ndarray, v_mid: float, v_end: float, slope: float, sign: float) -> np.ndarray:
    """Voltage vs state of charge in a half cycle; reaches ``v_end`` at x = 1."""
    base = v_mid + sign * slope * (x - 0.5)
    return base + (v_end - (v_mid + sign * slope * 0.5)) * x ** 20


def _full(path: Path, c: dict, cathode: str, rng: np.random.Generator) -> dict:
    p = c["full"][cathode]
    q0 = p["capacity_mAh_g"] * p["active_mass_mg"] * 1e-3  # mAh
    i_mA = p["c_rate"] * q0
    n_cyc = int(p["cycles"])
    npts = int(c["full_points_per_half_cycle"])
    qdis = q0 * (1 - p["fade_per_cycle"] * np.arange(n_cyc + 1)) * (1 + 2e-3 * rng.standard_normal(n_cyc + 1))
    ce = np.r_[p["ce_first"], p["ce_steady"] + 5e-4 * rng.standard_normal(n_cyc)].clip(0.5, 0.9999)
    qch = qdis / ce
    ts, es, is_, ns = [], [], [], []
    t0 = 0.0
    slope = 0.15 if cathode == "LFP" else 0.5
    for cyc in range(n_cyc + 1):
        halves = [(+1.0, qch[cyc], p["v_max_V"])]
        if cyc < n_cyc:
            halves.append((-1.0, qdis[cyc], p["v_min_V"]))
        for sgn, q, v_end in halves:
            dur = q / i_mA * 3600
            last = cyc == n_cyc  # the log stops during the charge of the next cycle
            x = np.linspace(0, 1, npts + 1)[(0 if (cyc == 0 and sgn > 0) else 1):]  # first record at t = 0
            if last:
                x = x[: npts // 3]
            tt = x * dur
            v = _profile(x, p["v_mid_V"] + sgn * 0.03, v_end, slope, sgn) + 5e-4 * rng.standard_normal(x.size)
            if not last:
                v[-1] = v_end + sgn * 1e-3
            ts.append(t0 + tt)
            es.append(v)
            is_.append(np.full(x.size, sgn * i_mA))
            ns.append(np.full(x.size, 1 if sgn > 0 else 2))
            t0 += dur
    data = _gcpl_table(np.concatenate(ts), np.concatenate(es), np.concatenate(is_), np.concatenate(ns))
    params = _gcpl_params([i_mA, -i_mA], [0.0, 0.0], (p["v_min_V"], p["v_max_V"]))
    write_mpt(path, "GCPL", GCPL_COLUMNS, data, c, params, mass_g=p["active_mass_mg"] * 1e-3)
    spec_dis = qdis[:n_cyc] / (p["active_mass_mg"] * 1e-3)
    return {"cycles": n_cyc, "q_discharge_mAh_g": spec_dis.tolist(),
            "q_charge_mAh_g": (qch[:n_cyc] / (p["active_mass_mg"] * 1e-3)).tolist()}


def write(raw_dir: Path, truth_dir: Path, cfg: dict, rng: np.random.Generator) -> dict[str, list[dict]]:
    """Write every electrochemistry file under ``raw_dir/echem`` and ``echem_truth.json``.

    Returns
    -------
    dict
        ``{"echem": rows}``: the rows of ``echem.tsv``.
    """
    c = cfg["echem"]
    out = Path(raw_dir) / "echem"
    out.mkdir(parents=True, exist_ok=True)
    A = c["area_cm2"]
    rows: list[dict] = []
    truth: dict = {"peis": {}, "ccd": {}, "sym": {}, "full": {}}

    def row(run_id, technique, cell, interlayer, state, temp, cathode="", mass=None):
        rows.append({"run_id": run_id, "file": f"echem/{run_id}.mpt", "technique": technique, "cell": cell,
                     "interlayer": interlayer, "state": state, "area_cm2": A, "temperature_C": temp,
                     "cathode": cathode, "active_mass_mg": mass})

    # PEIS: cells per interlayer; the HL cells are measured again after cycling. Each cell and state is
    # measured eis_repeats times; its interfaces drift a little between repeats (random walk). The
    # spectra draw from their own generator (one draw of rng), so the other techniques' data do not
    # depend on how many random numbers the impedance model uses.
    peis_rng = np.random.default_rng(int(rng.integers(2**63)))
    for il in ("none", "Au", "HL"):
        for i in range(1, int(c["cells_per_group"]) + 1):
            cell = f"sym_{il}_{i}"
            spread = 1 + c["cell_spread_rel_sd"] * peis_rng.standard_normal()
            states = [("pristine", il)] + ([("cycled", "HL_cycled")] if il == "HL" else [])
            for state, key in states:
                r_cell = float(c["r_int_ohm_cm2"][key] * spread)
                r_pair = r_cell * (1 + c["int_asymmetry_rel_sd"] * peis_rng.standard_normal(2))
                for k in range(1, int(c["eis_repeats"]) + 1):
                    if k > 1:
                        r_pair = r_pair * (1 + c["eis_repeat_drift_rel_sd"] * peis_rng.standard_normal())
                    run = f"peis_{il}_{i}_{state}_{k}"
                    _peis(out / f"{run}.mpt", c, _peis_cell(c, key, (float(r_pair[0]), float(r_pair[1]))), peis_rng)
                    row(run, "PEIS", cell, il, state, 25.0)
                    truth["peis"][run] = {"interlayer": il, "state": state, "cell": cell, "repeat": k,
                                          "r_int_interfaces_ohm_cm2": [float(x) for x in r_pair],
                                          "r_int_ohm_cm2": float(np.mean(r_pair))}
    # CCD: one cell per interlayer
    for il in ("none", "Au", "HL"):
        run = f"ccd_{il}"
        truth["ccd"][run] = _ccd(out / f"{run}.mpt", c, il, float(c["r_int_ohm_cm2"][il]), rng)
        truth["ccd"][run]["interlayer"] = il
        row(run, "CCD", f"ccd_{il}_1", il, "pristine", c["ccd_temperature_C"])
    # SYM: one long-term cell per interlayer
    for il in ("none", "Au", "HL"):
        run = f"sym_{il}"
        end = c["r_int_ohm_cm2"]["HL_cycled"] if il == "HL" else c["r_int_ohm_cm2"][il]
        truth["sym"][run] = _sym(out / f"{run}.mpt", c, il, float(c["r_int_ohm_cm2"][il]), float(end), rng)
        truth["sym"][run]["interlayer"] = il
        row(run, "SYM", f"cyc_{il}_1", il, "pristine", c["sym_temperature_C"])
    # FULL cells (HL interlayer)
    for cath in ("LFP", "NCM523"):
        run = f"full_{cath}"
        p = c["full"][cath]
        tr = _full(out / f"{run}.mpt", c, cath, rng)
        ref = tr["q_discharge_mAh_g"]
        tr["retention_pct_vs_cycle1"] = 100 * ref[-1] / ref[0]
        truth["full"][run] = tr
        row(run, "FULL", f"full_{cath}_1", "HL", "pristine", p["temperature_C"], cath, p["active_mass_mg"])
    (Path(truth_dir) / "echem_truth.json").write_text(json.dumps(truth, indent=1, sort_keys=True) + "\n",
                                                        encoding="utf-8")
    return {"echem": rows}
