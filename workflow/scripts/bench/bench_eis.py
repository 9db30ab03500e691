"""Benchmark: the EIS notebook's own work (imports + analysis of every spectrum) against the former path.

Both paths analyse the same spectra: the demo's PEIS runs as the virtual lab writes them (config
``lab.echem``: 3 cells x 4 groups x ``eis_repeats``). Each path runs in a fresh Python process, so
the time includes its imports (and the lazy imports at the first spectrum):

* **new**: ``llzo.analysis.eis.analyse_spectrum`` (pyimpspec Kramers-Kronig test and DRT, candidate
  circuits, interface by capacitance) with ``analysis.eis`` from the config;
* **reference**: the former path, impedance.py 1.7.1 (Lin-KK with the mu criterion searched in
  reverse, ``CustomCircuit('R0-p(R1,CPE1)-p(R2,CPE2)')`` fit up to 100 kHz, interface = slowest arc),
  measured from git history: ``workflow/llzo/analysis/eis.py`` at commit ``REFERENCE_COMMIT``, loaded
  as a module from ``git show`` (it needs the dev dependency impedance==1.7.1).

Prints wall and CPU time of each, their ratio, and the R_int error of each path against the lab's
truth (the reference fits the lab's previous circuit; these spectra are not made by it).

Usage: ``.venv/bin/python workflow/scripts/bench_eis.py``
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "workflow"))

#: The last commit whose EIS analysis used impedance.py (the branch point of this rewrite).
REFERENCE_COMMIT = "4d7866ea0356126f140cf48a736282556b93a511"

GROUPS = [("none", "none"), ("Au", "Au"), ("HL", "HL"), ("HL", "HL_cycled")]

NEW = r"""
import json, sys, time
t0, c0 = time.perf_counter(), time.process_time()
import numpy as np, yaml
from llzo.analysis.eis import EISParams, analyse_spectrum
t_imp = time.perf_counter() - t0
d = np.load(sys.argv[1])
p = EISParams.from_config(yaml.safe_load(open(sys.argv[2]))["analysis"]["eis"])
out = []
for f, Z, A in zip(d["f"], d["Z"], d["A"]):
    r = analyse_spectrum(f, Z, float(A), p)
    out.append(r.R_int_ohm_cm2 if r.status == "ok" else float("nan"))
print(json.dumps({"import_s": t_imp, "wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0,
                  "R_int": out}))
"""

OLD = r"""
import importlib.util, json, sys, time, warnings
t0, c0 = time.perf_counter(), time.process_time()
import numpy as np
spec = importlib.util.spec_from_file_location("old_eis", sys.argv[3])
old = importlib.util.module_from_spec(spec); sys.modules["old_eis"] = old; spec.loader.exec_module(old)
import impedance.validation, impedance.models.circuits  # the notebook imported these at its first spectrum
t_imp = time.perf_counter() - t0
d = np.load(sys.argv[1])
out = []
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for f, Z, A in zip(d["f"], d["Z"], d["A"]):
        old.kk_check(f, Z, c=0.85, max_residual_pct=2.0)
        r = old.fit_symmetric_cell(f, Z, float(A), circuit="R0-p(R1,CPE1)-p(R2,CPE2)", f_max_Hz=1.0e5)
        out.append(r.R_int_ohm_cm2)
print(json.dumps({"import_s": t_imp, "wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0,
                  "R_int": out}))
