"""Benchmark: the fast .mpt parser vs galvani's MPTfile and yadg's eclab.mpt on one big EC-Lab export.

Writes a GCPL export of ``rows`` rows with decimal commas (a de_DE EC-Lab install) with the
virtual lab's EC-Lab writer into a temporary folder, then in the same run: reads its bytes (the
floor), parses it with the fast parser, galvani and yadg, checks that the three give identical
values, and prints each time, the ratios (goals: >= 25x galvani, >= 5x yadg), the fast parser's
throughput in MB/s and how far it is from reading the bytes.
Usage: ``PYTHONPATH=workflow python workflow/scripts/bench/bench_mpt.py [rows]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from llzo.io.eclab.fast_mpt import read_mpt_fast
from llzo.io.eclab.galvani_ref import read_mpt_galvani
from llzo.io.eclab.yadg_reader import read_yadg
from llzo.lab.echem import GCPL_COLUMNS, _gcpl_table, write_mpt


def _blank_third_line(p: Path) -> None:
    """Give the file EC-Lab's empty third line (the lab's writer omits it; yadg needs it)."""
    raw = p.read_bytes()
    first, second, rest = raw.split(b"\r\n", 2)
    nb = int(second.split(b":")[1])
    second = f"Nb header lines : {nb + 1}".ljust(46).encode()
    p.write_bytes(b"\r\n".join([first, second, b"", rest]))


def _timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def main(rows: int = 1_000_000) -> dict[str, float]:
    cfg = yaml.safe_load(Path("workflow/config/config.yaml").read_text(encoding="utf-8"))["lab"]["echem"]
    cfg = {**cfg, "decimal_separator": ","}
    rng = np.random.default_rng(0)
    t = np.arange(1, rows + 1) * 10.0
    k = (t // 1800).astype(np.int64)
    sgn = np.where(k % 2 == 0, -1.0, 1.0)
    data = _gcpl_table(t, sgn * (0.3 + 1e-3 * rng.standard_normal(rows)), sgn * 0.628, k % 2)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "big.mpt"
        write_mpt(p, "GCPL", GCPL_COLUMNS, data, cfg, [("Ns", [0, 1])])
        _blank_third_line(p)
        mb = p.stat().st_size / 1e6
        _, t_bytes = _timed(Path.read_bytes, p)
        fast, t_fast = _timed(read_mpt_fast, p)
        ref, t_galvani = _timed(read_mpt_galvani, p)
        yd, t_yadg = _timed(read_yadg, p)
    assert list(fast.data.columns) == list(ref.data.columns)
    for c in fast.data.columns:
        np.testing.assert_array_equal(fast.data[c].to_numpy(), ref.data[c].to_numpy(), err_msg=c)
    for c in yd.data.columns:
        if c in fast.data.columns and c not in ("I Range", "control/V", "control/mA"):
            np.testing.assert_array_equal(fast.data[c].to_numpy(np.float64), yd.data[c].to_numpy(np.float64),
                                          err_msg=c)
    r_g, r_y = t_galvani / t_fast, t_yadg / t_fast
    print(f"rows {rows}, {mb:.0f} MB, decimal commas: read bytes {t_bytes:.2f} s; fast {t_fast:.2f} s "
          f"({mb / t_fast:.0f} MB/s, {t_fast / t_bytes:.1f}x the byte read); galvani {t_galvani:.2f} s; "
          f"yadg {t_yadg:.2f} s")
    print(f"fast vs galvani {r_g:.1f}x (goal >= 25x), vs yadg {r_y:.1f}x (goal >= 5x); values identical")
    return {"galvani": r_g, "yadg": r_y}


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
