"""Benchmark: how the pipeline grows with the data, on the virtual lab's ``labscale`` presets.

For each size (``labscale_1of16``, ``labscale_1of4``, ``labscale``; choose with ``--sizes``):
the raw files are written first if missing (rule ``demo_data``, timed apart: it is the lab, not
the pipeline), then the interim and results folders of that dataset are removed and the whole DAG
runs cold (``snakemake --cores N``), without the robustness study (which reruns each analysis
over its parameters' plausible values) unless ``--robustness``. Printed per size: the pipeline's
wall time; per stage (rule, FE seeds summed) the job time, CPU time and peak memory (max RSS) from
Snakemake's benchmark files; then, between
consecutive sizes, the cost exponent of each stage, ``log(t2 / t1) / log(n2 / n1)`` with ``n`` the
size fraction (1 = linear; the FE model and the notebooks' fixed costs do not grow, exponent ~0).
Usage: ``python workflow/scripts/bench/bench_scale.py [--sizes 1of16,1of4,full] [--cores 2] [--robustness]``.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import re
import shutil
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
SIZES = {"1of16": ("labscale_1of16", 1 / 16), "1of4": ("labscale_1of4", 1 / 4), "full": ("labscale", 1.0)}


def stage(rule: str) -> str:
    """Stage of a benchmark file: its rule, the FE seeds of one kind pooled (``fe_member_seed3`` -> ``fe_member``)."""
    return re.sub(r"_seed\d+$", "", rule)


def _num(x: str) -> float:
    try:
        return float(x)
    except ValueError:
        return math.nan


def read_benchmarks(folder: Path) -> dict[str, tuple[float, float, float, int]]:
    """``{stage: (job seconds, CPU seconds, max RSS MB, jobs)}`` from Snakemake's benchmark TSVs (summed over jobs)."""
    out: dict[str, tuple[float, float, float, int]] = {}
    for f in sorted(folder.glob("*.tsv")):
        with f.open(encoding="utf-8") as fh:
            row = next(csv.DictReader(fh, delimiter="\t"))
        t, c, m, n = out.get(stage(f.stem), (0.0, 0.0, 0.0, 0))
        out[stage(f.stem)] = (t + _num(row["s"]), c + _num(row["cpu_time"]), max(m, _num(row["max_rss"])), n + 1)
    return out


def run(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1of16,1of4,full")
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--no-run", action="store_true", help="only read the benchmark files of the last runs")
    ap.add_argument("--robustness", action="store_true",
                    help="include the robustness study (default: robustness_off.yaml, the analyses once)")
    a = ap.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; --cores {a.cores}",
          flush=True)
    measured = []
    for key in a.sizes.split(","):
        dataset, frac = SIZES[key]
        cfg = ["--config", f"dataset={dataset}"]
        if not a.robustness:
            cfg = ["--configfile", "workflow/config/robustness_off.yaml", *cfg]
        t_lab = t_dag = math.nan
        if not a.no_run:
            t_lab = run([SNAKEMAKE, "--cores", str(a.cores), *cfg, "--until", "demo_data"])
        raw = Path("data/raw") / dataset
        mb = sum(p.stat().st_size for p in raw.rglob("*") if p.is_file()) / 1e6
        if not a.no_run:
            for d in (Path("data/interim") / dataset, Path("results") / dataset):
                shutil.rmtree(d, ignore_errors=True)
            t_dag = run([SNAKEMAKE, "--cores", str(a.cores), *cfg])
        bench = read_benchmarks(Path("results") / dataset / "benchmarks")
        measured.append((key, frac, t_dag, bench))
        print(f"\n== {dataset} ({frac:g} of labscale, raw {mb:,.0f} MB; lab check/generation {t_lab:.0f} s): "
              f"pipeline wall time {t_dag:.0f} s (goal for the full set <= 900 s)", flush=True)
        print(f"  {'stage':28s} {'jobs':>4s} {'job s':>8s} {'CPU s':>8s} {'peak MB':>8s}")
        for name, (s, c, rss, n) in sorted(bench.items(), key=lambda kv: -kv[1][1]):
            flag = "  > 4 GiB" if rss > 4096 else ""
            print(f"  {name:28s} {n:4d} {s:8.1f} {c:8.1f} {rss:8.0f}{flag}")
        tot = sum(v[1] for k, v in bench.items() if k != "demo_data")
        print(f"  CPU seconds of the pipeline's jobs: {tot:.0f} s (>= {tot / a.cores:.0f} s on {a.cores} cores)")
    for (k1, f1, w1, b1), (k2, f2, w2, b2) in pairwise(measured):
        lf = math.log(f2 / f1)
        print(f"\ncost exponents {k1} -> {k2} (goal <= 1.1 per stage; of job time and of CPU time): "
              f"wall {math.log(w2 / w1) / lf:.2f}")
        for name in sorted(set(b1) & set(b2), key=lambda n: -b2[n][1]):
            if name == "demo_data":
                continue
            (t1, c1, _, _), (t2, c2, _, _) = b1[name], b2[name]
            print(f"  {name:28s} job {t1:7.1f} -> {t2:7.1f} s exponent {math.log(t2 / t1) / lf:5.2f}; "
                  f"CPU {c1:7.1f} -> {c2:7.1f} s exponent {math.log(c2 / c1) / lf:5.2f}")
    missing = [k for k in SIZES if k not in a.sizes.split(",")]
    if missing:
        print(f"\nnot run: {', '.join(missing)} (--sizes)")


if __name__ == "__main__":
    main()
