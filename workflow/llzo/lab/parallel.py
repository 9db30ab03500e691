"""Write the virtual lab's files on several cores, deterministically, with a progress log.

Every random number of a lab dataset is drawn in the main process, in the same order whatever
the number of workers; the worker processes only turn drawn numbers into files (rendering a
map, formatting an I-V sweep or an EC-Lab table as text), which is where the time goes. The
bytes written therefore do not depend on ``workers`` (``tests/lab/test_parallel.py``).

:class:`Progress` logs ``<what> k/n (p %), t s`` every :data:`STEP_PCT` percent or every
:data:`STEP_S` seconds, whichever comes first, so a long generation shows that it moves.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

log = logging.getLogger("llzo.lab")

#: Log a progress line at least every this many percent ...
STEP_PCT = 5.0
#: ... or every this many seconds.
STEP_S = 10.0


class Progress:
    """Count finished items of one task and log how far it is.

    Parameters
    ----------
    what
        Name of the task in the log line (``"virtual lab: sweeps"``).
    total
        Items to do.
    unit
        Name of an item (``"files"``).
    """

    def __init__(self, what: str, total: int, unit: str = "files") -> None:
        self.what, self.total, self.unit = what, max(int(total), 0), unit
        self.done = 0
        self.t0 = self._last_t = time.perf_counter()
        self._last_pct = 0.0

    def add(self, n: int = 1) -> None:
        """Count ``n`` finished items; log when a step is reached (and at the end)."""
        self.done += n
        now = time.perf_counter()
        pct = 100.0 * self.done / self.total if self.total else 100.0
        if self.done >= self.total or pct - self._last_pct >= STEP_PCT or now - self._last_t >= STEP_S:
            log.info("%s %d/%d %s (%.0f %%), %.1f s", self.what, self.done, self.total, self.unit, pct, now - self.t0)
            self._last_pct, self._last_t = pct, now


class FileWriter:
    """Run file-writing tasks in ``workers`` processes (inline when ``workers`` <= 1), results in order.

    A task is a module-level function and picklable arguments; at most ``2 x workers`` tasks are
    pending at a time, so the main process never holds more than a few tasks' data. Use as a
    context manager; :meth:`results` waits for every task and returns their results in the order
    they were submitted (an exception of a task is raised there).

    Parameters
    ----------
    workers
        Worker processes (1: run each task at once in this process).
    """

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, int(workers))
        #: Counter of the tasks submitted without their own ``progress``.
        self.progress: Progress | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._pending: deque[tuple[Future, Progress | None, int]] = deque()
        self._results: list[Any] = []

    def __enter__(self) -> FileWriter:
        if self.workers > 1:
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(method))
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=exc[0] is not None)
            self._pool = None

    def submit(self, fn: Callable[..., Any], *args: Any, progress: Progress | None = None, items: int = 1) -> None:
        """Run ``fn(*args)``; count ``items`` on ``progress`` (default :attr:`progress`) when it is done."""
        progress = progress or self.progress
        if self._pool is None:
            self._results.append(fn(*args))
            if progress is not None:
                progress.add(items)
            return
        while len(self._pending) >= 2 * self.workers:
            self._collect_one()
        self._pending.append((self._pool.submit(fn, *args), progress, items))

    def _collect_one(self) -> None:
        fut, progress, items = self._pending.popleft()
        self._results.append(fut.result())
        if progress is not None:
            progress.add(items)

    def results(self) -> list[Any]:
        """Wait for every task; return all results in submission order and start a new list."""
        while self._pending:
            self._collect_one()
        out, self._results = self._results, []
        return out


def default_workers() -> int:
    """Cores this process may use (its CPU affinity), for ``llzo demo-data --workers 0``."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