"""


def demo_spectra(cfg: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The demo's PEIS spectra (f, Z, area, true R_int) from the lab's physics and config."""
    from llzo.lab import impedance as lab

    c = cfg["lab"]["echem"]
    rng = np.random.default_rng(cfg["lab_seed"])
    f = lab.frequencies_Hz(c["eis_f_max_Hz"], c["eis_f_min_Hz"], c["eis_points_per_decade"])
    fs, Zs, As, truth = [], [], [], []
    for _il, key in GROUPS:
        for _ in range(int(c["cells_per_group"]) * int(c["eis_repeats"])):
            r = c["r_int_ohm_cm2"][key] * (1 + c["int_asymmetry_rel_sd"] * rng.standard_normal(2))
            cap = c["int_capacitance_F_cm2"][key]
            cell = lab.CellEIS(
                area_cm2=c["area_cm2"], thickness_cm=c["thickness_cm"], sigma_bulk_S_cm=c["sigma_bulk_S_cm"],
                eps_r_bulk=c["eps_r_bulk"], r_gb_ohm_cm2=c["r_gb_ohm_cm2"], grain_size_um=c["grain_size_um"],
                gb_thickness_nm=c["gb_thickness_nm"], eps_r_gb=c["eps_r_gb"], gb_sigma_log_sd=c["gb_sigma_log_sd"],
                r_int_ohm_cm2=(float(r[0]), float(r[1])), c_int_F_cm2=(cap, cap), hn_alpha=c["int_hn_alpha"],
                hn_beta=c["int_hn_beta"], diffusion_r_ohm_cm2=c["diffusion_r_ohm_cm2"],
                diffusion_tau_s=c["diffusion_tau_s"], lead_resistance_ohm=c["lead_resistance_ohm"],
                lead_inductance_H=c["lead_inductance_H"])
            Z = lab.add_noise(f, cell.impedance(f), rng, rel_sd=c["eis_noise_rel_sd"],
                              floor_ohm=c["eis_noise_floor_ohm"], hf_rel_sd=c["eis_noise_hf_rel_sd"])
            fs.append(f)
            Zs.append(Z)
            As.append(c["area_cm2"])
            truth.append(cell.r_int_mean_ohm_cm2)
    return np.array(fs), np.array(Zs), np.array(As), np.array(truth)


def run(code: str, *args: str) -> dict:
    env = {"PYTHONPATH": str(ROOT / "workflow"), "PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    cfg_path = ROOT / "workflow/config/config.yaml"
    cfg = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
    f, Z, A, truth = demo_spectra(cfg)
    with tempfile.TemporaryDirectory() as tmp:
        npz = Path(tmp, "spectra.npz")
        np.savez(npz, f=f, Z=Z, A=A)
        src = subprocess.run(["git", "show", f"{REFERENCE_COMMIT}:workflow/llzo/analysis/eis.py"], cwd=ROOT,
                             capture_output=True, text=True)
        if src.returncode != 0:
            print(f"reference path not available (git show {REFERENCE_COMMIT[:10]} failed): {src.stderr.strip()}")
            return
        old_py = Path(tmp, "old_eis.py")
        old_py.write_text(src.stdout, encoding="utf-8")
        new = run(NEW, str(npz), str(cfg_path))
        try:
            old = run(OLD, str(npz), str(cfg_path), str(old_py))
        except subprocess.CalledProcessError as e:
            print("reference path failed:", e.stderr.strip().splitlines()[-1])
            return
    n = len(truth)
    print(f"{n} demo spectra ({f.shape[1]} points each), each path in a fresh process (imports included)")
    for name, r in (("new (pyimpspec + own fit)", new), ("reference (impedance.py)", old)):
        err = 100 * (np.array(r["R_int"], float) / truth - 1)
        ok = np.isfinite(err)
        print(f"  {name:27s} import {r['import_s']:5.2f} s, total wall {r['wall_s']:6.2f} s, CPU {r['cpu_s']:6.2f} s; "
              f"R_int reported for {ok.sum()}/{n}, |error| median {np.median(np.abs(err[ok])):.1f} %, "
              f"max {np.max(np.abs(err[ok])):.1f} %")
    print(f"ratio new/reference: wall {new['wall_s'] / old['wall_s']:.2f}, CPU {new['cpu_s'] / old['cpu_s']:.2f}")


if __name__ == "__main__":
    main()
