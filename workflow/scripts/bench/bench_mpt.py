"""Benchmark: fast .mpt reader (pyarrow) vs galvani's MPTfile on a 1,000,000-row EC-Lab export.

Writes the file with the virtual lab's EC-Lab writer into a temporary folder, reads it with both
readers in the same run, checks that names and values are identical and prints the speed ratio
(goal: >= 5x). Usage: ``PYTHONPATH=workflow python workflow/scripts/bench/bench_mpt.py [rows]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from llzo.io.biologic import read_mpt
from llzo.lab.echem import GCPL_COLUMNS, _gcpl_table, write_mpt


def main(rows: int = 1_000_000) -> float:
    cfg = yaml.safe_load(Path("workflow/config/config.yaml").read_text(encoding="utf-8"))["lab"]["echem"]
    rng = np.random.default_rng(0)
    t = np.arange(1, rows + 1) * 10.0
    k = (t // 1800).astype(np.int64)
    sgn = np.where(k % 2 == 0, -1.0, 1.0)
    data = _gcpl_table(t, sgn * (0.3 + 1e-3 * rng.standard_normal(rows)), sgn * 0.628, k % 2)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "big.mpt"
        write_mpt(p, "GCPL", GCPL_COLUMNS, data, cfg, [("Ns", [0, 1])])
        t0 = time.perf_counter()
        fast = read_mpt(p)
        t_fast = time.perf_counter() - t0
        t0 = time.perf_counter()
        ref = read_mpt(p, engine="galvani")
        t_ref = time.perf_counter() - t0
    assert list(fast.data.columns) == list(ref.data.columns)
    for c in fast.data.columns:
        np.testing.assert_array_equal(fast.data[c].to_numpy(), ref.data[c].to_numpy(), err_msg=c)
    ratio = t_ref / t_fast
    print(f"rows {rows}: fast {t_fast:.2f} s, galvani {t_ref:.2f} s, ratio {ratio:.1f}x "
          f"(goal >= 5x), values identical")
    return ratio


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
