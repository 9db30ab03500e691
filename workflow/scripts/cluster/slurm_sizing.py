"""Size Slurm requests from Snakemake benchmark files, and project an ensemble onto N nodes.

Reads ``results/<dataset>/benchmarks/*.tsv`` (written by each rule's ``benchmark:``) and prints,
per rule, the measured wall time, CPU time and peak memory, and the ``threads`` /
``resources: mem_mb, runtime`` to declare (memory x1.5 rounded up to 250 MB, at least 500 MB;
runtime x3 in whole minutes, at least 5), as YAML ready for ``set-resources:`` in
``workflow/profiles/slurm/config.yaml``. With ``--ensemble-rule`` it projects that rule's
ensemble (``--n-jobs`` members) onto 1, 2, 4, ... nodes.

Examples
--------
    python workflow/scripts/cluster/slurm_sizing.py results/demo/benchmarks
    python workflow/scripts/cluster/slurm_sizing.py results/demo/benchmarks --ensemble-rule fe_solve \\
        --n-jobs 640 --cores-per-node 32 --overhead-s 15
"""

from __future__ import annotations

import argparse
import csv
import math
from pathlib import Path


def read_benchmarks(folder: Path) -> dict[str, dict[str, float]]:
    """Median wall time ``s``, ``cpu_time`` (s) and ``max_rss`` (MB) per benchmark file stem's rule.

    Files of one rule with wildcards (``fe_solve_seed3.tsv`` ...) are not merged: pass the rule
    prefix to ``--ensemble-rule`` to aggregate them.
    """
    out = {}
    for path in sorted(folder.glob("*.tsv")):
        with path.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        if not rows:
            continue

        def med(key: str, rows: list[dict[str, str]] = rows) -> float:
            vals = sorted(float(r[key]) for r in rows if r.get(key) not in (None, "", "NA"))
            return vals[len(vals) // 2] if vals else float("nan")

        out[path.stem] = {"s": med("s"), "cpu_time": med("cpu_time"), "max_rss": med("max_rss")}
    return out


def suggest(bench: dict[str, float]) -> dict[str, int]:
    """``threads``, ``mem_mb`` and ``runtime`` (minutes) for one rule from its benchmark."""
    threads = max(1, round(bench["cpu_time"] / bench["s"])) if bench["s"] > 0 else 1
    mem_mb = max(500, math.ceil(1.5 * bench["max_rss"] / 250) * 250) if bench["max_rss"] == bench["max_rss"] else 1000
    runtime = max(5, math.ceil(3 * bench["s"] / 60))
    return {"threads": threads, "mem_mb": mem_mb, "runtime": runtime}


def project(t_job_s: float, overhead_s: float, n_jobs: int, cores_per_node: int, threads: int, nodes: int) -> float:
    """Ensemble wall time in s on ``nodes`` nodes: waves of parallel jobs, each job plus Slurm overhead."""
    slots = max(1, nodes * (cores_per_node // max(1, threads)))
    return math.ceil(n_jobs / slots) * (t_job_s + overhead_s)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("benchmarks", type=Path, help="folder of benchmark TSVs, e.g. results/demo/benchmarks")
    ap.add_argument("--ensemble-rule", help="benchmark file prefix of the ensemble member rule")
    ap.add_argument("--n-jobs", type=int, default=640, help="ensemble members (64 seeds x 3 x 3 + 64)")
    ap.add_argument("--cores-per-node", type=int, default=32)
    ap.add_argument("--overhead-s", type=float, default=15.0, help="measured Slurm overhead per job (s)")
    args = ap.parse_args()

    benches = read_benchmarks(args.benchmarks)
    if not benches:
        raise SystemExit(f"no benchmark files in {args.benchmarks}")
    print(f"# {'rule':40s} {'wall_s':>8s} {'cpu_s':>8s} {'rss_MB':>8s}")
    for name, b in benches.items():
        print(f"# {name:40s} {b['s']:8.1f} {b['cpu_time']:8.1f} {b['max_rss']:8.0f}")
    print("set-resources:")
    for name, b in benches.items():
        sug = suggest(b)
        print(f"  {name}:\n    mem_mb: {sug['mem_mb']}\n    runtime: {sug['runtime']}")
    print("set-threads:")
    for name, b in benches.items():
        print(f"  {name}: {suggest(b)['threads']}")

    if args.ensemble_rule:
        members = [b for n, b in benches.items() if n.startswith(args.ensemble_rule)]
        if not members:
            raise SystemExit(f"no benchmark file starts with {args.ensemble_rule!r}")
        t_job = sorted(b["s"] for b in members)[len(members) // 2]
        threads = max(suggest(b)["threads"] for b in members)
        print(
            f"# ensemble {args.ensemble_rule}: {args.n_jobs} jobs x {t_job:.1f} s (+{args.overhead_s:.0f} s "
            f"Slurm overhead each), {threads} thread(s), {args.cores_per_node} cores/node"
        )
        for nodes in (1, 2, 4, 8, 16, 32):
            wall = project(t_job, args.overhead_s, args.n_jobs, args.cores_per_node, threads, nodes)
            print(f"#   {nodes:3d} node(s): {wall / 60:8.1f} min")


if __name__ == "__main__":
    main()
