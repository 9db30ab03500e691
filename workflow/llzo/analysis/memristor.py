"""Memristor cycling of Li|LLZO|WE cells (paper Fig. 6e-i): set/reset detection and on/off ratio.

Each multi-cycle sweep (``protocol = memristor``) runs cycles ``0 -> set limit -> 0 -> reset
limit -> 0``. Per cycle:

* **set** (HRS -> LRS): on the negative half, the first sample where the apparent conductance
  ``g = |I| / |V|`` rises by ``switch_factor`` over the median of the preceding
  ``baseline_samples`` samples and stays there (median of the next ``baseline_samples``);
  the set bias is the bias of that sample. A cycle without such a rise has *no set*.
* **reset** (LRS -> HRS): on the positive half, the first sample where ``g`` falls by
  ``switch_factor`` and stays down; otherwise *no reset*.
* **HRS / LRS currents** at ``read_bias_V`` (negative, inside the set window): the HRS from the
  reductive (descending) branch, the LRS from the return branch, each interpolated at the read
  bias within the samples of the device state the branch has where it crosses the read bias
  (so a switch between two samples never mixes states); ``on_off = |I_LRS| / |I_HRS|``.

Samples with ``|V| < min_switch_bias_V`` are not used for switching (``g`` is noise there).
Claims (``docs/claims.md``, :func:`memristor_claims`): ``memristor_tip_on_off`` (median on/off
of tip cycles after the first ``forming_cycles``), ``memristor_tip_set_V`` (median set bias of the same cycles),
``memristor_pad_on_off`` (maximum on/off of the largest pad), ``memristor_pad_resets`` (cycles of
the largest pad whose LRS returns to within ``reset_return_factor`` of the first HRS).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from llzo.analysis.params import ConfigParams
from llzo.claims import Claim

#: Columns of the per-cycle table (units in the names; ``outcome`` spells set/reset out).
DEVICE_COLUMNS = ["sweep_id", "electrode", "pad_side_um", "n_cycles", "n_set", "n_reset", "n_no_set", "on_off_median",
                  "on_off_max", "endurance_cycles", "endurance_censored", "set_bias_median_V",
                  "set_trend_mV_per_cycle", "resets_to_hrs"]

CYCLE_COLUMNS = ["sweep_id", "electrode", "pad_side_um", "cycle", "outcome", "set_detected", "set_bias_V",
                 "reset_detected", "reset_bias_V", "I_HRS_A", "I_LRS_A", "on_off", "returned_to_hrs"]


@dataclass(frozen=True)
class MemristorParams(ConfigParams):
    """Analysis parameters (``analysis.memristor`` in config.yaml).

    Parameters
    ----------
    read_bias_V
        Read bias (V vs Li/Li+), negative: inside the set window, before the set.
    forming_cycles
        Cycles excluded from the tip medians (paper: constant "after the first ten cycles").
    switch_factor
        Minimum abrupt change of ``|I|/|V|`` for a set or reset (dimensionless, > 1).
    min_switch_bias_V
        Samples with ``|V|`` below this are ignored for switching (V).
    baseline_samples
        Samples before (baseline) and after (persistence) a candidate switch.
    endurance_on_off_min
        Endurance: cycles with ``on_off`` at or above this (dimensionless).
    reset_return_factor
        A reset returns the device to HRS when the next HRS current is within this factor of the
        first cycle's HRS current (2: within a factor of two).
    """

    read_bias_V: float = -0.1
    forming_cycles: int = 10
    switch_factor: float = 1.5
    min_switch_bias_V: float = 0.02
    baseline_samples: int = 5
    endurance_on_off_min: float = 10.0
    reset_return_factor: float = 2.0


@dataclass(frozen=True)
class CycleResult:
    """One analysed cycle (biases in V vs Li/Li+, currents in A; ``None`` = not detected)."""

    set_bias_V: float | None
    reset_bias_V: float | None
    I_HRS_A: float
    I_LRS_A: float
    set_index: int | None
    reset_index: int | None

    @property
    def on_off(self) -> float:
        """``|I_LRS| / |I_HRS|`` at the read bias (dimensionless; NaN only for a truncated cycle)."""
        if not (np.isfinite(self.I_LRS_A) and np.isfinite(self.I_HRS_A)):
            return float("nan")
        return float(abs(self.I_LRS_A) / max(abs(self.I_HRS_A), 1e-30))


def _defined(g: np.ndarray, factor: float) -> bool:
    """Whether conductances ``g`` describe one state: their spread is below ``1 - 1/factor`` of their median.

    A conducting state (filament, ionic contact) has a conductance that changes little from sample
    to sample; a current at the instrument's floor gives ``|I|/|V|`` that scatters by its own size.
    """
    med = float(np.median(g))
    return med > 0 and float(np.max(g) - np.min(g)) <= (1.0 - 1.0 / factor) * med


def _find_switch(V: np.ndarray, I: np.ndarray, idx: np.ndarray, factor: float, n_base: int, rising: bool) -> int | None:
    """First index in ``idx`` where ``|I|/|V|`` jumps up (``rising``) or down by ``factor`` and stays.

    A switch needs a full baseline of ``n_base`` samples before it. A rise (set) must also lift
    ``|I|`` (at the switch sample and as the median of the next ``n_base`` samples) by ``factor``
    above the largest ``|I|`` and above the full spread (max - min) of the signed current seen
    before it in ``idx``; a fall (reset) must start from a defined conductance (:func:`_defined`)
    and bring the median ``|I|`` of the next samples ``factor`` below the smallest ``|I|`` seen
    before it. Where the current is at the instrument's floor (the HRS of a nano-contact is
    femtoamperes), ``|I|/|V|`` is noise divided by the bias and rises or falls whenever ``|V|``
    changes or the noise fluctuates, but the current itself neither grows out of its own
    scatter nor collapses.
    """
    if idx.size < 2:
        return None
    a = np.abs(I[idx])
    g = np.maximum(a / np.abs(V[idx]), 1e-300)
    a_min = np.minimum.accumulate(a)
    a_max = np.maximum(np.maximum.accumulate(a), np.maximum.accumulate(I[idx]) - np.minimum.accumulate(I[idx]))
    for j in range(n_base, g.size):
        base = float(np.median(g[j - n_base: j]))
        after = float(np.median(g[j: j + n_base]))
        a_after = float(np.median(a[j: j + n_base]))
        if (rising and g[j] >= factor * base and after >= factor * base
                and min(a[j], a_after) >= factor * a_max[j - 1]):
            return int(idx[j])
        if (not rising and g[j] * factor <= base and after * factor <= base and a_after * factor <= a_min[j - 1]
                and _defined(g[j - n_base: j], factor)):
            return int(idx[j])
    return None


def _find_reset(V: np.ndarray, I: np.ndarray, pos: np.ndarray, params: MemristorParams) -> int | None:
    """Reset on the positive half ``pos`` (indices in time order).

    On the rising part (0 -> reset limit) a reset is an abrupt fall of ``|I|/|V|`` (see
    :func:`_find_switch`). On the way back the ionic HRS conductance itself falls steeply with
    the bias, so there a reset is a fall by ``switch_factor`` below the rising part's conductance
    at the same bias (no hysteresis: no reset), persisting over ``baseline_samples``, that also
    brings ``|I|`` below every earlier current of the half cycle (a current at the instrument's
    floor cannot fall).
    """
    if pos.size < 2:
        return None
    k_top = int(pos[np.argmax(V[pos])])
    up, down = pos[pos <= k_top], pos[pos > k_top]
    k = _find_switch(V, I, up, params.switch_factor, params.baseline_samples, rising=False)
    if k is not None or down.size == 0 or up.size < 2:
        return k
    g_up = np.maximum(np.abs(I[up]) / np.abs(V[up]), 1e-300)
    ref = np.interp(V[down], V[up], g_up)  # V rises along ``up``
    low = np.abs(I[down]) / np.abs(V[down]) * params.switch_factor <= ref
    n = params.baseline_samples
    # as for a fall on the rising part: the current must collapse below everything before it
    a_min = np.minimum.accumulate(np.abs(I[np.r_[up, down]]))[up.size - 1:]
    for j in np.nonzero(low)[0]:
        lo = max(0, j - n)
        g_ref = ref[lo: j] if j > lo else g_up[-n:]  # the conducting state it falls from, at the same biases
        if (low[j: j + n].all() and float(np.median(np.abs(I[down[j: j + n]]))) * params.switch_factor <= a_min[j]
                and _defined(g_ref, params.switch_factor)):
            return int(down[j])
    return None


def _read_at(V: np.ndarray, I: np.ndarray, read_V: float) -> float:
    """Read the current at ``read_V`` from samples ``(V, I)`` of one state on one branch.

    Linear interpolation inside their bias range; outside it, the nearest sample scaled
    ohmically (``I * read_V / V``).
    """
    if V.size == 0:
        return float("nan")
    order = np.argsort(V, kind="stable")
    Vs, Is = V[order], I[order]
    if Vs[0] <= read_V <= Vs[-1]:
        return float(np.interp(read_V, Vs, Is))
    k = int(np.argmin(np.abs(Vs - read_V)))
    return float(Is[k] * read_V / Vs[k]) if Vs[k] != 0 else float(Is[k])


def _branch_read(V: np.ndarray, I: np.ndarray, lo: int, hi: int, k_state: int, switch: int | None,
                 read_V: float) -> float:
    """Read the current on branch ``[lo, hi)`` in the state the device has at sample ``k_state``."""
    if switch is not None and lo < switch < hi:
        seg = (switch, hi) if k_state >= switch else (lo, switch)
    else:
        seg = (lo, hi)
    a, b = seg
    if b - a < 1:
        a, b = lo, hi
    return _read_at(V[a:b], I[a:b], read_V)


def analyse_cycle(bias_V: np.ndarray, current_A: np.ndarray, params: MemristorParams) -> CycleResult:
    """Set, reset and HRS/LRS currents of one cycle ``0 -> set limit -> 0 -> reset limit -> 0``.

    Parameters
    ----------
    bias_V
        Bias of the cycle's samples in time order (V vs Li/Li+).
    current_A
        Working-electrode current (A).
    params
        Analysis parameters.

    Returns
    -------
    CycleResult
        Never raises for a cycle without a set or reset: those fields are ``None``.
    """
    V = np.asarray(bias_V, dtype=float)
    I = np.asarray(current_A, dtype=float)
    n = V.size
    if n == 0 or V.min() >= 0:  # truncated cycle without a negative half: nothing to read
        k_reset = _find_reset(V, I, np.nonzero(np.abs(V) >= params.min_switch_bias_V)[0], params) if n else None
        return CycleResult(None, float(V[k_reset]) if k_reset is not None else None, float("nan"), float("nan"),
                           None, k_reset)
    k_min = int(np.argmin(V))
    after_min = np.nonzero(V[k_min:] >= 0)[0]
    z = k_min + int(after_min[0]) if after_min.size else n  # end of the negative half
    valid = np.abs(V) >= params.min_switch_bias_V
    neg = np.nonzero(valid[:z] & (V[:z] < 0))[0]
    pos = np.nonzero(valid[z:] & (V[z:] > 0))[0] + z
    k_set = _find_switch(V, I, neg, params.switch_factor, params.baseline_samples, rising=True)
    k_reset = _find_reset(V, I, pos, params)
    read = params.read_bias_V
    # descending branch [0, k_min]: state just before it crosses the read bias
    desc_hit = np.nonzero(V[: k_min + 1] <= read)[0]
    k_desc = max(int(desc_hit[0]) - 1, 0) if desc_hit.size else k_min
    I_hrs = _branch_read(V, I, 0, k_min + 1, k_desc, k_set, read)
    # return branch [k_min, z): state where it crosses the read bias
    ret_hit = np.nonzero(V[k_min:z] >= read)[0]
    k_ret = k_min + int(ret_hit[0]) if ret_hit.size else z - 1
    I_lrs = _branch_read(V, I, k_min, z, k_ret, k_set, read)
    return CycleResult(
        set_bias_V=float(V[k_set]) if k_set is not None else None,
        reset_bias_V=float(V[k_reset]) if k_reset is not None else None,
        I_HRS_A=I_hrs, I_LRS_A=I_lrs, set_index=k_set, reset_index=k_reset,
    )


def _outcome(set_ok: bool, reset_ok: bool, read_ok: bool = True) -> str:
    text = f"{'set' if set_ok else 'no set'}, {'reset' if reset_ok else 'no reset'}"
    return text if read_ok else text + ", not read (truncated cycle)"


def cycle_table(sweep: pd.DataFrame, params: MemristorParams) -> pd.DataFrame:
    """Analyse every cycle of one memristor sweep.

    Parameters
    ----------
    sweep
        Samples of one sweep: ``cycle, time_s, bias_V, current_A``.
    params
        Analysis parameters.

    Returns
    -------
    pandas.DataFrame
        One row per cycle: ``cycle``, ``outcome`` (``"set, reset"``, ``"set, no reset"``,
        ``"no set, reset"``, ``"no set, no reset"``), ``set_detected``, ``set_bias_V``,
        ``reset_detected``, ``reset_bias_V`` (nullable ``Float64``: ``<NA>`` when not
        detected), ``I_HRS_A``, ``I_LRS_A``, ``on_off`` (finite), ``returned_to_hrs`` (the next
        cycle starts within ``reset_return_factor`` of the first HRS current after an LRS).
    """
    rows = []
    for cyc, g in sweep.sort_values(["cycle", "time_s"], kind="stable").groupby("cycle", sort=True):
        r = analyse_cycle(g["bias_V"].to_numpy(), g["current_A"].to_numpy(), params)
        outcome = _outcome(r.set_bias_V is not None, r.reset_bias_V is not None, bool(np.isfinite(r.on_off)))
        rows.append({"cycle": int(cyc), "outcome": outcome,
                     "set_detected": r.set_bias_V is not None, "set_bias_V": r.set_bias_V,
                     "reset_detected": r.reset_bias_V is not None, "reset_bias_V": r.reset_bias_V,
                     "I_HRS_A": r.I_HRS_A, "I_LRS_A": r.I_LRS_A, "on_off": r.on_off})
    df = pd.DataFrame(rows, columns=["cycle", "outcome", "set_detected", "set_bias_V", "reset_detected",
                                     "reset_bias_V", "I_HRS_A", "I_LRS_A", "on_off"])
    for col in ("set_bias_V", "reset_bias_V"):
        df[col] = pd.array([np.nan if v is None else v for v in df[col]], dtype="Float64")
    df["returned_to_hrs"] = returned_to_hrs(df["I_HRS_A"].to_numpy(), df["I_LRS_A"].to_numpy(),
                                            params.reset_return_factor)
    return df


def returned_to_hrs(I_HRS_A: np.ndarray, I_LRS_A: np.ndarray, factor: float = 2.0) -> np.ndarray:
    """Cycles whose LRS returns to within ``factor`` of the first HRS (claim ``memristor_pad_resets``).

    Cycle ``c`` counts when it reached an LRS (``|I_LRS(c)| > factor |I_HRS(1)|``) and the next
    cycle starts back in HRS (``|I_HRS(c+1)| <= factor |I_HRS(1)|``). The last cycle's return is
    not observed at the read bias and does not count.
    """
    hrs, lrs = np.abs(np.asarray(I_HRS_A, float)), np.abs(np.asarray(I_LRS_A, float))
    out = np.zeros(hrs.size, dtype=bool)
    if hrs.size < 2:
        return out
    ref = factor * hrs[0]
    out[:-1] = (lrs[:-1] > ref) & (hrs[1:] <= ref)
    return out


def memristor_cycles(meta: pd.DataFrame, data: pd.DataFrame, params: MemristorParams) -> pd.DataFrame:
    """Per-cycle table of every ``protocol = memristor`` sweep of a dataset.

    Parameters
    ----------
    meta
        The sweeps sheet (``llzo.interim.load_sweeps``).
    data
        The long sweep table (``sweep_id, cycle, time_s, bias_V, current_A``).
    params
        Analysis parameters.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CYCLE_COLUMNS`; empty (with those columns) without memristor sweeps.
    """
    mem = meta[meta["protocol"] == "memristor"]
    frames = []
    by_id = {k: g for k, g in data[data["sweep_id"].isin(mem["sweep_id"])].groupby("sweep_id", sort=False)}
    for row in mem.itertuples(index=False):
        if row.sweep_id not in by_id:
            continue
        t = cycle_table(by_id[row.sweep_id], params)
        t.insert(0, "pad_side_um", float(getattr(row, "pad_side_um", np.nan)) if row.electrode == "pad" else np.nan)
        t.insert(0, "electrode", row.electrode)
        t.insert(0, "sweep_id", row.sweep_id)
        frames.append(t)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CYCLE_COLUMNS})
    return pd.concat(frames, ignore_index=True)[CYCLE_COLUMNS]


def endurance_cycles(on_off: np.ndarray, threshold: float) -> tuple[int, bool]:
    """Cycles the on/off ratio stays at or above ``threshold``.

    Counting starts at the first cycle at or above the threshold (the device has formed) and
    stops before the first cycle below it.

    Returns
    -------
    (int, bool)
        The number of cycles and whether it is censored (still above at the last cycle).
    """
    ok = np.asarray(on_off, float) >= threshold
    if not ok.any():
        return 0, False
    start = int(np.argmax(ok))
    bad = np.nonzero(~ok[start:])[0]
    if bad.size == 0:
        return int(ok.size - start), True
    return int(bad[0]), False


def device_summary(cycles: pd.DataFrame, params: MemristorParams) -> pd.DataFrame:
    """Per device (sweep): endurance, set-bias trend and switching counts.

    Returns
    -------
    pandas.DataFrame
        ``sweep_id, electrode, pad_side_um, n_cycles, n_set, n_reset, n_no_set, on_off_median,
        on_off_max, endurance_cycles, endurance_censored, set_bias_median_V, set_trend_mV_per_cycle,
        resets_to_hrs``; medians and the trend use the cycles after ``forming_cycles`` (all
        cycles when a device has no more); the trend is the least-squares slope of the set bias
        vs cycle (0 with fewer than two sets).
    """
    out = []
    for sid, g in cycles.groupby("sweep_id", sort=False):
        late = g[g["cycle"] > params.forming_cycles]
        late = late if len(late) else g
        sets = late[late["set_detected"]]
        e, cens = endurance_cycles(g["on_off"].to_numpy(), params.endurance_on_off_min)
        if len(sets) >= 2 and sets["cycle"].nunique() >= 2:
            slope = float(np.polyfit(sets["cycle"].to_numpy(float), sets["set_bias_V"].to_numpy(float), 1)[0])
        else:
            slope = 0.0
        out.append({
            "sweep_id": sid, "electrode": g["electrode"].iloc[0], "pad_side_um": g["pad_side_um"].iloc[0],
            "n_cycles": len(g), "n_set": int(g["set_detected"].sum()), "n_reset": int(g["reset_detected"].sum()),
            "n_no_set": int((~g["set_detected"].astype(bool)).sum()),
            "on_off_median": _nanmedian(late["on_off"].to_numpy(float)), "on_off_max": float(g["on_off"].max()),
            "endurance_cycles": e, "endurance_censored": cens,
            "set_bias_median_V": float(np.median(sets["set_bias_V"].to_numpy(float))) if len(sets) else np.nan,
            "set_trend_mV_per_cycle": slope * 1e3, "resets_to_hrs": int(g["returned_to_hrs"].sum()),
        })
    return pd.DataFrame(out, columns=DEVICE_COLUMNS)


def _nanmedian(x: np.ndarray) -> float:
    """Median of the finite values (NaN when there is none)."""
    x = x[np.isfinite(x)]
    return float(np.median(x)) if x.size else float("nan")


def _boot_median_ci(x: np.ndarray, n_boot: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95 % bootstrap interval of the median (deterministic)."""
    if x.size == 0:
        return np.nan, np.nan
    if x.size == 1:
        return float(x[0]), float(x[0])
    rng = np.random.default_rng(seed)
    med = np.median(rng.choice(x, size=(n_boot, x.size), replace=True), axis=1)
    lo, hi = np.percentile(med, [2.5, 97.5])
    return float(lo), float(hi)


def memristor_claims(cycles: pd.DataFrame, params: MemristorParams) -> list[Claim]:
    """Compute the four memristor claims, for the devices the dataset has.

    Parameters
    ----------
    cycles
        Output of :func:`memristor_cycles`.
    params
        Analysis parameters.

    Returns
    -------
    list of Claim
        ``memristor_tip_on_off`` and ``memristor_tip_set_V`` (medians over tip cycles after the
        first ``forming_cycles``, bootstrap 95 % intervals) when a tip was cycled beyond forming;
        ``memristor_pad_on_off`` (maximum over the cycles of the largest pad) and
        ``memristor_pad_resets`` (its cycles whose LRS returns within ``reset_return_factor`` of
        the first HRS) when pads were cycled. Claims the dataset cannot give are left out.
    """
    claims = []
    tip = cycles[(cycles["electrode"] == "tip") & (cycles["cycle"] > params.forming_cycles)]
    x = tip["on_off"].to_numpy(float)
    x = x[np.isfinite(x)]
    if x.size:
        lo, hi = _boot_median_ci(x)
        claims.append(Claim("memristor_tip_on_off", float(np.median(x)), lo, hi, n=len(x),
                            note=f"median over {len(x)} tip cycles after the first {params.forming_cycles}, read at "
                                 f"{params.read_bias_V:g} V"))
        s = tip.loc[tip["set_detected"].astype(bool), "set_bias_V"].to_numpy(float)
        if s.size:
            lo, hi = _boot_median_ci(s)
            claims.append(Claim("memristor_tip_set_V", float(np.median(s)), lo, hi, n=int(s.size),
                                note=f"median over {s.size} tip cycles with a set after the first "
                                     f"{params.forming_cycles}; {len(tip) - s.size} without a set"))
    pads = cycles[cycles["electrode"] == "pad"]
    if len(pads):
        side = float(pads["pad_side_um"].max())
        big = pads[pads["pad_side_um"] == side]
        claims.append(Claim("memristor_pad_on_off", float(big["on_off"].max()), n=len(big),
                            note=f"maximum over {len(big)} cycles of the {side:g} um pad (largest pad)"))
        claims.append(Claim("memristor_pad_resets", float(big["returned_to_hrs"].sum()), n=len(big),
                            note=f"cycles of the {side:g} um pad whose LRS returns within "
                                 f"{params.reset_return_factor:g}x of the first HRS"))
    return [c for c in claims if np.isfinite(c.reproduced)]


@dataclass(frozen=True)
class MemristorAnalysis:
    """Fig. 6e-i: per cycle, per device, and the claims.

    Attributes
    ----------
    cycles
        :func:`memristor_cycles`.
    devices
        :func:`device_summary`.
    claims
        :func:`memristor_claims`.
    """

    cycles: pd.DataFrame
    devices: pd.DataFrame
    claims: list[Claim]


def memristor_analysis(meta: pd.DataFrame, data: pd.DataFrame, params: MemristorParams) -> MemristorAnalysis:
    """Analyse every memristor sweep of a dataset (``llzo.interim.load_sweeps``) and compute the claims."""
    cycles = memristor_cycles(meta, data, params)
    return MemristorAnalysis(cycles, device_summary(cycles, params), memristor_claims(cycles, params))
