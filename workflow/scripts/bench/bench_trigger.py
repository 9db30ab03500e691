"""Benchmark: trigger analysis of the demo-sized sweep set vs reading the same sweeps.

Prints the time of ``llzo.analysis.trigger.analyse_sweeps`` on the lab's default trigger sweeps
and its ratio to the reference measured in the same run: reading the sweep CSVs with
``llzo.io.sweeps.read_sweep_csv`` (the ingest). Goal: ratio < 1 (the analysis costs less than
reading the raw files).

Usage: ``PYTHONPATH=workflow python workflow/scripts/bench/bench_trigger.py``
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

from llzo.analysis.trigger import TriggerParams, analyse_sweeps
from llzo.io.sweeps import read_sweep_csv
from llzo.lab import sweeps as lab
from llzo.lab.demo import domain_rng

ROOT = Path(__file__).resolve().parents[3]


def main() -> None:
    cfg = yaml.safe_load((ROOT / "workflow/config/config.yaml").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        raw, truth = Path(tmp, "raw"), Path(tmp, "truth")
        raw.mkdir()
        truth.mkdir()
        rows = lab.write(raw, truth, cfg["lab"], domain_rng(cfg["lab_seed"], "sweeps"))["sweeps"]
        t0 = time.perf_counter()
        frames = []
        for r in rows:
            df = read_sweep_csv(raw / r["file"])
            df.insert(0, "cycle", 1)
            df.insert(0, "sweep_id", r["sweep_id"])
            frames.append(df)
        t_read = time.perf_counter() - t0
    meta, data = pd.DataFrame(rows), pd.concat(frames, ignore_index=True)
    params = TriggerParams.from_config(cfg["analysis"]["trigger"])
    t0 = time.perf_counter()
    analyse_sweeps(meta, data, params)
    t_an = time.perf_counter() - t0
    print(f"{len(rows)} sweeps, {len(data)} samples: read {t_read:.2f} s, analyse {t_an:.2f} s, "
          f"ratio analyse/read = {t_an / t_read:.2f}")


if __name__ == "__main__":
    main()
