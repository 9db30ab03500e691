"""Benchmark: the fixed costs of the pipeline, each against a reference measured in the same run.

Needs a finished demo tree (``snakemake --cores 2`` first); writes only below a temporary folder.

* **Ingest start-up**: a fresh process importing the job entry point and the ingest module of a
  sheet (what every ingest job pays before it reads a file), against ``python -c pass``.
* **No-op dry run**: ``snakemake -n`` on the finished tree (nothing to do), against ``python -c
  pass``, ``import snakemake`` and ``snakemake --version`` (where the time goes).
* **Notebook overhead**: each executed demo notebook run again (same parameters, outputs to a
  temporary folder) through the pipeline's runner (papermill kernel, guard cell, HTML export) and
  as a plain Python script of the same cells in a fresh process (``MPLBACKEND=Agg``); the overhead
  is the difference.

Each time is the median of ``--repeat`` runs (notebooks: one run each, the machine is shared).
Usage: ``PYTHONPATH=workflow python workflow/scripts/bench/bench_overhead.py [--only fixed|notebooks]
[--notebooks a,b] [--dataset demo]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
SNAKEMAKE = str(Path(PY).with_name("snakemake"))
#: parameters the runner sets itself (outputs, provenance) and the folders passed as ``dirs``
RUNNER_SET = ("figures_dir", "claims_path", "tables_dir", "outputs", "provenance", "interim_dir", "results_dir")


def wall(cmd: list[str], repeat: int = 1, **kw) -> float:
    """Median wall time (s) of ``cmd`` run ``repeat`` times (it must succeed); its CPU time in :data:`CPU`."""
    times, cpu = [], []
    for _ in range(repeat):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, **kw)
        times.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
    CPU[0] = statistics.median(cpu)
    return statistics.median(times)


#: CPU seconds (user + system, children included) of the last :func:`wall` (median)
CPU = [0.0]


def fixed_costs(dataset: str, repeat: int) -> None:
    env = {**os.environ, "PYTHONPATH": "workflow"}
    base = wall([PY, "-c", "pass"], repeat)
    print(f"reference: python -c pass {base:.2f} s (median of {repeat})")
    for sheet in ("sweeps", "maps", "echem"):
        t = wall([PY, "-c", f"import llzo.pipeline.cli, llzo.pipeline.ingest_{sheet}"], repeat, env=env)
        print(f"ingest start-up {sheet}: {t:.2f} s wall, {CPU[0]:.2f} s CPU = python start-up + {t - base:.2f} s "
              f"of imports (goal <= 1 s)")
    imp = wall([PY, "-c", "import snakemake.api"], repeat)
    ver = wall([SNAKEMAKE, "--version"], repeat)
    noop = wall([SNAKEMAKE, "-n", "--cores", "1", "--config", f"dataset={dataset}"], repeat)
    noop_cpu = CPU[0]
    out = subprocess.run([SNAKEMAKE, "-n", "--cores", "1", "--config", f"dataset={dataset}"],
                         capture_output=True, text=True).stdout
    state = "nothing to do" if "Nothing to be done" in out or "Job stats" not in out else "JOBS PENDING"
    print(f"no-op snakemake -n ({state}): {noop:.2f} s wall, {noop_cpu:.2f} s CPU (goal <= 2 s); "
          f"of it python start-up {base:.2f} s, "
          f"import snakemake.api {imp:.2f} s, snakemake --version {ver:.2f} s, "
          f"the workflow (parse, config, DAG) {noop - ver:.2f} s")


def _script(ipynb: Path, out: dict[str, str]) -> str:
    """The executed notebook's code cells as one script, its outputs redirected to ``out``."""
    nb = json.loads(ipynb.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        parts.append("".join(cell["source"]))
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            parts.append("\n".join(f"{k} = {v!r}" for k, v in out.items())
                         + "\noutputs = {**outputs, 'figures_dir': figures_dir, 'claims_path': claims_path, "
                           "'tables_dir': tables_dir}")
    return "\n\n".join(parts) + "\n"


def _injected(ipynb: Path) -> dict:
    """The parameters papermill injected (a literal dict per assignment)."""
    import ast

    nb = json.loads(ipynb.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            tree = ast.parse("".join(cell["source"]))
            return {n.targets[0].id: ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)}
    raise ValueError(f"{ipynb}: no injected-parameters cell")


def notebook_overhead(dataset: str, names: list[str] | None) -> None:
    results = Path("results") / dataset
    nb_dir = Path("notebooks").resolve()
    ipynbs = sorted((results / "notebooks").glob("*.ipynb"))
    ipynbs = [p for p in ipynbs if not p.name.endswith(".failed.ipynb") and (names is None or p.stem in names)]
    if not ipynbs:
        sys.exit(f"no executed notebooks in {results}/notebooks: run snakemake --config dataset={dataset} first")
    env = {**os.environ, "PYTHONPATH": str(Path("workflow").resolve()), "MPLBACKEND": "Agg"}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for ipynb in ipynbs:
            name = ipynb.stem
            t = Path(tmp) / name
            plain_out = {"figures_dir": str(t / "plain_fig"), "claims_path": str(t / "plain.json"),
                         "tables_dir": str(t / "plain_tables")}
            for d in ("plain_fig", "plain_tables"):
                (t / d).mkdir(parents=True)
            script = t / "plain.py"
            script.write_text(_script(ipynb, plain_out), encoding="utf-8")
            t_plain = wall([PY, str(script)], cwd=nb_dir, env=env)
            c_plain = CPU[0]
            params = {k: v for k, v in _injected(ipynb).items() if k not in RUNNER_SET}
            spec = {"notebook": f"notebooks/{name}.py", "ipynb": str(t / "nb.ipynb"), "html": str(t / "nb.html"),
                    "claims": str(t / "nb.json"), "figures_dir": str(t / "nb_fig"), "tables_dir": str(t / "nb_tables"),
                    "inputs": {}, "params": params, "manifests": [],
                    "dirs": {"interim_dir": str(Path("data/interim") / dataset), "results_dir": str(results)}}
            code = ("import json, sys\nfrom llzo.pipeline.notebook import run_notebook\n"
                    "run_notebook(**json.loads(sys.argv[1]))\n")
            t_nb = wall([PY, "-c", code, json.dumps(spec)], env=env)
            rows.append((name, t_nb, t_plain))
            print(f"notebook {name}: runner {t_nb:.2f} s ({CPU[0]:.2f} s CPU), plain script {t_plain:.2f} s "
                  f"({c_plain:.2f} s CPU), overhead {t_nb - t_plain:.2f} s wall, {CPU[0] - c_plain:.2f} s CPU "
                  f"(goal <= 2 s)", flush=True)
    over = [a - b for _, a, b in rows]
    print(f"notebook overhead: median {statistics.median(over):.2f} s, max {max(over):.2f} s over {len(rows)} "
          f"notebooks; runner total {sum(a for _, a, _ in rows):.1f} s vs plain {sum(b for _, _, b in rows):.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=("fixed", "notebooks"))
    ap.add_argument("--notebooks", help="comma-separated names (default: every executed notebook)")
    ap.add_argument("--dataset", default="demo")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if a.only in (None, "fixed"):
        fixed_costs(a.dataset, a.repeat)
    if a.only in (None, "notebooks"):
        notebook_overhead(a.dataset, a.notebooks.split(",") if a.notebooks else None)


if __name__ == "__main__":
    main()
