"""Safe resolution of file paths named in sample sheets."""

from __future__ import annotations

from pathlib import Path

from llzo.io.errors import RawDataError, UnsafePathError


def resolve_in_dataset(
    dataset_dir: str | Path,
    relpath: str,
    *,
    sheet: str | Path,
    row: int,
    column: str = "file",
    must_exist: bool = True,
) -> Path:
    """Resolve a sheet's relative path, refusing anything that leaves the dataset folder.

    Parameters
    ----------
    dataset_dir
        The dataset folder ``data/raw/<dataset>``.
    relpath
        The path as written in the sheet.
    sheet, row, column
        Where the path was read (for the error message).
    must_exist
        Raise when the file does not exist.

    Returns
    -------
    Path
        The resolved path (inside ``dataset_dir``).

    Raises
    ------
    UnsafePathError
        For an absolute path, a path with ``..`` that leaves the folder, or a symlink whose
        target lies outside it.
    RawDataError
        For a missing file.
    """
    root = Path(dataset_dir).resolve()
    p = Path(relpath)
    if p.is_absolute() or relpath.startswith(("/", "\\")) or (len(relpath) > 1 and relpath[1] == ":"):
        raise UnsafePathError(
            f"absolute path {relpath!r} refused: paths must be relative to the dataset folder",
            sheet, row=row, column=column,
        )
    full = (root / p).resolve()
    try:
        full.relative_to(root)
    except ValueError:
        raise UnsafePathError(
            f"path {relpath!r} leaves the dataset folder {root.name}/ (.. or symlink) and is refused",
            sheet, row=row, column=column,
        ) from None
    if must_exist and not full.is_file():
        raise RawDataError(f"file {relpath!r} named in the sheet does not exist", sheet, row=row, column=column)
    return full
