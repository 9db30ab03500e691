"""Virtual lab: trigger sweeps at a c-AFM tip (placeholder physics of the spine).

The trigger-bias issue replaces this with the full model (ionic baseline, nucleation,
compliance, ohmic back scan, distance and pad-size dependence, HL sites).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def _sweep(v_trigger: float, window_V: float, r_fil_ohm: float, compliance_A: float,
           rng: np.random.Generator, n: int = 400) -> pd.DataFrame:
    down = np.linspace(0.0, window_V, n)
    bias = np.concatenate([down, down[::-1][1:]])
    time = np.arange(bias.size) * 0.05
    cur = rng.normal(0, 2e-13, bias.size) + 1e-13 * bias
    k_trig = np.argmax(down <= v_trigger) if v_trigger > window_V else None
    if k_trig is not None:
        on = np.zeros(bias.size, bool)
        on[k_trig:] = True
        cur[on] = np.maximum(bias[on] / r_fil_ohm, -compliance_A)
    return pd.DataFrame({"time_s": time, "bias_V": bias, "current_A": cur})


def write(raw_dir: Path, truth_dir: Path, cfg: dict, rng: np.random.Generator) -> dict[str, list[dict]]:
    """Write a few tip trigger sweeps (GB and GI) and their truth."""
    c = cfg["sweeps"]
    (raw_dir / "sweeps").mkdir(exist_ok=True)
    rows, truth = [], []
    for i, (site, d_nm, vt) in enumerate([("GB", 0.0, -0.12), ("GB", 0.0, -0.13), ("GI", 1500.0, -9.5),
                                          ("GI", 2000.0, -11.0)]):
        sid = f"tip_{site}_{i:03d}"
        df = _sweep(vt, c["window_V"], 2.0e3, c["compliance_A"], rng)
        rel = f"sweeps/{sid}.csv"
        with open(raw_dir / rel, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(f"# instrument: Keithley 2400 via c-AFM, sweep {sid}\n")
            df.to_csv(fh, index=False, float_format="%.9g", lineterminator="\n")
        rows.append({"sweep_id": sid, "file": rel, "protocol": "trigger", "site": site,
                     "distance_to_gb_nm": d_nm, "electrode": "tip", "tip_radius_nm": c["tip_radius_nm"],
                     "tip_force_nN": c["tip_force_nN"], "compliance_A": c["compliance_A"]})
        truth.append({"sweep_id": sid, "trigger_bias_V": vt if vt > c["window_V"] else np.nan})
    pd.DataFrame(truth).to_csv(truth_dir / "sweeps_truth.tsv", sep="\t", index=False, lineterminator="\n")
    return {"sweeps": rows}
