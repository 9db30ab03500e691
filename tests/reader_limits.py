"""Limits for reader tests: a reader that hangs is a bug too (used by the corpus and fuzz tests)."""

from __future__ import annotations

import contextlib
import signal


class ReaderHang(BaseException):
    """A reader ran past its deadline."""


@contextlib.contextmanager
def deadline(seconds: int):
    """Raise :class:`ReaderHang` in the main thread when the block runs longer than ``seconds``."""
    def alarm(signum, frame):
        raise ReaderHang(f"reader still running after {seconds} s (endless loop?)")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
