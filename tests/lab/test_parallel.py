"""Lab generation on several cores (llzo.lab.parallel): the same bytes whatever the number of workers."""

from __future__ import annotations

import copy
import filecmp
import logging
from pathlib import Path

import pytest

from llzo.lab import parallel
from llzo.lab.demo import make_dataset


def small_lab(lab: dict) -> dict:
    cfg = copy.deepcopy(lab)
    plan = cfg["sweeps"]["plan"]
    plan.update(tip_sweeps_per_distance=[3] * len(plan["tip_distances_nm"]), hl_sweeps=3, pad_sweeps_per_side=2)
    for k in ("modulus", "kpfm", "current"):
        cfg["maps"][k]["pixels"] = 64
    cfg["maps"]["maps"] = [*cfg["maps"]["maps"], {"map_id": "big", "kind": "kpfm", "stage": "pristine",
                                                  "pixels": 96, "scan_size_um": 2.0, "count": 2, "mask": True}]
    cfg["memristor"]["devices"] = [{**d, "cycles": 4} for d in cfg["memristor"]["devices"]]
    cfg["echem"]["sym"]["duration_h"] = {"none": 2.0, "Au": 2.0, "HL": 8.0}
    for c in cfg["echem"]["full"].values():
        c["cycles"] = 3
    return cfg


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_workers_do_not_change_a_byte(tmp_path, lab_config):
    cfg = small_lab(lab_config)
    make_dataset(tmp_path / "one/raw", tmp_path / "one/truth", cfg, 11, workers=1)
    make_dataset(tmp_path / "two/raw", tmp_path / "two/truth", cfg, 11, workers=2)
    for part in ("raw", "truth"):
        a, b = tmp_path / "one" / part, tmp_path / "two" / part
        files = tree(a)
        assert files == tree(b) and files
        _, mismatch, errors = filecmp.cmpfiles(a, b, files, shallow=False)
        assert not mismatch and not errors
    assert {"maps/big_001.gwy", "maps/big_002.gwy", "maps/big_002_mask.png"} <= set(tree(tmp_path / "one/raw"))


def _twice(x: int) -> int:
    return 2 * x


def _fail(x: int) -> int:
    raise ValueError(f"task {x} failed")


@pytest.mark.parametrize("workers", [1, 2])
def test_file_writer_keeps_order_and_counts_progress(workers, caplog):
    caplog.set_level(logging.INFO, logger="llzo.lab")
    progress = parallel.Progress("test task", 40, "items")
    with parallel.FileWriter(workers) as w:
        for i in range(40):
            w.submit(_twice, i, progress=progress)
        assert w.results() == [2 * i for i in range(40)]
    assert progress.done == 40
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("test task")]
    assert lines[-1].startswith("test task 40/40 items (100 %)")
    assert 2 <= len(lines) <= 21  # every 5 % at most, and at the end


def test_file_writer_raises_a_task_error():
    with pytest.raises(ValueError, match="task 3 failed"), parallel.FileWriter(2) as w:
        for i in range(5):
            w.submit(_fail if i == 3 else _twice, i)
        w.results()
