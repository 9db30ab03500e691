from __future__ import annotations

import numpy as np

from llzo.analysis.parallel import map_ordered, workers


def _job(seed: int, scale: float) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=1000) * scale


def test_results_in_item_order_for_any_number_of_workers():
    one = map_ordered(_job, range(7), 1, 2.0)
    for n in (2, 3):
        got = map_ordered(_job, range(7), n, 2.0)
        assert len(got) == 7 and all(np.array_equal(a, b) for a, b in zip(got, one, strict=True))
    assert map_ordered(_job, [], 2, 2.0) == []


def test_workers_from_the_environment(monkeypatch):
    monkeypatch.delenv("LLZO_WORKERS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert workers() == 3
    monkeypatch.setenv("LLZO_WORKERS", "2")
    assert workers() == 2
    monkeypatch.setenv("LLZO_WORKERS", "x")
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert workers() == 1
