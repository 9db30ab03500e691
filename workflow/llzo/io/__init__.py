"""Readers of raw instrument files and sample sheets (never imports :mod:`llzo.lab`)."""

from llzo.io.errors import RawDataError

__all__ = ["RawDataError"]
