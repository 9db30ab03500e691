"""Typed errors raised by every reader.

A :class:`RawDataError` names the file and, where it applies, the 1-based line (or sheet row)
and the column, so that a message shown by the pipeline says exactly what to fix.
"""

from __future__ import annotations

import os


class RawDataError(ValueError):
    """A raw input file or sample sheet is unusable.

    Parameters
    ----------
    message
        What is wrong, in words a lab member understands.
    file
        Path of the offending file.
    line
        1-based line number in the file, if known.
    column
        Column name, if known.
    row
        1-based data row of a sample sheet (header excluded), if it applies.
    """

    def __init__(
        self,
        message: str,
        file: str | os.PathLike[str],
        line: int | None = None,
        column: str | None = None,
        row: int | None = None,
    ) -> None:
        self.message = message
        self.file = str(file)
        self.line = line
        self.column = column
        self.row = row
        super().__init__(str(self))

    def __reduce__(self):
        # picklable with its fields (an error raised in a worker process reaches the ingest intact)
        return (type(self), (self.message, self.file, self.line, self.column, self.row))

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class SheetError(RawDataError):
    """A sample sheet (sweeps.tsv, maps.tsv, echem.tsv) breaks the data contract."""


class UnsafePathError(RawDataError):
    """A sheet names a path that leaves the dataset folder (absolute, ``..`` or a symlink)."""
