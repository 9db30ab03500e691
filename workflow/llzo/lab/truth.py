"""True values of the paper's claims for a virtual-lab dataset (``claims_truth.json``).

Each claim's definition (``docs``/``paper_claims.yaml`` and the claim definitions the analyses
follow) is applied to the lab's *latent* variables instead of the raw files: the nucleation
bias of each sweep, the material's modulus and potential at each pixel's true distance to the
true boundary, each cell's interface resistance, short and capacities, each memristor cycle's
noise-free state. Nothing here imports or calls the analyses: the truth is computed
independently (the Kaplan-Meier median is re-implemented below).

Some definitions have analysis parameters (``gb_band_nm``, ``gi_min_distance_nm``,
``read_bias_V``, ``forming_cycles``, ``retention_reference_cycle``, ``reset_return_factor``).
The lab never reads the analysis configuration, so such a claim's truth is a table over a grid
of those parameters (``parameters``: name -> grid, ``values``: nested lists in that order);
:func:`truth_value` reads it at the parameters a validation uses. Parameter-free claims have a
``value``. Every entry has ``bound`` (``"lt"``/``"gt"`` when the definition itself yields only a
bound, e.g. a Kaplan-Meier median with more than half censored) and a short ``how``.

Claims that the instrument cannot resolve carry ``measurable: false`` and a ``limit`` saying
what a perfect analysis can recover instead (the tip memristor's HRS is below the instrument's
floor, so its on/off ratio can only be recovered as a lower bound).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from llzo.lab.instrument import hertz_area_m2
from llzo.lab.maps import gauss_profile
from llzo.lab.memristor import state_current_A

#: Parameter grids of the parameter-dependent definitions (cover the documented plausible ranges).
GRIDS = {
    "gb_band_nm": [10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 60.0],
    "gi_min_distance_nm": [50.0, 75.0, 100.0, 150.0, 200.0],
    "read_bias_V": [-0.05, -0.075, -0.1, -0.125, -0.15, -0.2],
    "forming_cycles": [0, 5, 10, 15, 20],
    "retention_reference_cycle": [1, 2, 3, 5, 10],
    "reset_return_factor": [1.5, 2.0, 3.0],
}


# --- statistics ------------------------------------------------------------------------------
def km_median(magnitude: np.ndarray, event: np.ndarray) -> tuple[float, bool]:
    """Kaplan-Meier median (Kaplan & Meier 1958; R ``survfit`` convention) and whether it is a bound.

    Returns the largest magnitude and ``True`` when the survival never falls to 0.5.
    """
    t, e = np.asarray(magnitude, float), np.asarray(event, bool)
    if t.size == 0:
        return float("nan"), False
    times = np.unique(t[e])
    if times.size == 0:
        return float(t.max()), True
    at_risk = (t[None, :] >= times[:, None]).sum(axis=1)
    deaths = ((t[None, :] == times[:, None]) & e[None, :]).sum(axis=1)
    surv = np.cumprod(1.0 - deaths / at_risk)
    below = np.nonzero(surv <= 0.5 + 1e-12)[0]
    if below.size == 0:
        return float(t.max()), True
    j = int(below[0])
    if abs(surv[j] - 0.5) < 1e-12 and j + 1 < times.size:
        return float(0.5 * (times[j] + times[j + 1])), False
    return float(times[j]), False


def truth_value(entry: dict, **params: float) -> float:
    """Read the true value of a claim entry at the given definition parameters.

    Parameters
    ----------
    entry
        One claim of ``claims_truth.json``.
    **params
        Values of the entry's ``parameters`` (exact grid points; unused names are ignored).

    Raises
    ------
    KeyError
        When a needed parameter is missing or not on the grid.
    """
    if "parameters" not in entry:
        return entry["value"]
    v = entry["values"]
    for name, grid in entry["parameters"].items():
        if name not in params:
            raise KeyError(f"the truth of this claim depends on {name!r}; pass it")
        matches = [i for i, g in enumerate(grid) if abs(g - params[name]) <= 1e-9 * max(1.0, abs(g))]
        if not matches:
            raise KeyError(f"{name}={params[name]} is not on the truth grid {grid}")
        v = v[matches[0]]
    return v


def _finite(v: float) -> float | None:
    """``v`` as a JSON number, or None when it is not finite."""
    return float(v) if v is not None and np.isfinite(v) else None


def _entry(value=None, *, how: str, bound: str | None = None, **extra) -> dict:
    out = {"how": how, "bound": bound, **extra}
    if value is not None:
        out["value"] = None if value is None or not np.isfinite(value) else float(value)
    return out


def _grid(how: str, names: list[str], fn, bound_fn=None, **extra) -> dict:
    """Build a parameter-dependent entry: ``fn(**params)`` on the product of the grids."""
    def rec(k: int, got: dict):
        if k == len(names):
            v = fn(**got)
            return None if v is None or not np.isfinite(v) else float(v)
        return [rec(k + 1, {**got, names[k]: g}) for g in GRIDS[names[k]]]
    out = {"how": how, "bound": bound_fn() if bound_fn else None, "parameters": {n: GRIDS[n] for n in names},
           "values": rec(0, {})}
    out.update(extra)
    return out


# --- domains ---------------------------------------------------------------------------------
def _contact(cfg: dict) -> dict:
    tip, mat = cfg["tip"], cfg["material"]
    a = hertz_area_m2(tip["radius_nm"] * 1e-9, tip["force_nN"] * 1e-9, mat["modulus_gi_GPa"] * 1e9) * 1e18
    return {"contact_area_nm2": _entry(a, how="Eq. 1 with the lab's tip radius and force and the material's "
                                          "grain-interior modulus as E*")}


def _trigger(truth_dir: Path) -> dict:
    t = pd.read_csv(truth_dir / "sweeps_truth.tsv", sep="\t")
    tips = t[t["electrode"] == "tip"]
    out, med = {}, {}
    for site in ("GB", "GI", "HL"):
        g = tips[tips["site_label"] == site]
        if g.empty:
            continue
        v, w = g["nucleation_bias_V"].to_numpy(), g["window_V"].to_numpy()
        event = np.abs(v) <= np.abs(w)
        m, is_bound = km_median(np.where(event, np.abs(v), np.abs(w)), event)
        med[site] = (m, is_bound, float(np.median(np.abs(v))))
        out[f"trigger_bias_{site.lower()}_V"] = _entry(
            -m, bound="lt" if is_bound else None, latent_median_V=-float(np.median(np.abs(v))),
            n=len(g), n_censored=int((~event).sum()),
            how=(f"Kaplan-Meier median of the true nucleation biases of the {len(g)} tip sweeps labelled {site}; "
                 "a sweep whose nucleation bias lies beyond its window never triggers and is censored at the window "
                 "(as the claim defines); latent_median_V is the median of all nucleation biases, window ignored"))
    if "GB" in med and "GI" in med:
        (mg, bg, lg), (mi, bi, li) = med["GB"], med["GI"]
        out["trigger_ratio_gi_over_gb"] = _entry(
            mi / mg, bound="gt" if bi and not bg else None, latent_ratio=li / lg,
            how="ratio of the true Kaplan-Meier medians (GI / GB); a lower bound when the GI median is the window; "
                "latent_ratio: ratio of the uncensored medians of the nucleation biases")
    return out


def _pooled(truth_dir: Path, maps: list[tuple[str, dict]]) -> tuple[np.ndarray, np.ndarray]:
    """Return the true property and true distance (nm) of every pixel of ``maps`` (one kind), in map order."""
    d = np.concatenate([np.load(truth_dir / "maps" / f"{map_id}_distance_nm.npy").astype(np.float64).ravel()
                        for map_id, _ in maps])
    v = np.empty_like(d)
    at = 0
    for map_id, m in maps:  # the material's profile at each pixel's distance
        n = np.load(truth_dir / "maps" / f"{map_id}_distance_nm.npy", mmap_mode="r").size
        dm = d[at: at + n]
        if m["kind"] == "modulus":
            v[at: at + n] = m["modulus_gi_GPa"] - gauss_profile(dm, m["modulus_drop_GPa"], m["profile_sd_nm"])
        else:
            v[at: at + n] = m["potential_gi_mV"] + gauss_profile(dm, m["potential_gb_shift_mV"], m["profile_sd_nm"])
        at += n
    return v, d


def _maps(truth_dir: Path) -> dict:
    meta = json.loads((truth_dir / "maps_truth.json").read_text(encoding="utf-8"))["maps"]
    out = {}
    for kind in ("modulus", "kpfm"):  # one kind at a time: a lab's maps hold tens of millions of pixels
        maps = [(map_id, m) for map_id, m in meta.items() if m["kind"] == kind]
        if not maps:
            continue
        v, d = _pooled(truth_dir, maps)

        def med(lo, hi, v=v, d=d):
            sel = (d > lo) & (d <= hi)
            return float(np.median(v[sel])) if sel.any() else float("nan")

        if kind == "modulus":
            how = ("median of the material's modulus at each pixel's true distance to the true boundary, pooled over "
                   "the modulus maps, over pixels {}")
            out["modulus_gi_GPa"] = _grid(how.format("farther than gi_min_distance_nm"), ["gi_min_distance_nm"],
                                          lambda gi_min_distance_nm, med=med: med(gi_min_distance_nm, np.inf))
            out["modulus_gb_GPa"] = _grid(how.format("within gb_band_nm"), ["gb_band_nm"],
                                          lambda gb_band_nm, med=med: med(-1.0, gb_band_nm))
            pixel = max(m["pixel_size_nm"] for _, m in maps)
            k = np.floor(d / pixel).astype(np.int64)
            sums, counts = np.bincount(k, weights=v), np.bincount(k)
            del k
            ok = counts >= 20
            prof_min = float((sums[ok] / counts[ok]).min())
            gi = {g: med(g, np.inf) for g in GRIDS["gi_min_distance_nm"]}
            out["modulus_drop_max_pct"] = _grid(
                "100 (1 - min of the mean true-modulus vs true-distance profile (pixel-size bins, >= 20 pixels) / the "
                "true grain-interior median)", ["gi_min_distance_nm"],
                lambda gi_min_distance_nm, p=prof_min, gi=gi: 100.0 * (1.0 - p / gi[gi_min_distance_nm]))
        else:
            gb = {g: med(-1.0, g) for g in GRIDS["gb_band_nm"]}
            gi = {g: med(g, np.inf) for g in GRIDS["gi_min_distance_nm"]}
            out["kpfm_gb_minus_gi_mV"] = _grid(
                "median of the material's potential within gb_band_nm minus beyond gi_min_distance_nm (true "
                "distances), pooled over the KPFM maps", ["gb_band_nm", "gi_min_distance_nm"],
                lambda gb_band_nm, gi_min_distance_nm, gb=gb, gi=gi: gb[gb_band_nm] - gi[gi_min_distance_nm])
        del v, d
    return out


def _median_over_cells(values: list[float], bounds: list[str | None]) -> tuple[float, str | None]:
    b = set(bounds)
    return float(np.median(values)), (b.pop() if len(b) == 1 else None)


def _echem(truth_dir: Path) -> dict:
    e = json.loads((truth_dir / "echem_truth.json").read_text(encoding="utf-8"))
    out = {}
    for il, state, cid in (("none", "pristine", "r_int_none_ohm_cm2"), ("Au", "pristine", "r_int_au_ohm_cm2"),
                           ("HL", "pristine", "r_int_hl_ohm_cm2"), ("HL", "cycled", "r_int_hl_cycled_ohm_cm2")):
        per_cell: dict[str, list[float]] = {}
        for run, p in e["peis"].items():
            if p["interlayer"] == il and p["state"] == state:
                per_cell.setdefault(p.get("cell", run), []).append(p["r_int_ohm_cm2"])
        if per_cell:
            r = [float(np.mean(v)) for v in per_cell.values()]
            out[cid] = _entry(float(np.median(r)), n=len(r),
                              how=f"median over the {len(r)} cells of the mean over each cell's repeated spectra "
                                  "of the per-interface R_int the PEIS model used")
    for il, cid in (("none", "ccd_none_mA_cm2"), ("Au", "ccd_au_mA_cm2"), ("HL", "ccd_hl_mA_cm2")):
        cells = [c for c in e["ccd"].values() if c["interlayer"] == il]
        if cells:
            v, b = _median_over_cells([c["ccd_mA_cm2"] for c in cells], [c["ccd_bound"] for c in cells])
            out[cid] = _entry(v, bound=b, n=len(cells), critical_j_mA_cm2=[c["critical_j_mA_cm2"] for c in cells],
                              how="the step before the one in which the penetration model shorts the cell (the last "
                                  "held in both directions), median over cells")
    for il, cid in (("HL", "sym_hl_hours_stable"), ("none", "sym_none_hours_to_short"),
                    ("Au", "sym_au_hours_to_short")):
        cells = [c for c in e["sym"].values() if c["interlayer"] == il]
        if cells:
            vals = [c["time_to_short_h"] if c["time_to_short_h"] is not None else c["duration_h"] for c in cells]
            bnds = [None if c["time_to_short_h"] is not None else "gt" for c in cells]
            v, b = _median_over_cells(vals, bnds)
            out[cid] = _entry(v, bound=b, n=len(cells),
                              how="time from the first current to the model's short; the log's length (bound gt) "
                                  "for a cell that never shorts; median over cells")
    for run, f in e["full"].items():
        key = run.split("_", 1)[1].lower()
        q = np.asarray(f["q_discharge_mAh_g"])
        out[f"full_{key}_cycles"] = _entry(f["cycles"], how="complete charge+discharge cycles the lab ran")
        out[f"full_{key}_retention_pct"] = _grid(
            "100 x the model's discharge capacity of the last complete cycle / that of retention_reference_cycle",
            ["retention_reference_cycle"],
            lambda retention_reference_cycle, q=q: 100.0 * q[-1] / q[int(retention_reference_cycle) - 1]
            if retention_reference_cycle <= q.size else float("nan"))
    return out


def read_currents(cyc: pd.DataFrame, read_V: float) -> tuple[np.ndarray, np.ndarray]:
    """Compute the true HRS (descending branch) and LRS (return branch) currents of each cycle at ``read_V``."""
    hrs, lrs = [], []
    for r in cyc.itertuples(index=False):
        set_before = np.isfinite(r.set_bias_V) and r.set_bias_V >= read_V  # set before the branch reaches read_V
        g_hrs = r.g_set_S if set_before else r.g_desc_S
        args = (r.r_interface_ohm, r.r_series_ohm, r.v0_V)
        hrs.append(float(state_current_A(read_V, *args, g_hrs, r.compliance_A)))
        lrs.append(float(state_current_A(read_V, *args, r.g_set_S, r.compliance_A)))
    return np.abs(np.array(hrs)), np.abs(np.array(lrs))


def _memristor(truth_dir: Path, cfg: dict) -> dict:
    t = pd.read_csv(truth_dir / "memristor_truth.tsv", sep="\t")
    out = {}
    tip = t[t["electrode"] == "tip"]
    floor = float(cfg["tip_instrument"]["noise_floor_A"])
    if len(tip):
        def on_off(read_bias_V, forming_cycles):
            late = tip[tip["cycle"] > forming_cycles]
            h, l_ = read_currents(late, read_bias_V)
            return float(np.median(l_ / h)) if len(late) else float("nan")

        def limited(read_bias_V, forming_cycles):
            late = tip[tip["cycle"] > forming_cycles]
            _, l_ = read_currents(late, read_bias_V)
            return float(np.median(l_) / floor) if len(late) else float("nan")

        out["memristor_tip_on_off"] = _grid(
            "median over tip cycles after forming_cycles of |I_LRS| / |I_HRS| of the noise-free states at read_bias_V",
            ["read_bias_V", "forming_cycles"], on_off, measurable=False,
            limit={"what": "the HRS of the tip is the contact's ionic current (femtoamperes), below the instrument's "
                           "noise floor: a perfect analysis recovers only about median |I_LRS| / noise floor, a lower "
                           "bound of the true ratio", "noise_floor_A": floor,
                   "parameters": {"read_bias_V": GRIDS["read_bias_V"], "forming_cycles": GRIDS["forming_cycles"]},
                   "values": [[_finite(limited(r, f)) for f in GRIDS["forming_cycles"]] for r in GRIDS["read_bias_V"]]})
        def set_bias(forming_cycles):
            s = tip.loc[tip["cycle"] > forming_cycles, "set_bias_V"].dropna()
            return float(np.median(s)) if len(s) else float("nan")

        out["memristor_tip_set_V"] = _grid(
            "median true set bias of the tip cycles after forming_cycles that set", ["forming_cycles"], set_bias)
    pads = t[t["electrode"] == "pad"]
    if len(pads):
        big = pads[pads["pad_side_um"] == pads["pad_side_um"].max()]

        def pad_on_off(read_bias_V):
            h, l_ = read_currents(big, read_bias_V)
            return float(np.max(l_ / h))

        def resets(read_bias_V, reset_return_factor):
            h, l_ = read_currents(big, read_bias_V)
            ref = reset_return_factor * h[0]
            return float(np.sum((l_[:-1] > ref) & (h[1:] <= ref)))

        side = float(big["pad_side_um"].iloc[0])
        out["memristor_pad_on_off"] = _grid(
            f"maximum over the cycles of the largest ({side:g} um) pad of the true |I_LRS| / |I_HRS| at read_bias_V",
            ["read_bias_V"], pad_on_off)
        out["memristor_pad_resets"] = _grid(
            f"cycles of the {side:g} um pad whose true LRS current exceeds reset_return_factor x the first HRS and "
            "whose next cycle starts within it", ["read_bias_V", "reset_return_factor"], resets)
    return out


def claims_truth(truth_dir: str | Path, cfg: dict) -> dict:
    """Compute the true value of every claim the lab determines, from the domains' truth files.

    Parameters
    ----------
    truth_dir
        ``data/truth/<dataset>`` after the domains have written it.
    cfg
        The ``lab`` section the dataset was written with (tip geometry, material, instrument floor).

    Returns
    -------
    dict
        ``{claim_id: entry}`` (see the module docstring), sorted by claim id.
    """
    truth_dir = Path(truth_dir)
    out: dict = {}
    if (truth_dir / "sweeps_truth.tsv").is_file():
        out.update(_contact(cfg))
        out.update(_trigger(truth_dir))
    if (truth_dir / "maps_truth.json").is_file():
        out.update(_maps(truth_dir))
    if (truth_dir / "echem_truth.json").is_file():
        out.update(_echem(truth_dir))
    if (truth_dir / "memristor_truth.tsv").is_file():
        out.update(_memristor(truth_dir, cfg))
    return dict(sorted(out.items()))


def write_claims_truth(truth_dir: str | Path, cfg: dict, dataset: str, seed: int) -> Path:
    """Write ``claims_truth.json`` (sorted keys, deterministic) into ``truth_dir``."""
    path = Path(truth_dir) / "claims_truth.json"
    doc = {"dataset": dataset, "seed": int(seed), "grids": GRIDS, "claims": claims_truth(truth_dir, cfg)}
    path.write_text(json.dumps(doc, indent=1, sort_keys=True, allow_nan=False) + "\n", encoding="utf-8")
    return path
