"""SHA-256 manifest of raw files (provenance and immutability of raw data)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import pandas as pd


def sha256_file(path: str | Path, chunk_bytes: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file, read in binary read-only mode."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_bytes):
            h.update(chunk)
    return h.hexdigest()


def build_manifest(dataset_dir: str | Path, relpaths: Iterable[str], extra: dict | None = None) -> pd.DataFrame:
    """Manifest of raw files: one row per file with ``path``, ``bytes`` and ``sha256``.

    Parameters
    ----------
    dataset_dir
        ``data/raw/<dataset>``; paths are recorded relative to it.
    relpaths
        Files to record (sheet first, then the files it names).
    extra
        Optional ``{relpath: {column: value}}`` added as columns (e.g. EC-Lab version).
    """
    rows = []
    root = Path(dataset_dir)
    for rel in dict.fromkeys(relpaths):  # ordered, unique
        p = root / rel
        row = {"path": rel, "bytes": p.stat().st_size, "sha256": sha256_file(p)}
        row.update((extra or {}).get(rel, {}))
        rows.append(row)
    return pd.DataFrame(rows)


def combined_sha256(manifests: Iterable[str | Path]) -> str:
    """One SHA-256 over several manifests (sorted ``path sha256`` lines), for claims and figures."""
    lines = []
    for m in manifests:
        df = pd.read_csv(m, sep="\t", dtype=str)
        lines += [f"{p}  {s}" for p, s in zip(df["path"], df["sha256"], strict=True)]
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()
