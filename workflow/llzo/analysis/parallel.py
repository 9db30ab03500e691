"""Analyses that are one independent computation per item (per map, per spectrum) on several cores.

:func:`map_ordered` runs a module-level function over items in worker processes and returns the
results in the items' order, so a result never depends on the number of workers. The number of
workers is the job's core budget: ``LLZO_WORKERS`` if set, else ``OMP_NUM_THREADS`` (Snakemake
sets it to the threads of each job), else 1 (in Jupyter: one process, as before).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any


def workers() -> int:
    """Return the core budget of this job (see the module docstring), at least 1."""
    for key in ("LLZO_WORKERS", "OMP_NUM_THREADS"):
        try:
            return max(1, int(os.environ[key]))
        except (KeyError, ValueError):
            continue
    return 1


def map_ordered(fn: Callable[..., Any], items: Iterable[Any], n_workers: int | None = None,
                *args: Any) -> list[Any]:
    """``[fn(item, *args) for item in items]``, in ``n_workers`` processes (default :func:`workers`).

    With one worker (or one item) it runs in this process. Worker processes are forked where the
    platform allows (no re-import of the caller); ``fn``, the items and the results must pickle.
    """
    items = list(items)
    n = min(n_workers or workers(), len(items))
    if n <= 1:
        return [fn(item, *args) for item in items]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context(method)) as pool:
        return list(pool.map(fn, items, *([a] * len(items) for a in args)))
