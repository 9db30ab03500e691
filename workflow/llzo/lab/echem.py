"""Virtual lab: BioLogic EC-Lab electrochemistry of Li|LLZO|Li and Li|LLZO|cathode cells.

Writes ``.mpt`` text exports the way EC-Lab writes them (compare the real files in
``shared/fixtures/real/biologic/``): first line ``EC-Lab ASCII FILE``, ``Nb header lines : N``
(N counts every line up to and including the column-name line), the technique's parameter block
(20-character columns, one per sequence ``Ns``), a tab-separated data table with EC-Lab's own
column names and units, numbers as ``%.7E`` (single) or ``%.15E`` (double) with three exponent
digits, CRLF line endings, Windows-1252 text (``µ``, ``²``), and optionally a decimal comma.
Galvanostatic files have the structure of a real protocol: an open-circuit period first
(``Ns`` 0), then current steps and rests as separate sequences (``Ns`` 1-4) looped by ``goto``.

Cells (paper Fig. 5d-h, S12; Methods "Macroscopic Electrochemical Tests"):

* **PEIS** of symmetric cells with no interlayer, Au, HL and HL after cycling, ``eis_repeats``
  spectra per cell and state: leads, Debye bulk, brick-layer grain boundaries, two
  Havriliak-Negami Li|LLZO interfaces, bounded diffusion and analyser noise
  (:mod:`llzo.lab.impedance`; models the analysis does not fit).
* **Li penetration: one model for every CCD and SYM cell of an interlayer.** The interlayer sets
  the hottest local current density at the Li|LLZO interface, ``j_hs = H j / phi`` (``H``:
  grain-boundary hot-spot factor, > 10 without a homogenizing layer (Fig. 4f), ~1 with the HL;
  ``phi``: the fraction of the electrode in contact, < 1 for bare Li that wets LLZO poorly (Hu et
  al., Nat. Mater. 16, 572 (2017); Sharafi et al., Chem. Mater. 29, 7961 (2017)). While current
  flows, damage accumulates at the hot spot as subcritical growth of a Li-filled crack,
  ``dD/dt = (j_hs / j_crit)^n / t_ref`` with a stress exponent n ~ 10-50 as for slow crack growth
  in oxides (A. G. Evans, Int. J. Fract. 10, 251 (1974); Li-filled cracks: Porz et al., Adv.
  Energy Mater. 7, 1701003 (2017)); j_crit is the pellet's (log-normal cell to cell). At D = 1 a
  filament starts and grows through the pellet at the speed at which the plating current of a
  fraction ``f_feed`` of the electrode fills it, ``v = j_hs V_m / (F f_feed)`` (V_m: molar volume
  of Li); when it reaches the far side the cell shorts (|Ewe| collapses to I R_short). A CCD ramp
  and a symmetric cell of the same interlayer are the same model at different currents: the CCD
  comes out near ``j_crit phi / H`` and depends on the step duration, the time to short at a
  fixed current falls steeply with the current.
* Before the short the overpotential is ``I R_cell`` (bulk + boundaries + two interfaces) plus a
  concentration term growing within a half cycle and relaxing during rests; the HL interface
  resistance decreases while cycling (de-polymerization of the PPC, paper Fig. 5e).
* **FULL** cells (HL interlayer, LFP and NCM523): constant-current charge to ``v_max_V`` and
  discharge to ``v_min_V`` with rests, the voltage ``OCV(x) +- I R`` of an open-circuit curve with
  a plateau and steep ends. The capacity emerges from a degradation model: the cyclable Li
  inventory loses a first-cycle fraction (SEI/CEI formation) and then parabolically
  (``k sqrt(n)``, diffusion-limited SEI growth: Pinson & Bazant, J. Electrochem. Soc. 160, A243
  (2013)), the cell resistance grows linearly per cycle (shrinking the window the cut-offs
  allow), and the accessible capacity scatters from cycle to cycle (temperature). The charge
  includes the Li consumed that cycle, so the coulombic efficiency is below 100 % and lowest in
  the first cycle.

Parameters chosen to resemble the paper (``lab.echem``): j_crit with the HL's ``H = phi = 1``
near the HL CCD of 1.8 mA cm-2 (Fig. 5f); ``H = 10`` for the LLZO surface with or without Au
(Fig. 4f), bare Li wetting 40 % of the surface; 0.8 mA cm-2 symmetric cycling (Fig. 5g); full-cell
losses giving stable cycling over 300 cycles (Fig. 5h, S12). The CCDs of bare and Au cells and
all times to short follow from the model.

Truth (``echem_truth.json``): R_int of each interface per PEIS cell and spectrum; per CCD/SYM cell the critical
current density of the pellet, the hot-spot density, the short (step, time) and the CCD by the
claim's definition; per full cell the per-cycle capacities.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import numpy as np

from llzo.lab import impedance
from llzo.lab.parallel import FileWriter, Progress

#: Faraday constant (C/mol) and the molar volume of Li metal (cm3/mol).
FARADAY_C_MOL = 96485.332
LI_MOLAR_VOLUME_CM3_MOL = 13.0

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
    arrays = [np.asarray(d, dtype=np.int64) if k == "i" else np.asarray(d, dtype=np.float64) + 0.0
              for d, (_, k) in zip(data, columns, strict=True)]
    n = len(arrays[0])
    with open(path, "wb") as fh:
        fh.write(("\r\n".join(lines) + "\r\n").encode("cp1252"))
        for a in range(0, n, 50_000):  # in chunks: a long log would otherwise hold every row as text at once
            cols = [x[a: a + 50_000].tolist() for x in arrays]
            body = "\r\n".join(template % row for row in zip(*cols, strict=True))
            # Python writes 2 exponent digits; EC-Lab writes 3 (E+000). Data holds no other 'E+'/'E-'.
            body = body.replace("E+", "E+0").replace("E-", "E-0")
            if dec == ",":
                body = body.replace(".", ",")
            fh.write((body + "\r\n").encode("cp1252"))
    return n


def _emit(writer: FileWriter | None, path: Path, *args, **kwargs) -> None:
    """Write an ``.mpt`` now (``writer`` None) or hand it to ``writer`` (formatting is the costly part)."""
    if writer is None:
        write_mpt(path, *args, **kwargs)
    else:
        writer.submit(_write_mpt_task, path, args, kwargs)


def _write_mpt_task(path: Path, args: tuple, kwargs: dict) -> int:
    return write_mpt(path, *args, **kwargs)


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


def _peis(path: Path, c: dict, cell: impedance.CellEIS, rng: np.random.Generator,
          writer: FileWriter | None = None) -> None:
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
    _emit(writer, path, "PEIS", PEIS_COLUMNS, data, c, params)


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


def _gcpl_params(seqs: list[dict], v_lim: tuple[float, float],
                 loop: tuple[int, int] = (0, 0)) -> list[tuple[str, list]]:
    """GCPL parameter block, one column per sequence ``Ns``.

    Parameters
    ----------
    seqs
        Per sequence: ``I_mA`` (0 for a rest) and ``duration_s`` (0: until the voltage limit).
    v_lim
        (EL, EM) voltage limits (V).
    loop
        (``goto Ns'``, ``nc cycles``) of the last sequence.
    """
    n = len(seqs)
    rest = [abs(s["I_mA"]) == 0 for s in seqs]
    goto = [0] * n
    ncyc = [0] * n
    goto[-1], ncyc[-1] = loop
    return [("Ns", list(range(n))), ("Set I/C", ["I"] * n),
            ("Is", [float(abs(s["I_mA"])) for s in seqs]), ("unit Is", ["mA"] * n), ("vs.", ["<None>"] * n),
            ("N", [1.0] * n), ("I sign", ["> 0" if s["I_mA"] >= 0 else "< 0" for s in seqs]),
            ("t1 (h:m:s)", [_hms(s["duration_s"]) for s in seqs]),
            ("I Range", ["10 mA"] * n), ("Bandwidth", [7] * n),
            ("dE1 (mV)", [0.0] * n), ("dt1 (s)", [1.0] * n),
            ("EM (V)", [float(v_lim[1]) if not r else 0.0 for r in rest]),
            ("EL (V)", [float(v_lim[0]) if not r else 0.0 for r in rest]),
            ("goto Ns'", goto), ("nc cycles", ncyc)]


def _hms(seconds: float) -> str:
    h, rem = divmod(float(seconds), 3600.0)
    m, s = divmod(rem, 60.0)
    return f"{int(h)}:{int(m):02d}:{s:.4f}"


def _times(t0: float, duration_s: float, dt_s: float) -> np.ndarray:
    """Record times of a step: every ``dt_s`` after ``t0`` and always at its end."""
    n = max(int(np.ceil(duration_s / dt_s - 1e-9)), 1)
    return t0 + np.minimum(np.arange(1, n + 1) * dt_s, duration_s)


# --------------------------------------------------------------------------------------------
# Li penetration (CCD and SYM)
# --------------------------------------------------------------------------------------------
class PenetrationCell:
    """Damage and filament state of one Li|LLZO|Li cell under a penetration model.

    Parameters
    ----------
    pen
        ``lab.echem.penetration``.
    interlayer
        ``none``, ``Au`` or ``HL`` (hot-spot factor and contact fraction).
    thickness_cm
        Pellet thickness (the filament must cross it).
    rng
        Draws this cell's critical current density.
    """

    def __init__(self, pen: dict, interlayer: str, thickness_cm: float, rng: np.random.Generator):
        self.j_crit = float(pen["critical_j_mA_cm2"] * np.exp(pen["critical_j_log_sd"] * rng.standard_normal()))
        self.concentration = float(pen["hotspot_factor"][interlayer] / pen["contact_fraction"][interlayer])
        self.n = float(pen["stress_exponent"])
        self.t_ref_s = float(pen["reference_time_h"]) * 3600.0
        self.feed = float(pen["filament_feed_fraction"])
        self.thickness_cm = thickness_cm
        self.damage = 0.0
        self.length_cm = 0.0
        self.shorted = False

    def hotspot_mA_cm2(self, j_mA_cm2: float) -> float:
        """Hottest local current density for a mean current density ``j``."""
        return self.concentration * abs(j_mA_cm2)

    def advance(self, j_mA_cm2: float, duration_s: float) -> float | None:
        """Pass a constant current for ``duration_s``; return the time into it of the short, or None."""
        if self.shorted or j_mA_cm2 == 0:
            return None
        j_hs = self.hotspot_mA_cm2(j_mA_cm2)
        t = 0.0
        if self.damage < 1.0:
            rate = (j_hs / self.j_crit) ** self.n / self.t_ref_s
            t_init = (1.0 - self.damage) / rate if rate > 0 else np.inf
            if t_init >= duration_s:
                self.damage += rate * duration_s
                return None
            self.damage, t = 1.0, t_init
        v = j_hs * 1e-3 * LI_MOLAR_VOLUME_CM3_MOL / (FARADAY_C_MOL * self.feed)  # cm/s
        t_short = t + (self.thickness_cm - self.length_cm) / v
        if t_short > duration_s:
            self.length_cm += v * (duration_s - t)
            return None
        self.length_cm, self.shorted = self.thickness_cm, True
        return t_short


def _cc_response(t_in: np.ndarray, I_mA: float, r_cell_ohm: float, ov: dict, short_at: float | None,
                 r_short_ohm: float, rng: np.random.Generator) -> np.ndarray:
    """|Ewe| (V) during a constant-current step: I R (1 + concentration), or I R_short after a short."""
    growth = 1.0 - np.exp(-t_in / ov["concentration_time_s"])
    eta = abs(I_mA) * 1e-3 * r_cell_ohm * (1.0 + ov["concentration_rel"] * growth)
    if short_at is not None:
        after = t_in >= short_at
        eta[after] = abs(I_mA) * 1e-3 * r_short_ohm * (1.0 + 0.1 * np.abs(rng.standard_normal(int(after.sum()))))
    return eta + ov["noise_V"] * rng.standard_normal(t_in.size)


def _symmetric_log(path: Path, c: dict, steps: list[tuple[int, float, float]], dt_s: float, ocv_s: float,
                   cell: PenetrationCell, r_cell_ohm, seqs: list[dict], loop: tuple[int, int],
                   rng: np.random.Generator, run_after_short_s: float, writer: FileWriter | None = None) -> dict:
    """Write a Li|LLZO|Li galvanostatic log (OCV, then ``steps``) with the penetration model.

    Parameters
    ----------
    steps
        ``(Ns, I_mA, duration_s)`` after the OCV period (I = 0: rest).
    r_cell_ohm
        Callable ``t_s -> R_cell`` (ohm) at time t from the start of the log.
    run_after_short_s
        The log continues this long after the short, then the experimenter stops it.

    Returns
    -------
    dict
        ``short_time_h`` (from the first current), ``short_step`` (index in ``steps``) or None,
        ``duration_h`` (from the first current to the last record).
    """
    ov, A = c["overpotential"], c["area_cm2"]
    r_short = c["penetration"]["short_resistance_ohm"]
    ts = [_times(0.0, ocv_s, min(dt_s * 4, ocv_s))]
    es = [1e-4 * rng.standard_normal(ts[0].size)]
    is_, ns = [np.zeros(ts[0].size)], [np.zeros(ts[0].size, np.int64)]
    t0, last_eta, t_start = ocv_s, 0.0, None
    short_step, short_t, stop_at = None, None, np.inf
    for k, (n_s, I_mA, dur) in enumerate(steps):
        if t0 >= stop_at:
            break
        t = _times(t0, min(dur, stop_at - t0), dt_s)
        t_in = t - t0
        if I_mA == 0:
            eta = last_eta * np.exp(-t_in / ov["concentration_time_s"]) + ov["noise_V"] * rng.standard_normal(t.size)
            if cell.shorted:
                eta = ov["noise_V"] * rng.standard_normal(t.size)
            sign = np.sign(np.sign(last_eta) or 1.0)
            e = sign * eta
        else:
            if t_start is None:
                t_start = t0
            was = cell.shorted
            s = cell.advance(I_mA / A, dur)
            if s is not None:
                short_step, short_t = k, t0 + s
                stop_at = short_t + run_after_short_s
            eta = _cc_response(t_in, I_mA, r_cell_ohm(t0), ov, 0.0 if was else s, r_short, rng)
            e = np.sign(I_mA) * eta
            last_eta = float(e[-1])
        ts.append(t)
        es.append(e)
        is_.append(np.full(t.size, I_mA) * (1 + 1e-5 * rng.standard_normal(t.size)) if I_mA else np.zeros(t.size))
        ns.append(np.full(t.size, n_s, np.int64))
        t0 = float(t[-1])
    t = np.concatenate(ts)
    data = _gcpl_table(t, np.concatenate(es), np.concatenate(is_), np.concatenate(ns))
    _emit(writer, path, "GCPL", GCPL_COLUMNS, data, c, _gcpl_params(seqs, (-5.0, 5.0), loop))
    return {"short_time_h": (short_t - t_start) / 3600 if short_t is not None else None, "short_step": short_step,
            "duration_h": (float(t[-1]) - t_start) / 3600}


def _ccd(path: Path, c: dict, interlayer: str, rng: np.random.Generator, writer: FileWriter | None = None) -> dict:
    """Write the CCD step ramp of one cell; return its truth (CCD by the claim's definition)."""
    p = c["ccd"]
    A = c["area_cm2"]
    cell = PenetrationCell(c["penetration"], interlayer, c["thickness_cm"], rng)
    n_steps = round(p["max_mA_cm2"] / p["step_mA_cm2"])
    j_steps = p["step_mA_cm2"] * np.arange(1, n_steps + 1)
    steps = []
    for j in j_steps:
        steps += [(1, -j * A, p["half_step_s"]), (2, 0.0, p["rest_s"]), (3, j * A, p["half_step_s"]),
                  (4, 0.0, p["rest_s"])]
    steps = [s for s in steps if s[1] != 0 or s[2] > 0]
    r_cell = _dc_resistance_ohm(c, c["r_int_ohm_cm2"][interlayer])
    seqs = [{"I_mA": 0.0, "duration_s": p["ocv_s"]}, {"I_mA": -j_steps[0] * A, "duration_s": p["half_step_s"]},
            {"I_mA": 0.0, "duration_s": p["rest_s"]}, {"I_mA": j_steps[0] * A, "duration_s": p["half_step_s"]},
            {"I_mA": 0.0, "duration_s": p["rest_s"]}]
    res = _symmetric_log(path, c, steps, p["dt_s"], p["ocv_s"], cell, lambda t: r_cell, seqs, (1, n_steps - 1), rng,
                         run_after_short_s=p["half_step_s"], writer=writer)
    flow = [k for k, s in enumerate(steps) if s[1] != 0]
    if res["short_step"] is None:
        k_short, ccd, bound = None, float(j_steps[-1]), "gt"
    else:
        k_short = flow.index(res["short_step"]) // 2  # step (current density) in which it shorted
        ccd, bound = (float(j_steps[k_short - 1]), None) if k_short > 0 else (float(j_steps[0]), "lt")
    return {"interlayer": interlayer, "critical_j_mA_cm2": cell.j_crit,
            "hotspot_concentration": cell.concentration, "short_step_mA_cm2": None if k_short is None
            else float(j_steps[k_short]), "time_to_short_h": res["short_time_h"], "ccd_mA_cm2": ccd,
            "ccd_bound": bound}


def _sym(path: Path, c: dict, interlayer: str, rng: np.random.Generator, writer: FileWriter | None = None) -> dict:
    """Write the long-term symmetric cycling of one cell; return its truth (time to short, or log length)."""
    p = c["sym"]
    A = c["area_cm2"]
    cell = PenetrationCell(c["penetration"], interlayer, c["thickness_cm"], rng)
    i_mA = p["j_mA_cm2"] * A
    half_s = p["half_cycle_h"] * 3600.0
    dur_s = p["duration_h"][interlayer] * 3600.0
    n_cycles = int(np.ceil(dur_s / (2 * (half_s + p["rest_s"])) - 1e-9))
    steps = []
    for _ in range(n_cycles):
        steps += [(1, -i_mA, half_s), (2, 0.0, p["rest_s"]), (3, i_mA, half_s), (4, 0.0, p["rest_s"])]
    steps = [s for s in steps if s[1] != 0 or s[2] > 0]
    r0 = c["r_int_ohm_cm2"][interlayer]
    r_end = c["r_int_ohm_cm2"]["HL_cycled"] if interlayer == "HL" else r0
    tau = max(dur_s / 3, 1.0)

    def r_cell(t_s: float) -> float:  # the HL interface resistance falls while cycling
        return _dc_resistance_ohm(c, r_end + (r0 - r_end) * np.exp(-max(t_s - p["ocv_s"], 0.0) / tau))

    seqs = [{"I_mA": 0.0, "duration_s": p["ocv_s"]}, {"I_mA": -i_mA, "duration_s": half_s},
            {"I_mA": 0.0, "duration_s": p["rest_s"]}, {"I_mA": i_mA, "duration_s": half_s},
            {"I_mA": 0.0, "duration_s": p["rest_s"]}]
    res = _symmetric_log(path, c, steps, p["dt_s"], p["ocv_s"], cell, r_cell, seqs, (1, n_cycles - 1), rng,
                         run_after_short_s=2 * half_s, writer=writer)
    return {"interlayer": interlayer, "critical_j_mA_cm2": cell.j_crit, "hotspot_concentration": cell.concentration,
            "time_to_short_h": res["short_time_h"], "duration_h": res["duration_h"]}


# --------------------------------------------------------------------------------------------
# full cells
# --------------------------------------------------------------------------------------------
def open_circuit_V(x: np.ndarray | float, v_mid_V: float, slope_V: float) -> np.ndarray:
    """Open-circuit voltage vs fraction x of the cyclable Li extracted: plateau, steep ends (V)."""
    x = np.clip(np.asarray(x, dtype=float), 1e-6, 1 - 1e-6)
    return v_mid_V + slope_V * (x - 0.5) + 0.5 * (np.exp(-(1.0 - x) / 0.03) - np.exp(-x / 0.03))


def _reach(target_V: float, v_mid: float, slope: float, lo: float, hi: float) -> float:
    """X in [lo, hi] where the (increasing) open-circuit voltage equals ``target_V`` (bisection)."""
    a, b = lo, hi
    if open_circuit_V(b, v_mid, slope) <= target_V:
        return b
    if open_circuit_V(a, v_mid, slope) >= target_V:
        return a
    for _ in range(60):
        m = 0.5 * (a + b)
        if open_circuit_V(m, v_mid, slope) < target_V:
            a = m
        else:
            b = m
    return 0.5 * (a + b)


def full_cell_model(p: dict, rng: np.random.Generator) -> dict:
    """Per-cycle state of a full cell from the degradation model (see the module docstring).

    Returns
    -------
    dict of numpy.ndarray
        Per cycle (``cycles + 1``: the last one is the interrupted charge): ``x_start``,
        ``x_end``, ``x_low`` (fractions of the cyclable inventory), ``q_avail_mAh``,
        ``q_charge_mAh``, ``q_discharge_mAh``, ``r_ohm``, and the current ``i_mA``.
    """
    q0 = p["capacity_mAh_g"] * p["active_mass_mg"] * 1e-3  # mAh
    i_mA = p["c_rate"] * q0
    n = int(p["cycles"]) + 1
    cyc = np.arange(1, n + 1)
    loss = p["first_cycle_loss_rel"] + p["sei_loss_rel_sqrt_cycle"] * (np.sqrt(cyc) - 1.0)
    d_loss = np.diff(np.r_[0.0, loss])
    q_avail = q0 * (1.0 - loss) * (1.0 + p["capacity_noise_rel"] * rng.standard_normal(n))
    r = p["r_cell_ohm"] + p["r_growth_ohm_per_cycle"] * (cyc - 1)
    out = {k: np.zeros(n) for k in ("x_start", "x_end", "x_low", "q_charge_mAh", "q_discharge_mAh")}
    x0 = 0.0
    for k in range(n):
        ir = i_mA * 1e-3 * r[k]
        x_end = _reach(p["v_max_V"] - ir, p["v_mid_V"], p["ocv_slope_V"], x0, 1.0)
        x_low = _reach(p["v_min_V"] + ir, p["v_mid_V"], p["ocv_slope_V"], 0.0, x_end)
        out["x_start"][k], out["x_end"][k], out["x_low"][k] = x0, x_end, x_low
        out["q_charge_mAh"][k] = (x_end - x0) * q_avail[k] + d_loss[k] * q0
        out["q_discharge_mAh"][k] = (x_end - x_low) * q_avail[k]
        x0 = x_low
    out.update(q_avail_mAh=q_avail, r_ohm=r, i_mA=np.full(n, i_mA))
    return out


def _full(path: Path, c: dict, cathode: str, rng: np.random.Generator, writer: FileWriter | None = None) -> dict:
    p = c["full"][cathode]
    st = full_cell_model(p, rng)
    i_mA = float(st["i_mA"][0])
    n_cyc = int(p["cycles"])
    npts = int(c["full_points_per_half_cycle"])
    rest_s, noise = float(c["full_rest_s"]), 5e-4
    v_mid, slope = p["v_mid_V"], p["ocv_slope_V"]
    t_ocv = _times(0.0, c["full_ocv_s"], 600.0)
    ts, es, is_, ns = [t_ocv], [open_circuit_V(0.0, v_mid, slope) + noise * rng.standard_normal(t_ocv.size)], \
        [np.zeros(t_ocv.size)], [np.zeros(t_ocv.size, np.int64)]
    t0 = float(t_ocv[-1])
    for k in range(n_cyc + 1):
        last = k == n_cyc  # the log stops during the charge of the next cycle
        ir = i_mA * 1e-3 * st["r_ohm"][k]
        for n_s, sgn, q, xa, xb in ((1, 1.0, st["q_charge_mAh"][k], st["x_start"][k], st["x_end"][k]),
                                    (3, -1.0, st["q_discharge_mAh"][k], st["x_end"][k], st["x_low"][k])):
            dur = q / i_mA * 3600.0
            frac = np.arange(1, npts + 1) / npts
            if last:
                frac = frac[: npts // 3]
            t = t0 + frac * dur
            v = open_circuit_V(xa + (xb - xa) * frac, v_mid, slope) + sgn * ir + noise * rng.standard_normal(frac.size)
            if not last:
                v[-1] = p["v_max_V"] if sgn > 0 else p["v_min_V"]  # the step ends at the cut-off
            ts.append(t)
            es.append(v)
            is_.append(np.full(t.size, sgn * i_mA))
            ns.append(np.full(t.size, n_s, np.int64))
            t0 = float(t[-1])
            if last:
                break
            tr = _times(t0, rest_s, 60.0)
            v_oc = open_circuit_V(xb, v_mid, slope)
            relax = v_oc + (v[-1] - v_oc) * np.exp(-(tr - t0) / 120.0)
            ts.append(tr)
            es.append(relax + noise * rng.standard_normal(tr.size))
            is_.append(np.zeros(tr.size))
            ns.append(np.full(tr.size, n_s + 1, np.int64))
            t0 = float(tr[-1])
    data = _gcpl_table(np.concatenate(ts), np.concatenate(es), np.concatenate(is_), np.concatenate(ns))
    seqs = [{"I_mA": 0.0, "duration_s": c["full_ocv_s"]}, {"I_mA": i_mA, "duration_s": 0.0},
            {"I_mA": 0.0, "duration_s": rest_s}, {"I_mA": -i_mA, "duration_s": 0.0},
            {"I_mA": 0.0, "duration_s": rest_s}]
    _emit(writer, path, "GCPL", GCPL_COLUMNS, data, c, _gcpl_params(seqs, (p["v_min_V"], p["v_max_V"]), (1, n_cyc)),
              mass_g=p["active_mass_mg"] * 1e-3)
    m_g = p["active_mass_mg"] * 1e-3
    return {"cycles": n_cyc, "q_discharge_mAh_g": (st["q_discharge_mAh"][:n_cyc] / m_g).tolist(),
            "q_charge_mAh_g": (st["q_charge_mAh"][:n_cyc] / m_g).tolist(),
            "r_cell_ohm": st["r_ohm"][:n_cyc].tolist()}


def write(raw_dir: Path, truth_dir: Path, cfg: dict, rng: np.random.Generator,
          writer: FileWriter | None = None) -> dict[str, list[dict]]:
    """Write every electrochemistry file under ``raw_dir/echem`` and ``echem_truth.json``.

    The cells are simulated here, in order; ``writer`` (:class:`llzo.lab.parallel.FileWriter`)
    formats and writes the ``.mpt`` text (``None``: in this process).

    Returns
    -------
    dict
        ``{"echem": rows}``: the rows of ``echem.tsv``.
    """
    with contextlib.ExitStack() as stack:
        writer = writer or stack.enter_context(FileWriter(1))
        saved = writer.progress
        writer.progress = Progress("virtual lab: EC-Lab files", _n_runs(cfg["echem"]))
        try:
            out = _write(raw_dir, truth_dir, cfg, rng, writer)
            writer.results()
        finally:
            writer.progress = saved
    return out


def _n_runs(c: dict) -> int:
    """Count the ``.mpt`` files :func:`write` makes."""
    peis = 4 * int(c["cells_per_group"]) * int(c["eis_repeats"])  # none, Au, HL pristine and HL cycled
    return peis + 3 * (int(c["ccd"]["cells_per_interlayer"]) + int(c["sym"]["cells_per_interlayer"])) + 2


def _write(raw_dir: Path, truth_dir: Path, cfg: dict, rng: np.random.Generator,
           writer: FileWriter) -> dict[str, list[dict]]:
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
                    _peis(out / f"{run}.mpt", c, _peis_cell(c, key, (float(r_pair[0]), float(r_pair[1]))), peis_rng,
                          writer)
                    row(run, "PEIS", cell, il, state, 25.0)
                    truth["peis"][run] = {"interlayer": il, "state": state, "cell": cell, "repeat": k,
                                          "r_int_interfaces_ohm_cm2": [float(x) for x in r_pair],
                                          "r_int_ohm_cm2": float(np.mean(r_pair))}
    # CCD ramps and long-term symmetric cells: one penetration model per interlayer
    for il in ("none", "Au", "HL"):
        for i in range(1, int(c["ccd"]["cells_per_interlayer"]) + 1):
            run = f"ccd_{il}_{i}"
            truth["ccd"][run] = _ccd(out / f"{run}.mpt", c, il, rng, writer)
            row(run, "CCD", f"ccd_{il}_{i}", il, "pristine", c["ccd"]["temperature_C"])
    for il in ("none", "Au", "HL"):
        for i in range(1, int(c["sym"]["cells_per_interlayer"]) + 1):
            run = f"sym_{il}_{i}"
            truth["sym"][run] = _sym(out / f"{run}.mpt", c, il, rng, writer)
            row(run, "SYM", f"cyc_{il}_{i}", il, "pristine", c["sym"]["temperature_C"])
    # FULL cells (HL interlayer)
    for cath in ("LFP", "NCM523"):
        run = f"full_{cath}"
        p = c["full"][cath]
        truth["full"][run] = _full(out / f"{run}.mpt", c, cath, rng, writer)
        row(run, "FULL", f"full_{cath}_1", "HL", "pristine", p["temperature_C"], cath, p["active_mass_mg"])
    (Path(truth_dir) / "echem_truth.json").write_text(json.dumps(truth, indent=1, sort_keys=True) + "\n",
                                                        encoding="utf-8")
    return {"echem": rows}
