"""Grain-boundary masks given in ``maps.tsv`` (``mask_file``): ``.npy`` or PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from llzo.io.errors import RawDataError


def read_mask(path: str | Path, shape: tuple[int, int]) -> np.ndarray:
    """Read a boundary mask (``.npy`` or PNG): nonzero on boundary pixels, same shape as the map.

    Raises
    ------
    RawDataError
        Unreadable file, unknown extension or a shape other than ``shape``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".npy":
            arr = np.load(path, allow_pickle=False)
        elif suffix == ".png":
            from PIL import Image

            with Image.open(path) as im:
                arr = np.asarray(im)
            if arr.ndim == 3:  # RGB(A) drawing: any non-black colour channel marks the boundary
                arr = arr[..., :3].max(axis=2)
        else:
            raise RawDataError(f"mask must be .npy or .png, not {suffix!r}", path)
    except RawDataError:
        raise
    except Exception as exc:
        raise RawDataError(f"cannot read boundary mask ({type(exc).__name__}: {exc})", path) from None
    if arr.shape != tuple(shape):
        raise RawDataError(f"mask shape {arr.shape} differs from the map's {tuple(shape)}", path)
    return np.asarray(arr) != 0
